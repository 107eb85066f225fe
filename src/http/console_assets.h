#pragma once
// kassa::http — the staff console's files, built into the binary.
//
// The files of console/ (at the repository's root) are embedded at build
// time by embed_console.cmake into a generated console_assets.cpp: no
// separate server, no CDN, nothing read from disk at run time.
// console_version() is a hash of every file's name and bytes: the assets
// are served under /console/<version>/<file>, so a browser may cache them
// for good, and a new build changes every URL.
//
// Thread-safety: immutable data, read from any thread.

#include <cstddef>
#include <span>
#include <string_view>

namespace kassa::http {

struct ConsoleAsset {
  std::string_view name;          // "app.js": a flat folder, no '/'
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view bytes;         // index.html with @CONSOLE_VERSION@ replaced
};

std::span<const ConsoleAsset> console_assets();
// 16 lowercase hex digits.
std::string_view console_version();

}  // namespace kassa::http
