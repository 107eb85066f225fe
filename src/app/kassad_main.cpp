// kassad — the Kassa service. Wiring only: read the configuration, build the
// collaborators, serve HTTP until SIGINT/SIGTERM.

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "app/logging.h"
#include "http/server.h"

namespace {

kassa::http::Server* g_server = nullptr;  // for the signal handler only

void on_signal(int) {
  if (g_server != nullptr) g_server->stop();
}

std::string env_or(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? std::string(v) : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kassad — the Kassa ledger service"};
  kassa::http::ServerOptions http;
  http.host = env_or("KASSA_HOST", "127.0.0.1");
  http.port = std::atoi(env_or("KASSA_PORT", "8080").c_str());
  std::string data_dir = env_or("KASSA_DATA_DIR", "./kassa-data");
  std::string brokers = env_or("KASSA_BROKERS", "");
  std::string log_level = env_or("KASSA_LOG_LEVEL", "info");
  std::string auth_file = env_or("KASSA_AUTH_FILE", "");
  app.add_option("--host", http.host, "address to listen on (KASSA_HOST)");
  app.add_option("--port", http.port, "port to listen on, 0 for any (KASSA_PORT)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--data-dir", data_dir, "folder for the journal and projections (KASSA_DATA_DIR)");
  app.add_option("--brokers", brokers,
                 "Kafka bootstrap servers; empty = the embedded journal (KASSA_BROKERS)");
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error (KASSA_LOG_LEVEL)")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  app.add_option("--auth-file", auth_file,
                 "JSON file of bearer-token hashes and roles; default <data-dir>/auth.json "
                 "(KASSA_AUTH_FILE)");
  CLI11_PARSE(app, argc, argv);

  kassa::app::init_logging("kassad", log_level);
  http.version = KASSA_VERSION;
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    spdlog::error("cannot create data dir path={} error={}", data_dir, ec.message());
    return 1;
  }

  if (auth_file.empty()) auth_file = data_dir + "/auth.json";
  auto tokens = kassa::http::TokenTable::load_file(auth_file);
  if (!tokens) {
    spdlog::error("start-up failed rule={} error={}", tokens.error().rule, tokens.error().message);
    return 1;
  }
  spdlog::info("auth tokens loaded count={}", tokens->size());

  kassa::http::Server server(http, std::move(tokens).value());
  if (auto bound = server.bind(); !bound) {
    spdlog::error("start-up failed rule={} error={}", bound.error().rule, bound.error().message);
    return 1;
  }
  g_server = &server;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  spdlog::info("kassad listening url=http://{}:{} journal={} data_dir={}", http.host, server.port(),
               brokers.empty() ? "embedded" : "kafka", data_dir);
  server.serve();
  g_server = nullptr;
  spdlog::info("kassad stopped");
  return 0;
}
