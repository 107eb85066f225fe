#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "http/server.h"

TEST_CASE("the OpenAPI document is valid JSON, version 3, and documents every registered route",
          "[openapi]") {
  auto doc = nlohmann::json::parse(kassa::http::openapi_document());
  CHECK(doc["openapi"].get<std::string>().rfind("3.", 0) == 0);
  REQUIRE(doc["paths"].is_object());

  auto tokens = kassa::http::TokenTable::parse(R"({"tokens": []})");
  REQUIRE(tokens.ok());
  kassa::http::Server server({"127.0.0.1", 0, "test", 1}, std::move(tokens).value());
  // The routes kassad registers; the wiring adds its modules' routes here too.
  REQUIRE_FALSE(server.router().routes().empty());
  for (const auto& route : server.router().routes()) {
    INFO(kassa::http::to_string(route.method) << " " << route.path);
    REQUIRE(doc["paths"].contains(route.path));
    CHECK(doc["paths"][route.path].contains(kassa::http::to_string(route.method)));
  }
}
