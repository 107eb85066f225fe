#include <catch2/catch.hpp>

#include "domain/result.h"

#include <map>
#include <memory>
#include <string>

namespace {

kassa::Result<int> half(int n) {
  if (n % 2 != 0) return kassa::Error::invalid("n", "EvenNumber", "n must be even");
  return n / 2;
}

kassa::Result<int> quarter(int n) {
  auto h = half(n);
  KASSA_TRY(h);
  return half(*h);
}

// Three halvings, each through the macro; counts the calls it evaluates.
kassa::Result<int> eighth(int n, int& calls) {
  KASSA_ASSIGN_OR_RETURN(auto a, (++calls, half(n)));
  KASSA_ASSIGN_OR_RETURN(const int b, (++calls, half(a)));
  int c = 0;
  KASSA_ASSIGN_OR_RETURN(c, (++calls, half(b)));
  return c;
}

// A move-only value and an expression with a comma outside parentheses.
kassa::Result<std::unique_ptr<std::string>> boxed(bool ok) {
  if (!ok) return kassa::Error::not_found("Missing", "nothing to box");
  return std::make_unique<std::string>("box");
}
kassa::Result<std::size_t> box_size(bool ok) {
  KASSA_ASSIGN_OR_RETURN(std::unique_ptr<std::string> box, boxed(ok));
  KASSA_ASSIGN_OR_RETURN(auto sized, kassa::Result<std::map<int, std::size_t>>(
                                         std::map<int, std::size_t>{{1, box->size()}}));
  return sized.at(1);
}

}  // namespace

TEST_CASE("Result carries a value or a named error", "[result]") {
  auto ok = half(8);
  REQUIRE(ok.ok());
  CHECK(*ok == 4);

  auto bad = half(7);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == kassa::Errc::kInvalidArgument);
  CHECK(bad.error().field == "n");
  CHECK(bad.error().rule == "EvenNumber");
  CHECK(std::string(kassa::to_string(bad.error().code)) == "invalid_argument");
}

TEST_CASE("KASSA_TRY propagates the first error", "[result]") {
  CHECK(*quarter(12) == 3);
  auto odd_half = quarter(6);  // 6/2 = 3 is odd
  REQUIRE_FALSE(odd_half.ok());
  CHECK(odd_half.error().rule == "EvenNumber");
}

TEST_CASE("KASSA_ASSIGN_OR_RETURN binds the value or returns the error", "[result]") {
  int calls = 0;
  auto ok = eighth(64, calls);
  REQUIRE(ok.ok());
  CHECK(*ok == 8);
  CHECK(calls == 3);  // each expression evaluated once

  calls = 0;
  auto early = eighth(6, calls);  // 6/2 = 3 is odd: the second step fails
  REQUIRE_FALSE(early.ok());
  CHECK(early.error().rule == "EvenNumber");
  CHECK(calls == 2);  // nothing after the failing step ran

  auto moved = box_size(true);
  REQUIRE(moved.ok());
  CHECK(*moved == 3);
  auto missing = box_size(false);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().rule == "Missing");
  CHECK(missing.error().code == kassa::Errc::kNotFound);
}
