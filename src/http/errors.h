#pragma once
// The one table that maps error codes to HTTP statuses, and the JSON shape
// every error answer has: {"error": rule, "kind": code, "field": ..., "message": ...}.

#include <nlohmann/json.hpp>

#include "domain/result.h"

namespace kassa::http {

int http_status(Errc code);
nlohmann::json error_body(const Error& error);
// JSON text of an answer. Bytes that are not UTF-8 (a client's method,
// path or field echoed in a message) become U+FFFD instead of throwing:
// nlohmann's dump() throws on them, and a throw outside a route's handler
// ends the process.
std::string json_text(const nlohmann::json& body);

}  // namespace kassa::http
