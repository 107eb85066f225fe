#include "http/server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace kassa::http {

Server::Server(ServerOptions options)
    : options_(std::move(options)), server_(std::make_unique<httplib::Server>()) {
  server_->Get("/health", [this](const httplib::Request&, httplib::Response& res) {
    nlohmann::json body = {{"status", "ok"}, {"version", options_.version}};
    res.set_content(body.dump(), "application/json");
  });
  server_->set_logger([](const httplib::Request& req, const httplib::Response& res) {
    // Paths may carry a PartyId (pseudonymous), never a national number.
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
    return Error::unavailable("ListenFailed", "cannot listen on " + options_.host + ":" +
                                                  std::to_string(options_.port));
  }
  return {};
}

void Server::serve() { server_->listen_after_bind(); }

void Server::stop() {
  if (server_ && server_->is_running()) server_->stop();
}

}  // namespace kassa::http
