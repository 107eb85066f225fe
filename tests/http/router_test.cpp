#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "http/language.h"
#include "test_server.h"

using kassa::http::Method;
using kassa::http::Reply;
using kassa::http::RequestContext;
using kassa::http::Role;
using kassa::http::token_sha256;
using kassa::http::TokenTable;
using nlohmann::json;

namespace {

TokenTable tokens() {
  auto table = TokenTable::parse(R"({"tokens": [
    {"principal": "s-1", "role": "staff", "sha256": ")" +
                                 token_sha256("st") + R"("},
    {"principal": "b-1", "role": "batch", "sha256": ")" +
                                 token_sha256("ba") + R"("},
    {"principal": "root", "role": "admin", "sha256": ")" +
                                 token_sha256("ad") + R"("}]})");
  REQUIRE(table.ok());
  return std::move(table).value();
}

httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

}  // namespace

TEST_CASE("path templates become regexes with named parameters", "[router]") {
  auto [regex, names] = kassa::http::path_to_regex("/v1/persons/{party_id}/statement.json");
  CHECK(regex == "/v1/persons/([^/]+)/statement\\.json");
  REQUIRE(names.size() == 1);
  CHECK(names[0] == "party_id");
}

TEST_CASE("a path is an instance of a route path as its regex would say", "[router]") {
  using kassa::http::path_matches;
  CHECK(path_matches("/v1/persons/{party_id}", "/v1/persons/P01"));
  CHECK(path_matches("/v1/persons/{party_id}/debt", "/v1/persons/P01/debt"));
  CHECK(path_matches("/health", "/health"));
  CHECK_FALSE(path_matches("/v1/persons/{party_id}", "/v1/persons/"));
  CHECK_FALSE(path_matches("/v1/persons/{party_id}", "/v1/persons/P01/debt"));
  CHECK_FALSE(path_matches("/v1/persons/{party_id}/debt", "/v1/persons/P01/deb"));
  CHECK_FALSE(path_matches("/health", "/healthz"));
}

TEST_CASE("an Accept header admits a type by range and q", "[router][accept]") {
  using kassa::http::accepts;
  CHECK(accepts("", "application/json"));
  CHECK(accepts("*/*", "text/csv"));
  CHECK(accepts("text/*", "text/csv"));
  CHECK(accepts("Text/CSV", "text/csv"));
  CHECK(accepts("application/json;charset=utf-8", "application/json"));
  CHECK(accepts("text/html, application/json;q=0.5", "application/json"));
  CHECK(accepts(" application/pdf ,  text/csv ; q=0.1", "text/csv"));
  CHECK_FALSE(accepts("application/pdf", "application/json"));
  CHECK_FALSE(accepts("text/*", "application/json"));
  CHECK_FALSE(accepts("application/json;q=0", "application/json"));
  CHECK_FALSE(accepts("application/json;q=0.000", "application/json"));
  CHECK_FALSE(accepts("application/json;q=high", "application/json"));  // unreadable q
  CHECK_FALSE(accepts("*/*;q=0", "application/json"));
  CHECK_FALSE(accepts("json", "application/json"));  // no media range
  CHECK_FALSE(accepts("application/jsonx", "application/json"));
  // The most specific range decides (RFC 9110 12.5.1), and a weight is 0 to 1.
  CHECK_FALSE(accepts("application/json;q=0, */*", "application/json"));
  CHECK(accepts("application/json;q=0, */*", "text/csv"));
  CHECK_FALSE(accepts("text/*;q=0, */*", "text/csv"));
  CHECK_FALSE(accepts("application/json;q=nan", "application/json"));
  CHECK_FALSE(accepts("application/json;q=inf", "application/json"));
  CHECK_FALSE(accepts("application/json;q=", "application/json"));
  CHECK_FALSE(accepts("application/json;q=1.5", "application/json"));
  CHECK(accepts(" , ", "application/json"));  // no ranges: as no header
  using kassa::http::accept_quality;
  CHECK(accept_quality("text/html,application/xhtml+xml,*/*;q=0.8", "application/json") == 0.8);
  CHECK(accept_quality("text/csv;q=0.5, */*;q=0.9", "text/csv") == 0.5);
  CHECK(accept_quality("image/png", "text/csv") == 0.0);
}

TEST_CASE("the language of an answer's words: French, Dutch or English by weight",
          "[router][language]") {
  using kassa::http::Language;
  using kassa::http::negotiate_language;
  CHECK(negotiate_language("") == Language::kEn);
  CHECK(negotiate_language("fr") == Language::kFr);
  CHECK(negotiate_language("NL-be") == Language::kNl);
  CHECK(negotiate_language("fr-BE,fr;q=0.9,en-US;q=0.8,en;q=0.7") == Language::kFr);
  CHECK(negotiate_language("de-DE, nl;q=0.5, fr;q=0.4") == Language::kNl);
  CHECK(negotiate_language("en;q=0.2, nl;q=0.9") == Language::kNl);
  CHECK(negotiate_language("nl, fr") == Language::kNl);  // equal weights: the first listed
  CHECK(negotiate_language("fr, nl") == Language::kFr);
  CHECK(negotiate_language("de, *;q=0.5") == Language::kEn);
  CHECK(negotiate_language("*, en;q=0") == Language::kFr);  // en refused, the others by "*"
  CHECK(negotiate_language("fr;q=0") == Language::kEn);
  CHECK(negotiate_language("de, es") == Language::kEn);
  CHECK(negotiate_language("fr;q=nan, nl;q=2, nl;q=0.3") == Language::kNl);  // fr, nl;q=2 refused
  CHECK(negotiate_language("fr-CH;q=0, fr") == Language::kFr);               // refuses fr-CH only
  CHECK(negotiate_language("nl;q=0.5, fr;q=0.1, fr-BE") == Language::kFr);
  CHECK(negotiate_language("nl;q=0.5, fr;q=0, fr-BE") == Language::kNl);  // French refused
  CHECK(negotiate_language("nl-BE;q=0.4, fr-BE;q=0.3, nl-NL;q=0.2") == Language::kNl);
  CHECK(negotiate_language(" , ;q=1, frisian") == Language::kEn);  // "frisian" is not "fr"
  CHECK(kassa::http::language_tag(Language::kNl) == "nl");
}

