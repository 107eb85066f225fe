#include "http/router.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <exception>
#include <functional>
#include <map>
#include <set>

#include "http/errors.h"
#include "http/server.h"
#include "http/weighted_list.h"

namespace kassa::http {

const char* to_string(Method method) {
  switch (method) {
    case Method::kGet: return "get";
    case Method::kPost: return "post";
    case Method::kPut: return "put";
    case Method::kDelete: return "delete";
  }
  return "get";
}

std::optional<std::string> RequestContext::query(const std::string& name) const {
  if (raw == nullptr || !raw->has_param(name.c_str())) return std::nullopt;
  return raw->get_param_value(name.c_str());
}

std::optional<std::string> RequestContext::header(const std::string& name) const {
  if (raw == nullptr || !raw->has_header(name.c_str())) return std::nullopt;
  return raw->get_header_value(name.c_str());
}

std::pair<std::string, std::vector<std::string>> path_to_regex(const std::string& path) {
  std::string regex;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c == '{') {
      auto end = path.find('}', i);
      KASSA_ASSERT(end != std::string::npos, "unclosed { in a route path");
      names.push_back(path.substr(i + 1, end - i - 1));
      regex += "([^/]+)";
      i = end;
    } else if (c == '.' || c == '+' || c == '*' || c == '?' || c == '(' || c == ')' || c == '[' ||
               c == ']' || c == '^' || c == '$' || c == '|' || c == '\\') {
      regex += '\\';
      regex += c;
    } else {
      regex += c;
    }
  }
  return {regex, names};
}

std::string allowed_methods(const std::vector<RouteInfo>& routes, std::string_view path) {
  bool spelled = false;
  for (const RouteInfo& route : routes) spelled = spelled || route.path == path;
  std::string allowed;
  for (const RouteInfo& route : routes) {
    if (spelled ? route.path != path : !path_matches(route.path, path)) continue;
    std::string method = to_string(route.method);  // "get": OpenAPI's spelling
    for (char& ch : method) ch = static_cast<char>(ch - 'a' + 'A');
    if (allowed.find(method) != std::string::npos) continue;
    allowed += (allowed.empty() ? "" : ", ") + method;
  }
  return allowed;
}

bool path_matches(std::string_view pattern, std::string_view path) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '{') {
      const auto close = pattern.find('}', i);
      if (close == std::string_view::npos) return false;
      const auto end = path.find('/', j);
      const std::size_t segment_end = end == std::string_view::npos ? path.size() : end;
      if (segment_end == j) return false;  // a parameter is never empty
      i = close + 1;
      j = segment_end;
    } else {
      if (j >= path.size() || path[j] != pattern[i]) return false;
      ++i;
      ++j;
    }
  }
  return j == path.size();
}

// ?limit=N, 1..max (default `fallback`).
Result<std::size_t> limit_param(const RequestContext& req, std::size_t fallback, std::size_t max) {
  auto l = req.query("limit");
  if (!l || l->empty()) return fallback;
  if (l->size() > 7 || l->find_first_not_of("0123456789") != std::string::npos) {
    return Error::invalid("limit", "LimitFormat",
                          "limit: a number from 1 to " + std::to_string(max));
  }
  const std::size_t n = std::stoul(*l);
  if (n == 0 || n > max) {
    return Error::invalid("limit", "LimitRange",
                          "limit: a number from 1 to " + std::to_string(max));
  }
  return n;
}

Router::Router(httplib::Server& server, const TokenTable& tokens)
    : server_(server), tokens_(tokens) {}

void Router::observe(std::string_view method, std::string_view route, int status, double seconds,
                     std::string_view principal) {
  // A client's made-up method is one label and one log word, not a new
  // series per spelling nor its bytes in the log.
  if (!routed_method(method)) method = "OTHER";
  request_metrics_.observe(method, route, status, seconds);
  spdlog::info("request method={} route={} status={} ms={:.2f} principal={}", method, route, status,
               seconds * 1000, principal.empty() ? "-" : principal);
}

void Router::add(Method method, const std::string& path, std::vector<Role> roles, Handler handler) {
  routes_.push_back({method, path, std::move(roles), Access::kBearerToken});
  install(routes_.back(), std::move(handler));
}

void Router::add_public(Method method, const std::string& path, Handler handler) {
  routes_.push_back({method, path, {}, Access::kPublic});
  install(routes_.back(), std::move(handler));
}

