#include "app/cli_backup.h"

#include "app/cli_support.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>

#include "app/backup.h"
#include "app/config.h"
#include "http/idempotency.h"
#include "log/rocksdb_key_store.h"
#include "projections/access_log.h"
#include "projections/rebuild.h"

namespace kassa::app {

namespace p = kassa::projections;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void print_manifest(const json& m, const std::string& path) {
  std::cout << "backup " << path << ": " << m["files"].size() << " files, "
            << m.value("bytes", std::uint64_t{0}) << " bytes, log " << m.value("log", "")
            << ", created " << m.value("created", "") << "\n";
  std::cout << "parts:";
  for (const auto& part : m["parts"]) std::cout << " " << part.get<std::string>();
  std::cout << "\n";
}

void backup_remote(const std::string& url, const std::string& token, const std::string& name) {
  httplib::Client client(url);
  client.set_read_timeout(3600);
  auto res = client.Post("/v1/admin/backup", {{"Authorization", "Bearer " + token}},
                         json{{"name", name}}.dump(), "application/json");
  if (!res) {
    std::cerr << "error: kassad at " << url << " does not answer\n";
    throw CLI::RuntimeError(1);
  }
  auto body = json::parse(res->body, nullptr, false);
  if (res->status != 201 || body.is_discarded()) {
    std::cerr << "error: kassad answered " << res->status << ": " << res->body << "\n";
    throw CLI::RuntimeError(1);
  }
  std::cout << "backup " << body.value("path", "") << ": " << body.value("files", 0) << " files, "
            << body.value("bytes", std::uint64_t{0}) << " bytes, log " << body.value("log", "")
            << ", created " << body.value("created", "") << " (written by kassad on its machine)\n";
}

void backup_offline(const Config& config, const std::string& to) {
  // Opening creates what is missing: a mistyped folder would be backed up
  // as a new, empty data folder.
  const std::string secret_path = config.keys_dir() + "/niss_secret.key";
  if (!fs::exists(secret_path) ||
      (config.log.brokers.empty() && !fs::exists(config.journal_dir()))) {
    std::cerr << "error: " << config.data_dir << " is not a Kassa data folder (no "
              << (fs::exists(secret_path) ? config.journal_dir() : secret_path) << ")\n";
    throw CLI::RuntimeError(1);
  }
  auto log = log::open_event_log(config.log);
  if (!log.ok()) fail("event log (is kassad running? then use --url)", log.error());
  auto live = p::live_store_path(config.projections_dir());
  if (!live.ok()) fail("projections folder", live.error());
  auto store = p::Store::open(*live);
  if (!store.ok()) fail("projection store", store.error());
  auto keys = log::RocksDbKeyStore::open(config.keys_dir());
  if (!keys.ok()) fail("key store", keys.error());
  auto idempotency = http::IdempotencyStore::open(config.idempotency_dir());
  if (!idempotency.ok()) fail("idempotency store", idempotency.error());
  auto access = p::AccessLog::open(config.access_log_dir());
  if (!access.ok()) fail("access log", access.error());
  const BackupSources sources{log->get(),
                              store->get(),
                              idempotency->get(),
                              keys->get(),
                              access->get(),
                              secret_path,
                              config.log.topic_prefix,
                              !config.log.brokers.empty(),
                              fs::exists(config.data_dir + "/auth.json") &&
                                      config.auth_file == config.data_dir + "/auth.json"
                                  ? config.auth_file
                                  : std::string()};
  auto manifest = make_backup(sources, to);
  if (!manifest.ok()) fail("backup", manifest.error());
  print_manifest(*manifest, to);
}

}  // namespace

void add_backup_commands(CLI::App& app) {
  auto config = std::make_shared<Config>();
  struct Options {
    std::string url, token, to, name, from, restore_into;
    bool check = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* backup = app.add_subcommand(
      "backup",
      "Back up a data folder (journal, projections, keys, access log, idempotency store)");
  add_store_options(*backup, *config);
  backup->add_option("--to", o->to, "kassad stopped: a new folder (absolute path) for the backup");
  backup->add_option("--url", o->url, "a running kassad to ask (e.g. http://127.0.0.1:8080)");
  backup->add_option("--token", o->token, "an admin bearer token for --url");
  backup->add_option("--name", o->name,
                     "with --url: the new backup's folder name under kassad's backup folder "
                     "(KASSA_BACKUP_DIR, default <data-dir>/backups)");
  backup->callback([config, o] {
    if (!o->url.empty()) {
      if (o->name.empty() || !o->to.empty()) {
        throw CLI::ValidationError("--name", "with --url, name the backup with --name (not --to)");
      }
      backup_remote(o->url, o->token, o->name);
      return;
    }
    if (o->to.empty()) throw CLI::ValidationError("--to", "kassad stopped: give --to /abs/folder");
    finish(*config);
    backup_offline(*config, o->to);
  });

  CLI::App* restore = app.add_subcommand(
      "restore", "Check a backup against its manifest, and restore it into a new data folder");
  restore->add_option("--from", o->from, "the backup's folder")->required();
  restore->add_option("--data-dir", o->restore_into,
                      "a new data folder (absolute path) to restore into");
  restore->add_flag("--check", o->check, "only check every file against the manifest");
  restore->callback([o] {
    if (o->check == !o->restore_into.empty()) {
      throw CLI::ValidationError("--data-dir", "give either --data-dir DIR or --check");
    }
    if (o->check) {
      auto manifest = check_backup(o->from);
      if (!manifest.ok()) fail("backup", manifest.error());
      print_manifest(*manifest, o->from);
      std::cout << "every file matches the manifest\n";
      return;
    }
    make_created_files_private();
    auto manifest = restore_backup(o->from, o->restore_into);
    if (!manifest.ok()) fail("restore", manifest.error());
    print_manifest(*manifest, o->from);
    std::cout << "restored into " << o->restore_into << "\n";
    if (manifest->value("log", "") == "journal") {
      std::cout << "next: kassa replay verify --from journal://" << o->restore_into
                << "/journal, then start kassad with KASSA_DATA_DIR=" << o->restore_into << "\n";
    } else {
      std::cout << "next: start kassad with KASSA_DATA_DIR=" << o->restore_into
                << " on the same brokers and KASSA_TOPIC_PREFIX="
                << manifest->value("topic_prefix", "") << " (the events are the topics')\n";
    }
  });
}

}  // namespace kassa::app
