// kassad — the Kassa service. Wiring only: read the configuration, build the
// collaborators, serve HTTP until SIGINT/SIGTERM.

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <filesystem>

#include "app/config.h"
#include "app/logging.h"
#include "http/server.h"
#include "domain/rulebook.h"
#include "http/query_routes.h"
#include "log/event_log.h"
#include "log/rocksdb_key_store.h"
#include "projections/access_log.h"
#include "projections/rebuild.h"

namespace {

kassa::http::Server* g_server = nullptr;  // for the signal handler only

void on_signal(int) {
  if (g_server != nullptr) g_server->stop();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kassad — the Kassa ledger service"};
  kassa::app::Config config;
  kassa::app::add_store_options(app, config);
  kassa::app::add_service_options(app, config);
  CLI11_PARSE(app, argc, argv);
  kassa::app::finish(config);

  kassa::app::init_logging("kassad", config.log_level);
  config.http.version = KASSA_VERSION;
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    spdlog::error("cannot create data dir path={} error={}", config.data_dir, ec.message());
    return 1;
  }

  auto tokens = kassa::http::TokenTable::load_file(config.auth_file);
  if (!tokens) {
    spdlog::error("start-up failed rule={} error={}", tokens.error().rule, tokens.error().message);
    return 1;
  }
  spdlog::info("auth tokens loaded count={}", tokens->size());

  auto event_log = kassa::log::open_event_log(config.log);
  if (!event_log) {
    spdlog::error("start-up failed: event log rule={} error={}", event_log.error().rule,
                  event_log.error().message);
    return 1;
  }
  const bool embedded = config.log.brokers.empty();
  spdlog::info("event log open kind={} where={}", embedded ? "journal" : "kafka",
               embedded ? config.log.journal_path : config.log.brokers);

  // The read side: projections (caught up on their own thread), the access
  // log, the query routes.
  auto keys = kassa::log::RocksDbKeyStore::open(config.keys_dir());
  if (!keys) {
    spdlog::error("start-up failed: key store rule={} error={}", keys.error().rule,
                  keys.error().message);
    return 1;
  }
  auto niss_secret =
      kassa::projections::load_or_create_niss_secret(config.keys_dir() + "/niss_secret.key");
  if (!niss_secret) {
    spdlog::error("start-up failed: NISS index secret rule={}", niss_secret.error().rule);
    return 1;
  }
  const auto rulebook = kassa::domain::Rulebook::belgian_default();
  const kassa::projections::ProjectionDeps projection_deps{&rulebook, keys->get(), *niss_secret};
  auto projections = kassa::projections::ProjectionRunner::open(
      **event_log, config.projections_dir(), projection_deps);
  auto access_log = kassa::projections::AccessLog::open(config.access_log_dir());
  if (!projections || !access_log) {
    const auto& e = !projections ? projections.error() : access_log.error();
    spdlog::error("start-up failed: projections rule={} error={}", e.rule, e.message);
    return 1;
  }
  if (auto started = (*projections)->start(); !started) {
    spdlog::error("start-up failed: projector rule={} error={}", started.error().rule,
                  started.error().message);
    return 1;
  }

  kassa::http::Server server(config.http, std::move(tokens).value());
  kassa::http::QueryDeps query_deps;
  query_deps.stores = &(*projections)->stores();
  query_deps.access_log = access_log->get();
  query_deps.projection_deps = projection_deps;
  query_deps.niss_secret = *niss_secret;
  query_deps.projector = [runner = projections->get()] { return runner->projector(); };
  query_deps.log = event_log->get();
  kassa::http::add_query_routes(server.router(), query_deps);
  kassa::http::add_projection_admin_routes(server.router(), **projections);
  if (auto bound = server.bind(); !bound) {
    spdlog::error("start-up failed rule={} error={}", bound.error().rule, bound.error().message);
    return 1;
  }
  g_server = &server;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  spdlog::info("kassad listening url=http://{}:{} journal={} data_dir={}", config.http.host,
               server.port(), embedded ? "embedded" : "kafka", config.data_dir);
  server.serve();
  g_server = nullptr;
  (*projections)->stop();
  spdlog::info("kassad stopped");
  return 0;
}
