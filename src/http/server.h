#pragma once
// kassa::http::Server — the HTTP face of kassad (cpp-httplib).
//
// Owns the listening socket, the token table and the route table. Modules
// register their routes on router() before serve(); /health and
// /openapi.json are public, every other route needs a bearer token.
// Handlers run on cpp-httplib's worker threads, so everything they touch
// must be thread-safe.

#include <memory>
#include <string>

#include "domain/result.h"
#include "http/auth.h"
#include "http/router.h"

namespace httplib {
class Server;
}

namespace kassa::http {

// Connection limits. cpp-httplib (0.11, Debian bookworm) serves each
// connection on one worker thread for its whole life, idle or not, so the
// number of workers is the number of connections served at once: a slow
// or idle client holds one for at most read_timeout_s per read and
// keep_alive_timeout_s between requests. Workers are cheap (a thread
// waiting in poll), so there are enough of them for a hundred such
// clients beside real traffic. They are also the cap on connections:
// beyond worker_threads open at once, a new connection is served by one of
// overflow_threads, which answers its first request 503 ServerBusy with
// Retry-After: 1 and closes it, instead of leaving it in the queue.
struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 picks a free port
  std::string version = "dev";
  std::size_t worker_threads = 256;
  std::size_t overflow_threads = 4;
  int read_timeout_s = 5;        // per read of a request
  int write_timeout_s = 5;       // per write of an answer
  int keep_alive_timeout_s = 2;  // an idle connection is closed after it
  std::size_t keep_alive_max_requests = 100;
  // Request bodies: a JSON command is small; only a bank statement file
  // (POST /v1/payments/import) may be large. Checked from Content-Length,
  // with the bearer token, before any byte of the body is read.
  std::size_t json_body_limit = 1u << 20;
  std::size_t file_body_limit = 64u << 20;
};

class Server {
 public:
  Server(ServerOptions options, TokenTable tokens);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  Router& router() { return *router_; }

  // Binds the socket; after it returns, port() is the real port.
  Status bind();
  // Serves until stop() is called from another thread. REQUIRES: bind() ok.
  void serve();
  // No effect until serve() runs (cpp-httplib): callers that stop right
  // after starting wait for running() first.
  void stop();
  bool running() const;
  int port() const { return port_; }

 private:
  ServerOptions options_;
  TokenTable tokens_;
  std::unique_ptr<httplib::Server> server_;
  std::unique_ptr<Router> router_;
  int port_ = 0;
};

// The OpenAPI 3 document of every route (src/http/openapi.json, embedded).
const std::string& openapi_document();

}  // namespace kassa::http
