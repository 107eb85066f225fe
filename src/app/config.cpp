#include "app/config.h"

#include <sys/stat.h>

#include <filesystem>

#include <cstdlib>

namespace kassa::app {

namespace {

std::string env_or(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? std::string(v) : std::move(fallback);
}

}  // namespace

void add_store_options(CLI::App& app, Config& config) {
  config.data_dir = env_or("KASSA_DATA_DIR", config.data_dir);
  config.log.brokers = env_or("KASSA_BROKERS", config.log.brokers);
  config.log.topic_prefix = env_or("KASSA_TOPIC_PREFIX", config.log.topic_prefix);
  app.add_option("--data-dir", config.data_dir,
                 "folder for the journal, projections and key store (KASSA_DATA_DIR)");
  app.add_option("--brokers", config.log.brokers,
                 "Kafka bootstrap servers; empty = the embedded journal (KASSA_BROKERS)");
  app.add_option("--topic-prefix", config.log.topic_prefix,
                 "topic names are <prefix>.person.events, ... (KASSA_TOPIC_PREFIX)");
}

void add_service_options(CLI::App& app, Config& config) {
  config.http.host = env_or("KASSA_HOST", config.http.host);
  config.auth_file = env_or("KASSA_AUTH_FILE", config.auth_file);
  config.backup_dir = env_or("KASSA_BACKUP_DIR", config.backup_dir);
  app.add_option("--backup-dir", config.backup_dir,
                 "folder where POST /v1/admin/backup writes its backups; default "
                 "<data-dir>/backups (KASSA_BACKUP_DIR)");
  app.add_option("--host", config.http.host, "address to listen on (KASSA_HOST)");
  // Through CLI11, so a value from the environment is checked like a flag:
  // KASSA_PORT=abc or 8640x is refused, not read as 0 or 8640.
  app.add_option("--port", config.http.port, "port to listen on, 0 for any (KASSA_PORT)")
      ->envname("KASSA_PORT")
      ->check(CLI::Range(0, 65535));
  app.add_option("--auth-file", config.auth_file,
                 "JSON file of bearer-token hashes and roles; default <data-dir>/auth.json "
                 "(KASSA_AUTH_FILE)");
  config.scrub_journal = env_or("KASSA_SCRUB_JOURNAL", "0") == "1";
  app.add_flag("--scrub-journal", config.scrub_journal,
               "read and verify every block of the embedded journal before serving; refuse to "
               "start on damage (KASSA_SCRUB_JOURNAL=1)");
  app.add_option("--log-level", config.log_level, "trace|debug|info|warn|error (KASSA_LOG_LEVEL)")
      ->envname("KASSA_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  app.add_option("--log-format", config.log_format,
                 "logfmt (default) or json: one JSON object per line (KASSA_LOG_FORMAT)")
      ->envname("KASSA_LOG_FORMAT")
      ->check(CLI::IsMember({"logfmt", "json"}));
}

void finish(Config& config) {
  config.log.journal_path = config.journal_dir();
  if (config.auth_file.empty()) config.auth_file = config.data_dir + "/auth.json";
  if (config.backup_dir.empty()) config.backup_dir = config.data_dir + "/backups";
}

void make_created_files_private() { ::umask(077); }

Status check_keys_private(const std::string& keys_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(keys_dir, ec)) return {};
  constexpr fs::perms kOthers = fs::perms::group_all | fs::perms::others_all;
  auto open_to_others = [](const fs::path& path) {
    std::error_code gone;  // a file removed meanwhile is not open to anyone
    const fs::file_status st = fs::symlink_status(path, gone);
    return !gone && (st.permissions() & kOthers) != fs::perms::none;
  };
  std::string found;
  if (open_to_others(keys_dir)) found = keys_dir;
  for (auto it = fs::recursive_directory_iterator(keys_dir, ec);
       found.empty() && !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (open_to_others(it->path())) found = it->path().string();
  }
  if (found.empty()) return {};
  return Error::violation("KeysFolderOpen",
                          found +
                              " can be read or written by other users; the personal-data keys "
                              "may have been read. Check, then run chmod -R go-rwx " +
                              keys_dir + " before starting kassad",
                          "data_dir");
}

}  // namespace kassa::app
