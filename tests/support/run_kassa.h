#pragma once
// Runs the built `kassa` command line as a user or an auditor would: its
// stdout or stderr, and its exit code. The test target defines KASSA_CLI
// (the binary's path).

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace kassa_run {

struct Run {
  int exit_code = -1;
  std::string out;  // stdout, or stderr when asked for
};

// Runs `kassa <args>`; `stream` picks what is captured.
enum class Capture { kStdout, kStderr };
inline Run run_kassa(const std::string& args, Capture stream = Capture::kStdout) {
  const std::string redirect = stream == Capture::kStdout ? " 2>/dev/null" : " 2>&1 >/dev/null";
  const std::string command = std::string("'") + KASSA_CLI + "' " + args + redirect;
  Run run;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) run.out.append(buf.data(), n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace kassa_run

using kassa_run::Capture;
using kassa_run::run_kassa;
