#pragma once
// `kassa auth ...`: kassad's bearer tokens, kept as SHA-256 hashes in the
// auth file (KASSA_AUTH_FILE, default <data-dir>/auth.json; format in
// src/http/auth.h and the README).
//
//   kassa auth add-token --role staff|batch|auditor|admin --principal NAME
//       [--auth-file F | --data-dir D]
//     makes a token (32 random bytes, 64 hex digits), appends its hash to
//     the file (creating it 0600), and prints the token once on stdout: it
//     is stored nowhere else.
//   kassa auth remove-token --principal NAME [--sha256 PREFIX] [...]
//     removes the principal's tokens (or the one whose hash starts with
//     PREFIX); exit 1 when none matched.
//   kassa auth list [...]
//     one line per token: principal, role, the first 12 digits of its hash.
//
// The file is validated as kassad reads it before it is changed, and
// replaced atomically (written beside it, synced, renamed). kassad reads it
// at start: restart it after a change (rotation: add the new token,
// restart, hand it out, remove the old one, restart).

#include <CLI/CLI.hpp>

namespace kassa::app {

void add_auth_commands(CLI::App& app);

}  // namespace kassa::app
