// kassa — the command line. Each module registers its subcommands here;
// the code behind them is the same the service uses.

#include <CLI/CLI.hpp>

#include <iostream>

#include "app/logging.h"

int main(int argc, char** argv) {
  CLI::App app{"kassa — command line of the Kassa ledger"};
  app.require_subcommand(1);
  app.set_version_flag("--version", KASSA_VERSION);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
