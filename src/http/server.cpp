#include "http/server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <functional>
#include <string_view>
#include <variant>

#include "http/connection.h"
#include "http/errors.h"

namespace kassa::http {

namespace {

// True on the overflow pool's threads: the connection is over the cap.
thread_local bool tl_over_capacity = false;

// httplib's task queue with a cap on the connections it serves at once.
// httplib 0.11 hands each accepted connection to the queue as an opaque
// job and serves it on one worker for its whole life; beyond
// `cap` connections a job goes to a small overflow pool instead, where the
// request is answered 503 as soon as its headers are read (the
// pre-routing handler sees tl_over_capacity) and the connection closed;
// /health, /ready and /metrics are answered there as usual.
// The workers of admitted connections are never taken by the ones over.
class CappedPool final : public httplib::TaskQueue {
 public:
  CappedPool(std::size_t cap, std::size_t overflow_threads)
      : cap_(cap), served_(cap), overflow_(overflow_threads) {}

  void enqueue(std::function<void()> fn) override {
    if (active_.fetch_add(1) < cap_) {
      served_.enqueue([this, fn = std::move(fn)] {
        fn();
        active_.fetch_sub(1);
      });
      return;
    }
    active_.fetch_sub(1);
    overflow_.enqueue([fn = std::move(fn)] {
      tl_over_capacity = true;
      fn();
      tl_over_capacity = false;
    });
  }

  void shutdown() override {
    served_.shutdown();
    overflow_.shutdown();
  }

