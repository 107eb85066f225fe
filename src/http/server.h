#pragma once
// kassa::http::Server — the HTTP face of kassad (cpp-httplib).
//
// Owns the listening socket and the route table. Routes are registered by
// the modules' route files before start(); handlers run on cpp-httplib's
// worker threads, so everything they touch must be thread-safe.

#include <atomic>
#include <memory>
#include <string>

#include "domain/result.h"

namespace httplib {
class Server;
}

namespace kassa::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 picks a free port
  std::string version = "dev";
};

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the socket; after it returns, port() is the real port.
  Status bind();
  // Serves until stop() is called from another thread. REQUIRES: bind() ok.
  void serve();
  void stop();
  int port() const { return port_; }
  httplib::Server& routes() { return *server_; }

 private:
  ServerOptions options_;
  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
};

}  // namespace kassa::http
