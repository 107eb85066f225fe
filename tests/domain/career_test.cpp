#include <catch2/catch.hpp>

#include "domain/career.h"
#include "test_support.h"

using namespace kassa::domain;
using namespace kassa::domain::test;

namespace {
CareerQuarter status(Category category, QuarterSituation situation, std::int64_t due,
                     std::int64_t paid, const char* quarter = "2025-Q1") {
  return career_status(rulebook(), {q(quarter), category, situation, eur(due), eur(paid)}).value();
}
}  // namespace

TEST_CASE("Main and helping-spouse quarters count when paid", "[career]") {
  for (Category c : {Category::kMain, Category::kHelpingSpouse}) {
    auto paid = status(c, QuarterSituation::kNormal, 87171, 87171);
    CHECK(paid.status == CareerStatus::kCounted);
    CHECK(paid.reason == CareerReason::kContributionsPaid);
    auto short_by_a_cent = status(c, QuarterSituation::kNormal, 87171, 87170);
    CHECK(short_by_a_cent.status == CareerStatus::kNotCounted);
    CHECK(short_by_a_cent.reason == CareerReason::kUnpaid);
  }
}

TEST_CASE("A secondary quarter counts only when it reaches the main minimum", "[career]") {
  // 2025 main minimum per quarter: 871.71
  auto reaches = status(Category::kSecondary, QuarterSituation::kNormal, 87171, 87171);
  CHECK(reaches.status == CareerStatus::kCounted);
  CHECK(reaches.reason == CareerReason::kSecondaryReachedMinimum);
  auto below = status(Category::kSecondary, QuarterSituation::kNormal, 87170, 87170);
  CHECK(below.status == CareerStatus::kNotCounted);
  CHECK(below.reason == CareerReason::kBelowMainMinimum);
  // 2024 minimum is 864.15: 864.15 paid counts in 2024.
  CHECK(status(Category::kSecondary, QuarterSituation::kNormal, 86415, 86415, "2024-Q3").status ==
        CareerStatus::kCounted);
  CHECK(status(Category::kSecondary, QuarterSituation::kNormal, 9560, 9560).reason ==
        CareerReason::kBelowMainMinimum);
  CHECK(status(Category::kSecondary, QuarterSituation::kNormal, 100000, 90000).reason ==
        CareerReason::kUnpaid);
}

TEST_CASE("Assimilated, dispensed and pensioner quarters", "[career]") {
  CHECK(status(Category::kMain, QuarterSituation::kSickness, 87171, 0).status ==
        CareerStatus::kAssimilated);
  CHECK(status(Category::kMain, QuarterSituation::kContinuedInsurance, 87171, 0).reason ==
        CareerReason::kContinuedInsurance);
  CHECK(status(Category::kMain, QuarterSituation::kMaternityFree, 0, 0).reason ==
        CareerReason::kMaternity);
  auto primo = status(Category::kMain, QuarterSituation::kPrimoStarterReduced, 33412, 33412);
  CHECK(primo.status == CareerStatus::kAssimilated);
  CHECK(primo.reason == CareerReason::kPrimoStarterReduced);
  CHECK(status(Category::kMain, QuarterSituation::kPrimoStarterReduced, 33412, 0).reason ==
        CareerReason::kUnpaid);
  auto dispensed = status(Category::kMain, QuarterSituation::kDispensed, 87171, 0);
  CHECK(dispensed.status == CareerStatus::kNotCounted);
  CHECK(dispensed.reason == CareerReason::kDispensed);
  CHECK(status(Category::kMain, QuarterSituation::kDispensed, 87171, 87171).status ==
        CareerStatus::kCounted);  // paid later: counts
  CHECK(status(Category::kPensioner, QuarterSituation::kNormal, 73500, 73500).reason ==
        CareerReason::kPensionerNoCareer);
}

TEST_CASE("Career status errors", "[career]") {
  CHECK(career_status(rulebook(),
                      {q("2021-Q4"), Category::kMain, QuarterSituation::kNormal, eur(0), eur(0)})
            .error()
            .rule == "UnknownYear");
  CHECK(career_status(rulebook(),
                      {q("2025-Q4"), Category::kMain, QuarterSituation::kNormal, eur(0), eur(-1)})
            .error()
            .rule == "MoneyNonNegative");
  CHECK(to_string(CareerStatus::kAssimilated) == "assimilated");
  CHECK(to_string(CareerReason::kSecondaryReachedMinimum) == "secondary_reached_minimum");
}