 private:
  const std::size_t cap_;
  std::atomic<std::size_t> active_{0};
  httplib::ThreadPool served_;
  httplib::ThreadPool overflow_;
};

}  // namespace

Server::Server(ServerOptions options, TokenTable tokens)
    : options_(std::move(options)),
      tokens_(std::move(tokens)),
      server_(std::make_unique<ConnectionServer>()),
      router_(std::make_unique<Router>(*server_, tokens_)) {
  const std::size_t workers = options_.worker_threads;
  const std::size_t overflow = options_.overflow_threads;
  server_->new_task_queue = [workers, overflow] { return new CappedPool(workers, overflow); };
  server_->set_payload_max_length(std::max(options_.json_body_limit, options_.file_body_limit));
  // Before a body is read (httplib reads it after this handler): its
  // length against the route's limit, and the bearer token, so neither a
  // stranger nor a careless client makes kassad hold a 64 MB body. The
  // connection is closed after such an answer (the body stays unread).
  httplib::Server::HandlerWithResponse before_body = [this](const httplib::Request& req,
                                                            httplib::Response& res) {
    auto refuse = [&](int status, const Error& error) {
      router_->observe(req.method, "(refused before routing)", status, 0, "");
      res.status = status;
      close_after_this_answer(res);  // the body, if any, stays unread
      if (status == 401) res.set_header("WWW-Authenticate", "Bearer");
      if (status == 503) res.set_header("Retry-After", "1");
      res.set_content(json_text(error_body(error)), "application/json");
      return httplib::Server::HandlerResponse::Handled;
    };
    // Probes are answered even over the cap (on the overflow pool, in
    // microseconds): a busy kassad is alive, and says so.
    const bool probe = req.path == "/health" || req.path == "/ready" || req.path == "/metrics";
    if (tl_over_capacity && !probe) {
      return refuse(
          503, Error::unavailable("ServerBusy", "kassad serves " +
                                                    std::to_string(options_.worker_threads) +
                                                    " connections at once; try again in a second"));
    }
    if (req.method != "POST" && req.method != "PUT" && req.method != "PATCH" &&
        req.method != "DELETE") {
      // httplib reads no body for these: one sent anyway would be read as
      // the next request. Answer this one, then close.
      const std::string length = req.get_header_value("Content-Length");
      if (req.has_header("Transfer-Encoding") ||
          (!length.empty() && length.find_first_not_of('0') != std::string::npos)) {
        close_after_this_answer(res);
      }
      return httplib::Server::HandlerResponse::Unhandled;
    }
    if (req.method != "POST" && req.method != "PUT")
      return httplib::Server::HandlerResponse::Unhandled;
    const bool file = req.path == "/v1/payments/import";
    const std::size_t limit = file ? options_.file_body_limit : options_.json_body_limit;
    const std::string length = req.get_header_value("Content-Length");
    if (length.empty()) {
      if (req.has_header("Transfer-Encoding")) {
        return refuse(411, Error::invalid("Content-Length", "LengthRequired",
                                          "send the body with a Content-Length"));
      }
      // Neither a length nor chunks: the body is empty (RFC 9112 6.3, what
      // `curl -X POST` sends). httplib 0.11 would read until the client
      // closes, which a waiting client never does: 5 s, then a 400. The
      // request object is httplib's own, not const (only its handler
      // parameter is): saying so lets it read nothing.
      const_cast<httplib::Request&>(req).set_header("Content-Length", "0");
    } else if (length.size() > 12 || length.find_first_not_of("0123456789") != std::string::npos ||
               std::stoull(length) > limit) {
      return refuse(413, Error::invalid("body", "BodyTooLarge",
                                        "this route takes a body of at most " +
                                            std::to_string(limit) + " bytes"));
    }
    auto auth = authorize(tokens_, req.get_header_value("Authorization"),
                          {Role::kStaff, Role::kBatch, Role::kAuditor, Role::kAdmin});
    if (auto* failure = std::get_if<AuthFailure>(&auth);
        failure != nullptr && failure->status == 401) {
      return refuse(401, failure->error);
    }
    return httplib::Server::HandlerResponse::Unhandled;
  };
  server_->set_pre_routing_handler(std::move(before_body));
  server_->set_read_timeout(options_.read_timeout_s, 0);
  server_->set_write_timeout(options_.write_timeout_s, 0);
  server_->set_keep_alive_timeout(options_.keep_alive_timeout_s);
  server_->set_keep_alive_max_count(options_.keep_alive_max_requests);
  // Without it a keep-alive client waits for the delayed ACK (~40 ms) on
  // every response written in more than one segment: bench/run measured
  // ~280 requests/s at p50 44 ms, for /health too.
  server_->set_tcp_nodelay(true);
  // httplib's default also sets SO_REUSEPORT, which lets a second kassad
  // bind the same port and take half the connections (an empty instance
  // answered 7 of 20 calls). SO_REUSEADDR alone still allows a restart
  // while old connections sit in TIME_WAIT, but refuses a live listener.
  server_->set_socket_options([](socket_t sock) {
    int yes = 1;
    (void)setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  // Every 4xx/5xx has a JSON body: httplib's own answers (no route, a
  // method no route takes, a malformed request or multipart body, a body
  // over the limit) get one here; a route's own error keeps its body.
  httplib::Server::HandlerWithResponse json_errors = [this](const httplib::Request& req,
                                                            httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    Error error = Error::invalid("request", "BadRequest", "the request is malformed");
    // httplib answers a method it never routes (TRACE, CONNECT, QUERY,
    // anything made up) with a 400 before looking at the path: it is a
    // method this path does not take, like any other. httplib refused the
    // request line without reading the body, so the connection is closed:
    // otherwise the body would be read as the next request.
    std::string path = req.path;
    if (res.status != 404) {
      // httplib's own refusal (a request line or header it could not
      // parse, a body over its limit): where this request ends is unknown.
      close_after_this_answer(res);
    }
    if (res.status == 400 && !routed_method(req.method)) {
      res.status = 404;
      if (path.empty()) path = req.target.substr(0, req.target.find('?'));  // not parsed for QUERY
    }
    if (res.status == 404) {
      const std::string allowed = allowed_methods(router_->routes(), path);
      if (!allowed.empty()) {
        res.status = 405;
        res.set_header("Allow", allowed);
        error = Error::invalid("method", "MethodNotAllowed",
                               req.method + " is not a method of this path; it takes " + allowed);
      } else {
        error = Error::not_found("RouteNotFound", "no route " + req.method + " " + path, "path");
      }
    } else if (res.status == 413) {
      // cpp-httplib parses a form-encoded body itself and caps it at 8 KB,
      // whatever the route's limit: curl's -d and --data-binary send that
      // type unless told otherwise (a bank file, a JSON body).
      const bool form =
          req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0;
      error = Error::invalid(
          "body", "BodyTooLarge",
          form ? "a form-encoded body (Content-Type: application/x-www-form-urlencoded, curl's "
                 "default for -d and --data-binary) is limited to 8192 bytes; send a file as "
                 "application/octet-stream, JSON as application/json"
               : "the request body is over this route's limit");
    } else if (res.status == 414) {
      error = Error::invalid("path", "UriTooLong", "the request line is too long");
    } else if (res.status >= 500) {
      error = Error::internal("the server failed to handle this request");
    }
    res.set_content(json_text(error_body(error)), "application/json");
    router_->observe(req.method, "(no route)", res.status, 0, "");
    return httplib::Server::HandlerResponse::Handled;
  };
  server_->set_error_handler(std::move(json_errors));
  // Liveness: answers 200 while the process serves, whatever the broker
  // does; the details say what works (readiness for writes is /ready).
  router_->add_public(Method::kGet, "/health", [this](const RequestContext&) -> Result<Reply> {
    nlohmann::json body{{"status", "ok"}, {"version", options_.version}};
    body.update(router_->health_details());
    return Reply{200, body};
  });
  router_->add_public(Method::kGet, "/openapi.json", [](const RequestContext&) -> Result<Reply> {
    Reply reply;
    reply.raw_body = openapi_document();
    return reply;
  });
  server_->set_logger([](const httplib::Request& req, const httplib::Response& res) {
    // Paths carry PartyIds (pseudonymous), never a national number.
    spdlog::debug("http request method={} path={} status={}", req.method, req.path, res.status);
  });
}

Server::~Server() { stop(); }

Status Server::bind() {
  if (options_.port == 0) {
    port_ = server_->bind_to_any_port(options_.host);
  } else {
    port_ = server_->bind_to_port(options_.host, options_.port) ? options_.port : -1;
  }
  if (port_ <= 0) {
    return Error::unavailable(
        "ListenFailed", "cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                            " (the port is in use, by another kassad perhaps, or not permitted)");
  }
  return {};
}

void Server::serve() { server_->listen_after_bind(); }

bool Server::running() const { return server_ && server_->is_running(); }

void Server::stop() {
  if (server_ && server_->is_running()) server_->stop();
}

}  // namespace kassa::http
