#pragma once
// `kassa demo ...`: demo data for a newcomer's first look and for benchmarks.
//
//   kassa demo generate [--persons N] [--companies M] [--from-year Y]
//                       [--to-year Y] [--seed S] [--json]
//                       [--data-dir DIR] [--brokers ...] [--topic-prefix ...]
//       writes a realistic fund history through the write pipeline into an
//       EMPTY event log (the embedded journal, or Kafka with --brokers);
//       personal data is sealed with keys in <data-dir>/keys. The same seed
//       gives the same history. Prints a summary and a few PartyIds.
//
// Exit 0 on success, 1 on failure (a log that is not empty included).

#include <CLI/CLI.hpp>

namespace kassa::app {

void add_demo_commands(CLI::App& app);

}  // namespace kassa::app
