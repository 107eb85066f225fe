// kassad — the Kassa service. Wiring only: read the configuration, build the
// collaborators, serve HTTP until SIGINT/SIGTERM.

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <csignal>
#include <filesystem>

#include "app/config.h"
#include "app/logging.h"
#include "app/service.h"
#include "http/server.h"
#include "log/event_log.h"
#include "log/journal/journal_log.h"

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

  kassa::app::init_logging("kassad", config.log_level, config.log_format);
  config.http.version = KASSA_VERSION;
  kassa::app::make_created_files_private();
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    spdlog::error("cannot create data dir path={} error={}", config.data_dir, ec.message());
    return 1;
  }
  if (auto keys = kassa::app::check_keys_private(config.keys_dir()); !keys.ok()) {
    spdlog::error("start-up refused rule={} error={}", keys.error().rule, keys.error().message);
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
  if (auto* journal = dynamic_cast<kassa::log::journal::JournalLog*>(event_log->get());
      journal != nullptr && config.scrub_journal) {
    auto damage = journal->scrub();
    if (!damage) {
      spdlog::error("start-up failed: journal scrub rule={} error={}", damage.error().rule,
                    damage.error().message);
      return 1;
    }
    for (const auto& d : *damage) {
      spdlog::error(
          "journal damaged topic={} partition={} from_offset={} to_offset={} detail=\"{}\"",
          config.log.topic_name(d.topic), d.partition, d.from_offset, d.to_offset, d.detail);
    }
    if (!damage->empty()) {
      spdlog::error(
          "start-up refused: the journal has {} damaged ranges; see src/log/README.md "
          "(Damage) to restore them",
          damage->size());
      return 1;
    }
    spdlog::info("journal scrubbed: every block verified");
  }

  // Everything else (projections, access log, writers, routes): the
  // composition root. Start-up waits for the projections to catch up.
  kassa::http::Server server(config.http, std::move(tokens).value());
  kassa::app::Service service;
  if (auto started = service.start(config, **event_log, server.router()); !started) {
    spdlog::error("start-up failed rule={} error={}", started.error().rule,
                  started.error().message);
    return 1;
  }
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
  service.stop();
  spdlog::info("kassad stopped");
  return 0;
}
