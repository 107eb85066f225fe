#pragma once
// What the `kassa` subcommands share: how a failure is reported, and how
// a file the command writes is made durable.
//
// Thread-safety: reentrant.

#include <string>
#include <string_view>

#include "domain/result.h"

namespace kassa::app {

// Prints "error: <what>: <message> (<rule>)" on stderr and ends the
// command with `exit_code` (a CLI::RuntimeError).
[[noreturn]] void fail(const std::string& what, const Error& e, int exit_code = 1);

// Writes `text` to `path` (created 0600, truncated) and fsyncs it.
// Returns false when any step failed.
bool write_synced(const std::string& path, std::string_view text);
// Fsyncs a file written by other means (std::filesystem::copy_file).
bool sync_file(const std::string& path);
// Fsyncs a folder, so a file created or renamed in it is durable.
void sync_folder(const std::string& path);

}  // namespace kassa::app
