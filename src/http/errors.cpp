#include "http/errors.h"

namespace kassa::http {

int http_status(Errc code) {
  switch (code) {
    case Errc::kInvalidArgument: return 400;
    case Errc::kNotFound: return 404;
    case Errc::kConflict: return 409;
    case Errc::kRuleViolation: return 422;
    case Errc::kUnavailable: return 503;
    case Errc::kCorrupt: return 500;
    case Errc::kInternal: return 500;
  }
  return 500;
}

nlohmann::json error_body(const Error& error) {
  nlohmann::json body = {
      {"error", error.rule}, {"kind", to_string(error.code)}, {"message", error.message}};
  body["field"] = error.field.empty() ? nlohmann::json(nullptr) : nlohmann::json(error.field);
  return body;
}

std::string json_text(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace kassa::http
