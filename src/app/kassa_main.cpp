// kassa — the command line. Each module registers its subcommands here;
// the code behind them is the same the service uses.

#include <CLI/CLI.hpp>

#include <iostream>

#include "app/cli_auth.h"
#include "app/cli_backup.h"
#include "app/cli_check.h"
#include "app/cli_demo.h"
#include "app/cli_events.h"
#include "app/cli_projections.h"
#include "app/cli_replay.h"
#include "app/cli_rules.h"
#include "app/config.h"
#include "app/logging.h"

int main(int argc, char** argv) {
  kassa::app::make_created_files_private();
  // Every command logs as kassad does (logfmt, or KASSA_LOG_FORMAT); the
  // commands with --log-level set it up again at their level.
  kassa::app::init_logging("kassa", "info");
  CLI::App app{"kassa — command line of the Kassa ledger"};
  app.require_subcommand(1);
  app.set_version_flag("--version", KASSA_VERSION);
  kassa::app::add_rules_commands(app);
  kassa::app::add_projections_commands(app);
  kassa::app::add_replay_commands(app);
  kassa::app::add_demo_commands(app);
  kassa::app::add_check_command(app);
  kassa::app::add_auth_commands(app);
  kassa::app::add_backup_commands(app);
  kassa::app::add_events_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a command's own failure, already reported
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);  // prints help, the version or the usage error
    return rc == 0 ? 0 : 2;
  }
  return 0;
}
