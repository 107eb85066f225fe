#pragma once
// Runs a kassa::http::Server on a free loopback port for the life of a test.

#include <httplib.h>

#include <memory>
#include <thread>

#include "http/server.h"

namespace kassa::testing {

class TestServer {
 public:
  explicit TestServer(http::TokenTable tokens)
      : server_(std::make_unique<http::Server>(http::ServerOptions{"127.0.0.1", 0, "test", 4},
                                               std::move(tokens))) {}
  ~TestServer() {
    server_->stop();
    if (thread_.joinable()) thread_.join();
  }

  http::Router& router() { return server_->router(); }

  // REQUIRES: every route added.
  void start() {
    auto bound = server_->bind();
    KASSA_ASSERT(bound.ok(), "test server cannot bind");
    thread_ = std::thread([this] { server_->serve(); });
    // stop() is a no-op until the server loop runs: without this wait a
    // test that ends at once would leave serve() running and hang in join.
    while (!server_->running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_connection_timeout(5);
    c.set_read_timeout(read_timeout_s);
    return c;
  }
  // How long a client waits for an answer (a test of "fails fast" lowers it).
  int read_timeout_s = 30;

 private:
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
};

}  // namespace kassa::testing
