#include "app/cli_projections.h"

#include "app/cli_support.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "app/config.h"
#include "domain/rulebook.h"
#include "log/rocksdb_key_store.h"
#include "projections/niss_index.h"
#include "projections/rebuild.h"

namespace kassa::app {

namespace p = kassa::projections;
namespace fs = std::filesystem;

namespace {

void print(const p::Checksums& before, const p::Checksums& after) {
  for (const auto& [name, sum] : after) {
    const auto it = before.find(name);
    std::cout << name << "  " << (it == before.end() ? std::string("-") : it->second) << "  " << sum
              << "  "
              << (it == before.end()  ? "new"
                  : it->second == sum ? "equal"
                                      : "DIFFERENT")
              << "\n";
  }
}

struct Remote {
  std::string url;
  std::string token;
  bool accept_different = false;
};

void rebuild_remote(const Remote& remote) {
  httplib::Client client(remote.url);
  client.set_read_timeout(3600);
  const std::string path = std::string("/v1/admin/projections/rebuild") +
                           (remote.accept_different ? "?accept_different=true" : "");
  auto res =
      client.Post(path, {{"Authorization", "Bearer " + remote.token}}, "", "application/json");
  if (!res) {
    std::cerr << "error: kassad at " << remote.url << " does not answer\n";
    throw CLI::RuntimeError(1);
  }
  auto body = nlohmann::json::parse(res->body, nullptr, false);
  if (res->status != 200 || body.is_discarded()) {
    std::cerr << "error: kassad answered " << res->status << ": " << res->body << "\n";
    throw CLI::RuntimeError(1);
  }
  p::Checksums before, after;
  for (const auto& row : body["checksums"]) {
    before[row["projection"]] = row["before"];
    after[row["projection"]] = row["after"];
  }
  std::cout << "projection  before  after\n";
  print(before, after);
  if (body.value("swapped", false)) {
    std::cout << "live store: " << body.value("store", "") << "\n";
  } else {
    std::cout << "NOT SWAPPED: the rebuilt store differs from the live one; it stays at "
              << body.value("store", "") << " (--accept-different swaps it in)\n";
  }
  if (body.contains("kept")) {
    std::cout << "previous store kept at " << body.value("kept", "") << "\n";
  }
  if (!body.value("swapped", false)) throw CLI::RuntimeError(1);
}

void rebuild_offline(const Config& config, std::uint32_t passes, bool accept_different) {
  auto log = log::open_event_log(config.log);
  if (!log.ok()) fail("event log", log.error());
  auto keys = log::RocksDbKeyStore::open(config.keys_dir());
  if (!keys.ok()) fail("key store", keys.error());
  auto secret = p::load_or_create_niss_secret(config.keys_dir() + "/niss_secret.key");
  if (!secret.ok()) fail("NISS index secret", secret.error());
  const auto rulebook = domain::Rulebook::belgian_default();
  p::ProjectionDeps deps{&rulebook, keys->get(), *secret};

  const std::string root = config.projections_dir();
  auto live = p::live_store_path(root);
  if (!live.ok()) fail("projections folder", live.error());
  p::Checksums before;
  if (fs::exists(*live + "/CURRENT")) {
    auto store = p::Store::open(*live);
    if (!store.ok()) fail("live store", store.error());
    auto sums = p::store_checksums(**store);
    if (!sums.ok()) fail("checksums", sums.error());
    before = *sums;
  }
  auto next = p::next_store_path(root);
  if (!next.ok()) fail("projections folder", next.error());
  const auto started = std::chrono::steady_clock::now();
  p::BuildStats built_stats;
  p::RebuildPlan plan;
  plan.passes = passes;
  auto built = p::build_store(**log, *next, deps, &built_stats, plan);
  const p::ProjectorStats& stats = built_stats.projector;
  if (!built.ok()) fail("rebuild", built.error());
  const double caught_up_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  auto after = p::store_checksums(**built);
  if (!after.ok()) fail("checksums", after.error());
  built->reset();
  // A store that disagrees with the live one replaces it only when told,
  // and the live one is then kept: an operator compares before deleting.
  const bool different = !before.empty() && before != *after;
  const bool swap = !different || accept_different;
  if (swap) {
    if (auto swapped = p::make_live(root, *next); !swapped.ok()) fail("swap", swapped.error());
    if (*live != *next && !different) {
      std::error_code ec;
      fs::remove_all(*live, ec);
    }
  }
  std::cout << "projection  before  after\n";
  print(before, *after);
  if (swap) {
    std::cout << "live store: " << *next << "\n";
    if (different) std::cout << "previous store kept at " << *live << "\n";
  } else {
    std::cout << "NOT SWAPPED: the rebuilt store differs from the live one (" << *live
              << "), which stays live; the rebuilt one is at " << *next
              << " (--accept-different swaps it in)\n";
  }
  // The projector's catch-up from offset 0 alone, without the checksums.
  std::cout << "caught up from offset 0 in " << caught_up_s << " s (" << built_stats.passes
            << (built_stats.passes == 1 ? " pass" : " passes") << ")\n";
  std::cout << "  " << stats.applied << " events in " << stats.batches << " batches: applying "
            << stats.apply_seconds << " s, committing " << stats.commit_seconds
            << " s, waiting for the reader " << stats.wait_seconds << " s; reading and verifying "
            << stats.read_seconds << " s on its own thread\n";
  if (!swap) throw CLI::RuntimeError(1);
}

void print_checksums(const Config& config) {
  auto live = p::live_store_path(config.projections_dir());
  if (!live.ok()) fail("projections folder", live.error());
  auto store = p::Store::open(*live);
  if (!store.ok()) fail("live store", store.error());
  auto sums = p::store_checksums(**store);
  if (!sums.ok()) fail("checksums", sums.error());
  for (const auto& [name, sum] : *sums) std::cout << name << "  " << sum << "\n";
}

}  // namespace

void add_projections_commands(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("projections", "The read models: rebuild, checksums");
  cmd->require_subcommand(1);

  auto config = std::make_shared<Config>();
  auto remote = std::make_shared<Remote>();
  CLI::App* rebuild = cmd->add_subcommand(
      "rebuild", "Rebuild every projection from offset 0 and swap it in; print checksums");
  add_store_options(*rebuild, *config);
  rebuild->add_option("--url", remote->url, "a running kassad to ask (e.g. http://127.0.0.1:8080)");
  rebuild->add_flag("--accept-different", remote->accept_different,
                    "swap in the rebuilt store even when its checksums differ from the live "
                    "one's (after a change to a projection's code); the previous store is kept");
  rebuild->add_option("--token", remote->token, "an admin bearer token for --url");
  auto passes = std::make_shared<std::uint32_t>(0);
  rebuild
      ->add_option("--passes", *passes,
                   "offline: passes over the log, each holding one share of the aggregates in "
                   "memory (default: one per 3,000,000 records)")
      ->check(CLI::Range(1, 1024));
  rebuild->callback([config, remote, passes] {
    if (!remote->url.empty()) {
      if (*passes != 0) {
        throw CLI::ValidationError("--passes",
                                   "is for the offline rebuild; kassad chooses its own");
      }
      rebuild_remote(*remote);
      return;
    }
    finish(*config);
    rebuild_offline(*config, *passes, remote->accept_different);
  });

  auto sums_config = std::make_shared<Config>();
  CLI::App* sums = cmd->add_subcommand("checksums", "Print the live store's checksums");
  add_store_options(*sums, *sums_config);
  sums->callback([sums_config] {
    finish(*sums_config);
    print_checksums(*sums_config);
  });
}

}  // namespace kassa::app