bool routed_method(std::string_view method) {
  static constexpr std::array<std::string_view, 7> kRouted{"GET",    "HEAD",  "POST",   "PUT",
                                                           "DELETE", "PATCH", "OPTIONS"};
  return std::find(kRouted.begin(), kRouted.end(), method) != kRouted.end();
}

namespace {

void send(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(json_text(body), "application/json");
}

void send_error(httplib::Response& res, int status, const Error& error) {
  // 503: the log, a broker or the projections are not there yet; nothing
  // was written, and a retry in a moment may succeed.
  if (status == 503) res.set_header("Retry-After", "2");
  send(res, status, error_body(error));
}

// Calls visit("post /v1/persons", operation) for each operation of the
// OpenAPI document.
void for_each_operation(
    const std::function<void(const std::string&, const nlohmann::json&)>& visit) {
  const auto doc = nlohmann::json::parse(openapi_document(), nullptr, false);
  if (doc.is_discarded() || !doc.contains("paths")) return;
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      if (!op.is_object()) continue;
      std::string operation = method;
      operation += ' ';
      operation += path;
      visit(operation, op);
    }
  }
}

// The fields each JSON body may hold: its requestBody schema's properties in
// the OpenAPI document ("post /v1/persons" -> names). One list, the spec's:
// a field the spec does not name is refused, so the two cannot drift.
const std::map<std::string, std::set<std::string>>& body_fields() {
  static const auto fields = [] {
    std::map<std::string, std::set<std::string>> out;
    for_each_operation([&](const std::string& operation, const nlohmann::json& op) {
      if (!op.contains("requestBody")) return;
      const auto& content = op["requestBody"].value("content", nlohmann::json::object());
      if (!content.contains("application/json")) return;
      const auto& schema = content["application/json"].value("schema", nlohmann::json::object());
      if (!schema.contains("properties")) return;
      std::set<std::string>& names = out[operation];
      for (const auto& [name, _] : schema["properties"].items()) names.insert(name);
    });
    return out;
  }();
  return fields;
}

// Parses a JSON body, refusing a key given twice in one object (the last
// would silently win): the first duplicate's name in `duplicate`.
nlohmann::json parse_strict(const std::string& text, std::string& duplicate) {
  std::vector<std::set<std::string>> keys;
  auto callback = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    switch (event) {
      case nlohmann::json::parse_event_t::object_start: keys.emplace_back(); break;
      case nlohmann::json::parse_event_t::object_end:
        if (!keys.empty()) keys.pop_back();
        break;
      case nlohmann::json::parse_event_t::key:
        if (!keys.empty() && !keys.back().insert(parsed.get<std::string>()).second &&
            duplicate.empty()) {
          duplicate = parsed.get<std::string>();
        }
        break;
      default: break;
    }
    return true;
  };
  return nlohmann::json::parse(text, callback, /*allow_exceptions=*/false);
}

// The query string of `target` ("/path?a=1&b=2"): each parameter once and
// with a value (400 ParameterRepeated, ParameterEmpty naming it; the name
// as sent, percent-encoding and all).
Status check_query(std::string_view target) {
  const auto mark = target.find('?');
  if (mark == std::string_view::npos) return {};
  std::string_view rest = target.substr(mark + 1);
  std::set<std::string_view> seen;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;  // "a=1&&b=2"
    const auto eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    const std::string field(name);
    if (!seen.insert(name).second) {
      return Error::invalid(field, "ParameterRepeated",
                            field + ": given more than once; give it once");
    }
    if (eq == std::string_view::npos || eq + 1 == pair.size()) {
      return Error::invalid(field, "ParameterEmpty",
                            field + ": given without a value; give one or leave it out");
    }
  }
  return {};
}

// The media types each operation answers in (its 2xx responses' content in
// the OpenAPI document, parameters dropped): "get /v1/..." -> types. One
// list, the spec's; an operation it gives none for is not negotiated.
const std::map<std::string, std::vector<std::string>>& produced_types() {
  static const auto types = [] {
    std::map<std::string, std::vector<std::string>> out;
    for_each_operation([&](const std::string& operation, const nlohmann::json& op) {
      if (!op.contains("responses")) return;
      std::vector<std::string> produced;
      for (const auto& [code, response] : op["responses"].items()) {
        if (code.empty() || code[0] != '2' || !response.is_object()) continue;
        const auto content = response.find("content");
        if (content == response.end() || !content->is_object()) continue;
        for (const auto& [type, _] : content->items()) {
          std::string bare = type.substr(0, type.find(';'));
          if (std::find(produced.begin(), produced.end(), bare) == produced.end()) {
            produced.push_back(std::move(bare));
          }
        }
      }
      if (!produced.empty()) out[operation] = std::move(produced);
    });
    return out;
  }();
  return types;
}

}  // namespace

