#pragma once
// `kassa replay ...`: the auditor's tool (replay/) on the command line. This
// file only parses arguments and prints; the work is kassa::replay's.
//
//   kassa replay verify --from SOURCE [--json] [--progress auto|tty|lines|off]
//   kassa replay export --from SOURCE --to FILE.kassa [--json] [--progress ...]
//   kassa replay import FILE.kassa --into SOURCE [--json] [--progress ...]
//   kassa replay rebuild --from SOURCE --into DIR [--at YYYY-MM-DD] [--known-at TS]
//       [--keys DIR --niss-secret FILE] [--json]
//   kassa replay diff --live DIR --rebuilt DIR [--keys-shown N] [--json]
//   kassa replay report --store DIR (--person NISS|PARTYID | --company NUMBER) --at YYYY-MM-DD
//       [--known-at TS] [--niss-secret FILE] [--json]
//
// SOURCE: kafka://HOST:PORT[?prefix=P], journal://DIR[?prefix=P] or
// FILE.kassa (see replay/source.h). Exit codes: 0 everything verified / done /
// equal; 1 a check failed, the stores differ, or the work could not be done;
// 2 usage errors (including a SOURCE that does not parse). Progress goes to
// stderr; --json prints one JSON document on stdout. Logs go to stderr at
// --log-level (default warn).

#include <CLI/CLI.hpp>

namespace kassa::app {

void add_replay_commands(CLI::App& app);

}  // namespace kassa::app
