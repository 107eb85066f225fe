#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <stdlib.h>

#include <filesystem>
#include <set>
#include <string>

#include "domain/rulebook.h"
#include "http/body_fields.h"
#include "http/query_routes.h"
#include "http/server.h"
#include "support/temp_dir.h"

void check_documented(const nlohmann::json& doc, kassa::http::Server& server);

TEST_CASE("the OpenAPI document is valid JSON, version 3, and documents every registered route",
          "[openapi]") {
  auto doc = nlohmann::json::parse(kassa::http::openapi_document());
  CHECK(doc["openapi"].get<std::string>().rfind("3.", 0) == 0);
  REQUIRE(doc["paths"].is_object());

  auto tokens = kassa::http::TokenTable::parse(R"({"tokens": []})");
  REQUIRE(tokens.ok());
  kassa::http::Server server({"127.0.0.1", 0, "test", 1}, std::move(tokens).value());
  // The routes kassad registers; the wiring adds its modules' routes here too.
  kassa::testing::TempDir folder;
  const std::string dir = folder.path();
  {
    auto store = kassa::projections::Store::open(dir + "/projections");
    REQUIRE(store.ok());
    kassa::projections::StoreHandle stores(
        std::shared_ptr<kassa::projections::Store>(std::move(store).value()));
    auto access = kassa::projections::AccessLog::open(dir + "/access-log");
    REQUIRE(access.ok());
    const auto rulebook = kassa::domain::Rulebook::belgian_default();
    kassa::http::QueryDeps deps;
    deps.stores = &stores;
    deps.access_log = access->get();
    deps.projection_deps.rulebook = &rulebook;
    kassa::http::add_query_routes(server.router(), deps);
    kassa::log::LogConfig log_config;
    log_config.journal_path = dir + "/journal";
    auto log = kassa::log::open_event_log(log_config);
    REQUIRE(log.ok());
    auto runner =
        kassa::projections::ProjectionRunner::open(**log, dir + "/runner", deps.projection_deps);
    REQUIRE(runner.ok());
    kassa::http::add_projection_admin_routes(server.router(), **runner);
    check_documented(doc, server);
  }
}

TEST_CASE("an address takes the parts openapi.json documents, no more, no fewer", "[openapi]") {
  // The request's parts are read by code (body_fields.cpp); the document
  // says them twice (the personal-data request, the identity answer).
  auto doc = nlohmann::json::parse(kassa::http::openapi_document());
  const auto at = [&](const char* path, const char* method) -> const nlohmann::json& {
    return doc["paths"][path][method];
  };
  const nlohmann::json& asked =
      at("/v1/persons/{party_id}/personal-data",
         "post")["requestBody"]["content"]["application/json"]["schema"]["properties"]["address"];
  const nlohmann::json& answered = at(
      "/v1/persons/{party_id}/identity",
      "get")["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["address"];
  std::set<std::string> parts;
  for (auto part : kassa::http::fields::address_parts()) parts.emplace(part);
  CHECK(parts.size() == 6);
  for (const nlohmann::json* schema : {&asked, &answered}) {
    REQUIRE(schema->contains("properties"));
    std::set<std::string> documented;
    for (const auto& [name, _] : (*schema)["properties"].items()) documented.insert(name);
    CHECK(documented == parts);
    CHECK((*schema)["additionalProperties"] == false);
  }
}

void check_documented(const nlohmann::json& doc, kassa::http::Server& server) {
  REQUIRE_FALSE(server.router().routes().empty());
  for (const auto& route : server.router().routes()) {
    INFO(kassa::http::to_string(route.method) << " " << route.path);
    REQUIRE(doc["paths"].contains(route.path));
    CHECK(doc["paths"][route.path].contains(kassa::http::to_string(route.method)));
  }
}
