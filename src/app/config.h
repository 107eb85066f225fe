#pragma once
// Kassa's configuration, shared by kassad and the kassa subcommands that
// open the ledger's stores: flags, with environment variables as defaults.
//
//   KASSA_HOST, KASSA_PORT         where kassad listens
//   KASSA_DATA_DIR                 journal, projections, key store, access log
//   KASSA_BROKERS                  Kafka bootstrap servers; empty = embedded journal
//   KASSA_TOPIC_PREFIX             topic names "<prefix>.person.events", ...
//   KASSA_AUTH_FILE                bearer-token hashes and roles
//   KASSA_LOG_LEVEL                trace|debug|info|warn|error
//
// Thread-safety: plain values, filled once at start-up.

#include <CLI/CLI.hpp>

#include <string>

#include "http/server.h"
#include "log/log_config.h"

namespace kassa::app {

struct Config {
  http::ServerOptions http;
  std::string data_dir = "./kassa-data";
  std::string auth_file;  // default <data_dir>/auth.json
  // Where POST /v1/admin/backup writes (one new folder per backup); default
  // <data_dir>/backups: the same file system, so the copies are hard links.
  std::string backup_dir;
  std::string log_level = "info";
  std::string log_format = "logfmt";
  // Read every block of the embedded journal before serving (kassad
  // --scrub-journal, KASSA_SCRUB_JOURNAL=1); refuse to start on damage.
  bool scrub_journal = false;
  log::LogConfig log;

  // Paths inside data_dir (derived; see finish()).
  std::string journal_dir() const { return data_dir + "/journal"; }
  std::string keys_dir() const { return data_dir + "/keys"; }
  std::string projections_dir() const { return data_dir + "/projections"; }
  std::string access_log_dir() const { return data_dir + "/access-log"; }
  std::string idempotency_dir() const { return data_dir + "/idempotency"; }
};

// Defaults from the environment, then flags on `app` that override them.
void add_store_options(CLI::App& app, Config& config);    // data dir, brokers, topics
void add_service_options(CLI::App& app, Config& config);  // host, port, auth, log level

// Fills derived settings after parsing (journal path, auth file default).
void finish(Config& config);

// Files kassad and kassa create hold personal data and its keys: they are
// created 0700 (folders) and 0600 (files) whatever the caller's umask.
void make_created_files_private();
// KeysFolderOpen when the keys folder, or a file in it, can be read or
// written by other users (a folder from an older Kassa, or a copy made
// with a wide umask): the keys may have been read; the operator checks
// and tightens them (chmod -R go-rwx) before kassad serves again.
Status check_keys_private(const std::string& keys_dir);

}  // namespace kassa::app
