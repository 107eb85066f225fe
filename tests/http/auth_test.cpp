#include <catch2/catch.hpp>

#include "http/auth.h"

using kassa::http::AuthFailure;
using kassa::http::Principal;
using kassa::http::Role;
using kassa::http::token_sha256;
using kassa::http::TokenTable;

namespace {

TokenTable demo_table() {
  std::string json = R"({"tokens": [
    {"principal": "s-0042", "role": "staff", "sha256": ")" +
                     token_sha256("staff-secret") + R"("},
    {"principal": "audit-1", "role": "auditor", "sha256": ")" +
                     token_sha256("audit-secret") + R"("}
  ]})";
  auto table = TokenTable::parse(json);
  REQUIRE(table.ok());
  return std::move(table).value();
}

}  // namespace

TEST_CASE("token hashes are the SHA-256 of the token in lower-case hex", "[auth]") {
  // sha256("abc") from FIPS 180-2, appendix B.1
  CHECK(token_sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("a token table finds principals by token, never by hash", "[auth]") {
  TokenTable table = demo_table();
  CHECK(table.size() == 2);
  auto staff = table.find("staff-secret");
  REQUIRE(staff.has_value());
  CHECK(staff->name == "s-0042");
  CHECK(staff->role == Role::kStaff);
  CHECK_FALSE(table.find(token_sha256("staff-secret")).has_value());
  CHECK_FALSE(table.find("").has_value());
}

TEST_CASE("authorize answers 401 without a known bearer token and 403 for a wrong role", "[auth]") {
  TokenTable table = demo_table();
  const std::vector<Role> staff_only{Role::kStaff};

  auto missing = authorize(table, "", staff_only);
  REQUIRE(std::holds_alternative<AuthFailure>(missing));
  CHECK(std::get<AuthFailure>(missing).status == 401);
  CHECK(std::get<AuthFailure>(missing).error.rule == "BearerTokenRequired");

  auto basic = authorize(table, "Basic c3RhZmY6c2VjcmV0", staff_only);
  CHECK(std::get<AuthFailure>(basic).status == 401);

  auto unknown = authorize(table, "Bearer nope", staff_only);
  CHECK(std::get<AuthFailure>(unknown).status == 401);
  CHECK(std::get<AuthFailure>(unknown).error.rule == "TokenUnknown");

  auto wrong_role = authorize(table, "Bearer audit-secret", staff_only);
  REQUIRE(std::holds_alternative<AuthFailure>(wrong_role));
  CHECK(std::get<AuthFailure>(wrong_role).status == 403);
  CHECK(std::get<AuthFailure>(wrong_role).error.rule == "RoleRequired");

  auto ok = authorize(table, "Bearer staff-secret", staff_only);
  REQUIRE(std::holds_alternative<Principal>(ok));
  CHECK(std::get<Principal>(ok).name == "s-0042");

  // RFC 9110: the scheme is case-insensitive. Before: "bearer" was a 401.
  for (const char* scheme : {"bearer ", "BEARER ", "bEaReR "}) {
    auto any_case = authorize(table, std::string(scheme) + "staff-secret", staff_only);
    REQUIRE(std::holds_alternative<Principal>(any_case));
    CHECK(std::get<Principal>(any_case).name == "s-0042");
  }
  CHECK(std::holds_alternative<AuthFailure>(authorize(table, "Bearerstaff-secret", staff_only)));
  CHECK(std::holds_alternative<AuthFailure>(authorize(table, "bearer ", staff_only)));
}

TEST_CASE("a malformed auth file is refused with the field at fault", "[auth]") {
  auto not_json = TokenTable::parse("{tokens: nope");
  REQUIRE_FALSE(not_json.ok());
  CHECK(not_json.error().rule == "AuthFileShape");

  auto bad_role =
      TokenTable::parse(R"({"tokens": [{"principal": "x", "role": "root", "sha256": ")" +
                        token_sha256("t") + R"("}]})");
  REQUIRE_FALSE(bad_role.ok());
  CHECK(bad_role.error().field == "tokens[0].role");

  auto bad_hash =
      TokenTable::parse(R"({"tokens": [{"principal": "x", "role": "staff", "sha256": "ABC"}]})");
  REQUIRE_FALSE(bad_hash.ok());
  CHECK(bad_hash.error().rule == "Sha256Hex");

  const std::string h = token_sha256("same");
  auto twice = TokenTable::parse(R"({"tokens": [
      {"principal": "a", "role": "staff", "sha256": ")" +
                                 h + R"("},
      {"principal": "b", "role": "admin", "sha256": ")" +
                                 h + R"("}]})");
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().rule == "TokenUnique");
}
