#pragma once
// kassa::http::Router — the route table of kassad.
//
// A route is declared once with its method, its path in OpenAPI form
// ("/v1/persons/{party_id}"), the roles that may call it and its handler.
// The router turns the path into cpp-httplib's regex, authenticates every
// request (every route needs a bearer token, except the few declared public),
// parses the JSON body, and turns a handler's Result into the answer: the
// value as JSON with its status, or the error body with the status from the
// one table in errors.h. Handlers never throw; a stray exception becomes a
// 500 with a logged reason.
//
// Thread-safety: add() before Server::serve(); handlers run concurrently on
// cpp-httplib's worker threads.

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/result.h"
#include "http/auth.h"
#include "http/metrics.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace kassa::http {

// GET, HEAD, POST, PUT, DELETE, PATCH or OPTIONS: the methods httplib
// routes (any other is refused before routing).
bool routed_method(std::string_view method);

class IdempotentRequest;

enum class Method { kGet, kPost, kPut, kDelete };
const char* to_string(Method method);

enum class Access { kBearerToken, kPublic };

// What a handler sees of a request.
struct RequestContext {
  Principal principal;                        // empty name on public routes
  std::map<std::string, std::string> params;  // path parameters by name
  const httplib::Request* raw = nullptr;      // headers, query, body
  nlohmann::json body;                        // parsed JSON body (POST/PUT), else null
  // The type to answer in, negotiated by the router from Accept among the
  // route's documented types (JSON when the route has one choice).
  std::string media_type = "application/json";
  // Set by idempotent() while a request with an Idempotency-Key runs: its
  // commands record what they are about to append (http/idempotency.h).
  IdempotentRequest* idempotent = nullptr;

  std::optional<std::string> query(const std::string& name) const;
  std::optional<std::string> header(const std::string& name) const;
};

struct Reply {
  Reply() = default;
  Reply(int status_code, nlohmann::json json_body)
      : status(status_code), body(std::move(json_body)) {}

  int status = 200;
  nlohmann::json body;
  std::string content_type = "application/json";
  std::string raw_body;  // used instead of body when not empty
  // Headers the answer carries besides Content-Type (Cache-Control, ...).
  std::vector<std::pair<std::string, std::string>> headers;
};

using Handler = std::function<Result<Reply>(const RequestContext&)>;

struct RouteInfo {
  Method method;
  std::string path;  // OpenAPI form
  std::vector<Role> roles;
  Access access;
};

class Router {
 public:
  Router(httplib::Server& server, const TokenTable& tokens);

  void add(Method method, const std::string& path, std::vector<Role> roles, Handler handler);
  void add_public(Method method, const std::string& path, Handler handler);

  const std::vector<RouteInfo>& routes() const { return routes_; }

  // What /health reports besides "the process answers": each module adds
  // a named check (the event log's state); called on every /health.
  // REQUIRES: added before serve(), like routes.
  void add_health_detail(std::string name, std::function<nlohmann::json()> detail) {
    health_details_.emplace_back(std::move(name), std::move(detail));
  }
  nlohmann::json health_details() const {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [name, detail] : health_details_) out[name] = detail();
    return out;
  }

  // Every answer is counted here for /metrics (http/metrics.h) and logged
  // at info, by route template ("(no route)", "(refused before routing)"
  // for the server's own), never the path (a PartyId), and by the token's
  // principal ("-" without one), never the token. The router calls it for
  // every routed request, Server for the answers it gives itself.
  void observe(std::string_view method, std::string_view route, int status, double seconds,
               std::string_view principal);
  // GET /metrics writes the requests and every family a module adds with
  // add_metrics (REQUIRES: before serve()).
  void add_metrics(std::function<void(MetricsText&)> families) {
    metrics_.push_back(std::move(families));
  }
  std::string metrics_text() const {
    MetricsText out;
    request_metrics_.write(out);
    for (const auto& families : metrics_) families(out);
    return out.text();
  }

 private:
  void install(const RouteInfo& info, Handler handler);

  httplib::Server& server_;
  const TokenTable& tokens_;
  std::vector<RouteInfo> routes_;
  std::vector<std::pair<std::string, std::function<nlohmann::json()>>> health_details_;
  RequestMetrics request_metrics_;
  std::vector<std::function<void(MetricsText&)>> metrics_;
};

// "/v1/persons/{party_id}" → "/v1/persons/([^/]+)" and the names in order.
std::pair<std::string, std::vector<std::string>> path_to_regex(const std::string& path);
// Whether `path` is an instance of the route path `pattern` ("/v1/persons/{party_id}"):
// the regex of path_to_regex without building one.
bool path_matches(std::string_view pattern, std::string_view path);
// The methods `path` takes, for an Allow header ("GET, POST", in the order
// the routes were added; empty when no route takes the path). A path some
// route spells out is that route's alone (OpenAPI: a concrete path wins
// over a templated one): /v1/persons/search takes POST, not the GET of
// /v1/persons/{party_id}.
std::string allowed_methods(const std::vector<RouteInfo>& routes, std::string_view path);

// How much an Accept header's value wants the media type `type`
// ("text/csv"): the q (0 to 1) of its most specific range that matches —
// the type itself, "text/*", then "*/*", case and other parameters aside —
// or 0 when none does; 1 for a value without ranges, as for no header.
double accept_quality(std::string_view accept, std::string_view type);
// accept_quality(accept, type) > 0.
bool accepts(std::string_view accept, std::string_view type);
// Every header `name` of a request, joined as one list ("a, b").
std::string joined_header(const httplib::Request& req, const char* name);
// ?limit=N of a paged list: 1..max, `fallback` without it (400 LimitFormat,
// LimitRange).
Result<std::size_t> limit_param(const RequestContext& req, std::size_t fallback, std::size_t max);

}  // namespace kassa::http
