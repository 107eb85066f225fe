#pragma once
// `kassa rules ...`: the domain's rules on the command line, through the same
// functions the service calls.
//
//   kassa rules contribution --year 2025 --category main --income 40000.00
//       [--reference-income X | --starter] [--quarters N] [--primo-starter]
//       [--first-quarter] [--fee-rate 3.95]
//     prints one JSON object (amounts as strings with two decimals).
//   kassa rules validate niss|company|structured|iban VALUE
//     prints "valid" (exit 0) or "invalid: <reason>" (exit 1).
//
// Invalid values print `error: <field>: <message> (<rule>)` on stderr and
// exit 1 (thrown as CLI::RuntimeError, which CLI11 passes through silently);
// usage errors are CLI11's and exit 2 (see kassa_main.cpp).

#include <CLI/CLI.hpp>

namespace kassa::app {

void add_rules_commands(CLI::App& app);

}  // namespace kassa::app
