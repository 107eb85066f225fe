// The staff console's files, served from the binary (issue 21).

#include <catch2/catch.hpp>

#include <httplib.h>

#include <string>
#include <tuple>
#include <vector>

#include "http/console_assets.h"
#include "http/console_routes.h"
#include "test_server.h"

namespace kh = kassa::http;

TEST_CASE("the console's page is served at / and never cached", "[console]") {
  auto tokens = kh::TokenTable::parse(R"({"tokens": []})");
  REQUIRE(tokens.ok());
  kassa::testing::TestServer server(std::move(tokens).value());
  kh::add_console_routes(server.router());
  server.start();
  auto client = server.client();

  auto page = client.Get("/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(page->get_header_value("Cache-Control") == "no-store");
  const std::string policy = page->get_header_value("Content-Security-Policy");
  CHECK(policy.find("script-src 'self'") != std::string::npos);
  CHECK(page->get_header_value("Referrer-Policy") == "no-referrer");
  // It names its assets under this build's version, and the placeholder is gone.
  const std::string prefix = "/console/" + std::string(kh::console_version()) + "/";
  CHECK(page->body.find(prefix + "app.js") != std::string::npos);
  CHECK(page->body.find("@CONSOLE_VERSION@") == std::string::npos);
  CHECK(kh::console_version().size() == 16);

  SECTION("every asset answers under the version, cacheable for good") {
    for (const kh::ConsoleAsset& asset : kh::console_assets()) {
      if (asset.name == "index.html") continue;
      INFO(asset.name);
      auto res = client.Get(prefix + std::string(asset.name));
      REQUIRE(res);
      CHECK(res->status == 200);
      CHECK(res->body == asset.bytes);
      CHECK(res->get_header_value("Content-Type") == asset.content_type);
      CHECK(res->get_header_value("Cache-Control") == "public, max-age=31536000, immutable");
      CHECK(res->get_header_value_count("Cache-Control") == 1);
      CHECK(res->get_header_value("X-Content-Type-Options") == "nosniff");
    }
  }
  SECTION("another version, an unknown file or the page itself is 404") {
    for (const std::string& path : std::vector<std::string>{
             "/console/0000000000000000/app.js", prefix + "nothing.js", prefix + "index.html"}) {
      INFO(path);
      auto res = client.Get(path);
      REQUIRE(res);
      CHECK(res->status == 404);
      CHECK(res->body.find("ConsoleAssetNotFound") != std::string::npos);
    }
    auto up = client.Get(prefix + "..%2fCMakeLists.txt");
    REQUIRE(up);
    CHECK(up->status == 404);
  }
}

TEST_CASE("GET /v1/session says who the token is, for every role", "[console]") {
  // Before: no route said who a token was; the console checked a token with
  // GET /v1/projections/status and could not name who was signed in.
  auto tokens = kh::TokenTable::parse(R"({"tokens": [
    {"principal": "u0042", "role": "staff", "sha256": ")" +
                                      kh::token_sha256("st") + R"("},
    {"principal": "night-batch", "role": "batch", "sha256": ")" +
                                      kh::token_sha256("ba") + R"("}]})");
  REQUIRE(tokens.ok());
  kassa::testing::TestServer server(std::move(tokens).value());
  kh::add_console_routes(server.router());
  server.start();
  auto client = server.client();
  for (const auto& [token, principal, role] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"st", "u0042", "staff"}, {"ba", "night-batch", "batch"}}) {
    auto res = client.Get("/v1/session", {{"Authorization", "Bearer " + token}});
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == R"({"principal":")" + principal + R"(","role":")" + role + R"("})");
    CHECK(res->get_header_value("Cache-Control") == "no-store");
  }
  auto anonymous = client.Get("/v1/session");
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);
  auto unknown = client.Get("/v1/session", {{"Authorization", "Bearer nope"}});
  REQUIRE(unknown);
  CHECK(unknown->status == 401);
}
