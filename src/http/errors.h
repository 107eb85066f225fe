#pragma once
// The one table that maps error codes to HTTP statuses, and the JSON shape
// every error answer has: {"error": rule, "kind": code, "field": ..., "message": ...}.

#include <nlohmann/json.hpp>

#include "domain/result.h"

namespace kassa::http {

int http_status(Errc code);
nlohmann::json error_body(const Error& error);

}  // namespace kassa::http
