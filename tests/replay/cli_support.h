#pragma once
// Runs the built `kassa` binary as an auditor would: its stdout, its exit
// code (tests/support/run_kassa.h).
#include <string>

#include "support/run_kassa.h"

namespace kassa::replay::testing {

using Run = kassa_run::Run;

inline Run kassa_cli(const std::string& args) { return run_kassa(args); }

}  // namespace kassa::replay::testing