TEST_CASE("an amount inside words reads as its language writes it", "[router][language]") {
  // Before: "paiement imputé : 2025-Q1 cotisation 1234.56" in French and Dutch.
  using kassa::domain::Money;
  using kassa::http::amount_words;
  using kassa::http::Language;
  CHECK(amount_words(Money::from_cents(123'456), Language::kFr) == "1\u202f234,56\u00a0€");
  CHECK(amount_words(Money::from_cents(123'456), Language::kNl) == "€\u00a01.234,56");
  CHECK(amount_words(Money::from_cents(123'456), Language::kEn) == "1234.56");
  CHECK(amount_words(Money::from_cents(5), Language::kFr) == "0,05\u00a0€");
  CHECK(amount_words(Money::from_cents(100'000'000), Language::kNl) == "€\u00a01.000.000,00");
  CHECK(amount_words(Money::from_cents(-98'765'432), Language::kFr) == "-987\u202f654,32\u00a0€");
  CHECK(amount_words(Money::from_cents(-1'000), Language::kNl) == "€\u00a0-10,00");
}

TEST_CASE("routes authenticate, authorise, parse JSON and map errors to statuses", "[router]") {
  kassa::testing::TestServer server(tokens());
  server.router().add(Method::kGet, "/v1/echo/{name}", {Role::kStaff},
                      [](const RequestContext& ctx) -> kassa::Result<Reply> {
                        return Reply{200,
                                     {{"name", ctx.params.at("name")},
                                      {"actor", ctx.principal.name},
                                      {"q", ctx.query("q").value_or("")}}};
                      });
  server.router().add(
      Method::kPost, "/v1/things", {Role::kStaff},
      [](const RequestContext& ctx) -> kassa::Result<Reply> {
        if (!ctx.body.is_object() || !ctx.body.contains("amount")) {
          return kassa::Error::invalid("amount", "AmountRequired", "amount is required");
        }
        if (ctx.body["amount"] == "0.00") {
          return kassa::Error::violation("AmountPositive", "amount must be > 0", "amount");
        }
        return Reply{201, {{"amount", ctx.body["amount"]}}};
      });
  server.start();
  auto client = server.client();

  auto health = client.Get("/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(json::parse(health->body)["status"] == "ok");

  auto no_token = client.Get("/v1/echo/x");
  REQUIRE(no_token);
  CHECK(no_token->status == 401);
  CHECK(json::parse(no_token->body)["error"] == "BearerTokenRequired");

  auto wrong_role = client.Get("/v1/echo/x", bearer("ba"));
  CHECK(wrong_role->status == 403);
  CHECK(json::parse(wrong_role->body)["error"] == "RoleRequired");

  auto ok = client.Get("/v1/echo/P123?q=hello", bearer("st"));
  REQUIRE(ok->status == 200);
  auto body = json::parse(ok->body);
  CHECK(body["name"] == "P123");
  CHECK(body["actor"] == "s-1");
  CHECK(body["q"] == "hello");
  // Answers name persons and amounts: never kept by a browser or proxy,
  // errors included.
  CHECK(ok->get_header_value("Cache-Control") == "no-store");
  CHECK(ok->get_header_value_count("Cache-Control") == 1);
  CHECK(wrong_role->get_header_value("Cache-Control") == "no-store");

  auto admin = client.Get("/v1/echo/y", bearer("ad"));
  CHECK(admin->status == 200);  // admin may do everything

  auto malformed = client.Post("/v1/things", bearer("st"), "{\"amount\": ", "application/json");
  CHECK(malformed->status == 400);
  auto malformed_body = json::parse(malformed->body);
  CHECK(malformed_body["error"] == "JsonWellFormed");
  CHECK(malformed_body["field"] == "body");

  auto missing = client.Post("/v1/things", bearer("st"), "{}", "application/json");
  CHECK(missing->status == 400);
  CHECK(json::parse(missing->body)["field"] == "amount");

  auto rule = client.Post("/v1/things", bearer("st"), R"({"amount": "0.00"})", "application/json");
  CHECK(rule->status == 422);
  CHECK(json::parse(rule->body)["kind"] == "rule_violation");

  auto created =
      client.Post("/v1/things", bearer("st"), R"({"amount": "12.34"})", "application/json");
  CHECK(created->status == 201);
  CHECK(json::parse(created->body)["amount"] == "12.34");
}
