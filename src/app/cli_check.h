#pragma once
// `kassa check`: proves the invariants between the read models of a data
// folder (replay/check.h). Exit 0 with no violation, 1 with any.

#include <CLI/CLI.hpp>

namespace kassa::app {

void add_check_command(CLI::App& app);

}  // namespace kassa::app