double accept_quality(std::string_view accept, std::string_view type) {
  const std::string_view major = type.substr(0, type.find('/'));
  int best_specificity = 0;  // 3 the type itself, 2 "text/*", 1 "*/*"
  double quality = 0.0;
  const std::size_t given = for_each_weighted(accept, [&](std::string_view media, double q) {
    const auto slash = media.find('/');
    if (slash == std::string_view::npos) return;
    int specificity = 0;
    if (same_text(media, type)) {
      specificity = 3;
    } else if (media.substr(slash) == "/*" && same_text(media.substr(0, slash), major)) {
      specificity = 2;
    } else if (media == "*/*") {
      specificity = 1;
    }
    // The most specific range that matches decides (RFC 9110 12.5.1):
    // "application/json;q=0, */*" refuses JSON.
    if (specificity > best_specificity) {
      best_specificity = specificity;
      quality = q;
    }
  });
  return given > 0 ? quality : 1.0;
}

bool accepts(std::string_view accept, std::string_view type) {
  return accept_quality(accept, type) > 0.0;
}

std::string joined_header(const httplib::Request& req, const char* name) {
  std::string out;
  for (std::size_t i = 0; i < req.get_header_value_count(name); ++i) {
    if (!out.empty()) out += ", ";
    out += req.get_header_value(name, i);
  }
  return out;
}

