#include <catch2/catch.hpp>

#include "domain/result.h"

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
