#pragma once
// Runs the built `kassa` binary as an auditor would: its stdout, its exit code.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace kassa::replay::testing {

struct Run {
  int exit_code = -1;
  std::string out;
};

inline Run kassa_cli(const std::string& args) {
  const std::string command = std::string("'") + KASSA_CLI + "' " + args + " 2>/dev/null";
  Run run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) run.out.append(buf.data(), n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace kassa::replay::testing