void Router::install(const RouteInfo& info, Handler handler) {
  // httplib tries routes in the order they were added: a literal path
  // added after a parameter route of the same method that matches it would
  // never be reached (GET /v1/persons/search taken as the PartyId "search").
  if (info.path.find('{') == std::string::npos) {
    for (const RouteInfo& earlier : routes_) {
      KASSA_ASSERT(&earlier == &info || earlier.method != info.method ||
                       earlier.path.find('{') == std::string::npos ||
                       !path_matches(earlier.path, info.path),
                   "a literal route is added after a parameter route that takes its path");
    }
  }
  auto [regex, param_names] = path_to_regex(info.path);
  const bool wants_body = info.method == Method::kPost || info.method == Method::kPut;
  // The types this route answers in, looked up once (empty: not negotiated).
  std::vector<std::string> produced;
  std::string offered;
  if (auto found = produced_types().find(std::string(to_string(info.method)) + " " + info.path);
      found != produced_types().end()) {
    produced = found->second;
    for (const auto& t : produced) offered += (offered.empty() ? "" : ", ") + t;
  }
  auto wrapped = [this, info, names = param_names, wants_body, produced, offered,
                  handler = std::move(handler)](const httplib::Request& req,
                                                httplib::Response& res) {
    RequestContext ctx;
    // Observed on every way out, with the status the answer carries.
    struct Observed {
      Router& router;
      const RouteInfo& info;
      const httplib::Request& req;
      const httplib::Response& res;
      const RequestContext& ctx;
      std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
      ~Observed() {
        router.observe(
            req.method, info.path, res.status,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
            ctx.principal.name);
      }
    } observed{*this, info, req, res, ctx};
    ctx.raw = &req;
    // Answers name persons and amounts: no browser or proxy keeps them,
    // errors included, unless a route says otherwise (the console's
    // versioned files).
    res.set_header("Cache-Control", "no-store");
    // A route that answers in more than one type chooses by Accept: a
    // cache that keeps an answer anyway must not serve it for another
    // Accept (RFC 9110, 12.5.5). A route whose answer also follows another
    // header names it in its own Vary.
    if (produced.size() > 1) res.set_header("Vary", "Accept");
    if (!names.empty()) {
      // GET /v1/persons/search is not a person whose PartyId is "search":
      // a path some route spells out is that route's, and this method is
      // not one of its methods.
      // (A literal route of this method would have been tried first:
      // install() refuses one added after a parameter route that takes
      // its path.)
      const bool spelled =
          std::any_of(routes_.begin(), routes_.end(),
                      [&req](const RouteInfo& route) { return route.path == req.path; });
      if (spelled) {
        const std::string allowed = allowed_methods(routes_, req.path);
        res.set_header("Allow", allowed);
        send_error(
            res, 405,
            Error::invalid("method", "MethodNotAllowed",
                           req.method + " is not a method of this path; it takes " + allowed));
        return;
      }
    }
    if (info.access == Access::kBearerToken) {
      if (req.get_header_value_count("Authorization") > 1) {
        // Which one would count is a guess a proxy and kassad may make differently.
        send_error(res, 400,
                   Error::invalid("Authorization", "AuthorizationRepeated",
                                  "send one Authorization header, not several"));
        return;
      }
      auto auth = authorize(tokens_, req.get_header_value("Authorization"), info.roles);
      if (auto* failure = std::get_if<AuthFailure>(&auth)) {
        if (failure->status == 401) res.set_header("WWW-Authenticate", "Bearer");
        send_error(res, failure->status, failure->error);
        return;
      }
      ctx.principal = std::get<Principal>(std::move(auth));
    }
    for (std::size_t i = 0; i < names.size() && i + 1 < req.matches.size(); ++i) {
      ctx.params[names[i]] = req.matches[i + 1].str();
    }
    // A query parameter is given once and with a value: "?at=" is no
    // date, and of "?at=A&at=B" a proxy and kassad might read different
    // ones. Read from the request line itself: httplib's params also hold
    // a form-encoded body's fields, and merge a pair given twice.
    if (Status query = check_query(req.target); !query.ok()) {
      send_error(res, 400, query.error());
      return;
    }
    // The answer in a type the client takes: the route's documented type
    // the Accept header wants most (a tie goes to JSON, the API's own);
    // when it admits none of them, 406 names them, before anything is
    // read, logged or written.
    if (!produced.empty() && req.has_header("Accept")) {
      const std::string accept = joined_header(req, "Accept");
      double best = 0.0;
      for (const std::string& t : produced) {
        const double q = accept_quality(accept, t);
        if (q > best || (q == best && q > 0.0 && t == "application/json")) {
          best = q;
          ctx.media_type = t;
        }
      }
      if (best <= 0.0) {
        send_error(res, 406,
                   Error::invalid("Accept", "NotAcceptable",
                                  "Accept: this route answers in " + offered +
                                      "; accept one of them (or */*)"));
        return;
      }
    } else if (!produced.empty()) {
      ctx.media_type = produced.front();
    }
    if (wants_body) {
      const bool multipart = req.is_multipart_form_data();
      const std::string type = req.get_header_value("Content-Type");
      if (!multipart && !req.body.empty() && type.rfind("application/json", 0) == 0) {
        std::string duplicate;
        ctx.body = parse_strict(req.body, duplicate);
        if (ctx.body.is_discarded()) {
          send_error(
              res, 400,
              Error::invalid("body", "JsonWellFormed", "the request body is not well-formed JSON"));
          return;
        }
        if (!duplicate.empty()) {
          send_error(
              res, 400,
              Error::invalid(duplicate, "JsonDuplicateKey", duplicate + ": given more than once"));
          return;
        }
        const auto allowed =
            body_fields().find(std::string(to_string(info.method)) + " " + info.path);
        if (allowed != body_fields().end() && ctx.body.is_object()) {
          for (const auto& [name, _] : ctx.body.items()) {
            if (allowed->second.count(name) > 0) continue;
            std::string accepted;
            for (const auto& a : allowed->second) accepted += (accepted.empty() ? "" : ", ") + a;
            std::string message = name;
            message += ": not a field of this request (it takes ";
            message += accepted;
            message += ")";
            send_error(res, 400, Error::invalid(name, "UnknownField", std::move(message)));
            return;
          }
        }
      }
    }
    try {
      Result<Reply> reply = handler(ctx);
      if (!reply) {
        send_error(res, http_status(reply.error().code), reply.error());
        return;
      }
      res.status = reply->status;
      for (const auto& [name, value] : reply->headers) {
        res.headers.erase(name);  // the route's own, never two of one header
        res.set_header(name, value);
      }
      if (reply->status == 503) res.set_header("Retry-After", "2");
      if (!reply->raw_body.empty()) {
        // Moved, not copied: a five-year statement is ~36 KB.
        res.body = std::move(reply->raw_body);
        res.set_header("Content-Type", reply->content_type);
      } else {
        res.set_content(json_text(reply->body), reply->content_type.c_str());
      }
    } catch (const std::exception& e) {
      // A bug, not an input problem: log where, never the request body.
      spdlog::error("handler failed method={} route={} error={}", to_string(info.method), info.path,
                    e.what());
      send_error(res, 500, Error::internal("the server failed to handle this request"));
    }
  };
  switch (info.method) {
    case Method::kGet: server_.Get(regex, wrapped); break;
    case Method::kPost: server_.Post(regex, wrapped); break;
    case Method::kPut: server_.Put(regex, wrapped); break;
    case Method::kDelete: server_.Delete(regex, wrapped); break;
  }
}

}  // namespace kassa::http
