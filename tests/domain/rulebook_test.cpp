#include <catch2/catch.hpp>

#include "domain/rulebook.h"

using namespace kassa::domain;

TEST_CASE("The rulebook holds the DOMAIN.md figures for 2022-2026", "[rulebook]") {
  const Rulebook rulebook = Rulebook::belgian_default();
  auto y = rulebook.year(2025).value();
  CHECK(y.threshold_1.value == Money::from_cents(7344752));
  CHECK(y.threshold_2.value == Money::from_cents(10823840));
  CHECK(y.main_minimum_income.value == Money::from_cents(1700888));
  CHECK(y.revaluation_coefficient.value == Rate::from_billionths(1'092'330'529));
  CHECK(y.rate_1.value == Rate::from_hundredths_of_percent(2050));
  CHECK(y.index_numerator_hundredths.value == 66228);
  CHECK_FALSE(y.threshold_1.source.empty());
  for (const auto& year : rulebook.years()) {
    INFO(year.year);
    // The student threshold is exactly half the main minimum.
    CHECK(year.student_threshold.value.cents() * 2 == year.main_minimum_income.value.cents());
    CHECK(year.threshold_1.value < year.threshold_2.value);
    CHECK_FALSE(year.revaluation_coefficient.source.empty());
    CHECK(*rulebook.fee_rate(year.year) == Rate::from_hundredths_of_percent(395));
  }
}

TEST_CASE("A year the rulebook does not know is an error, never a default", "[rulebook]") {
  const Rulebook rulebook = Rulebook::belgian_default();
  auto year = GENERATE(2021, 2027, 1999);
  auto y = rulebook.year(year);
  REQUIRE_FALSE(y.ok());
  CHECK(y.error().rule == "UnknownYear");
  CHECK(y.error().field == "year");
  CHECK(y.error().message.find(std::to_string(year)) != std::string::npos);
  CHECK(rulebook.fee_rate(year).error().rule == "UnknownFeeYear");
}

TEST_CASE("Company figures exist for 2023-2025 only", "[rulebook]") {
  const Rulebook rulebook = Rulebook::belgian_default();
  CHECK(rulebook.company_year(2025)->high.value == Money::from_cents(99847));
  CHECK(rulebook.company_year(2023)->balance_sheet_threshold.value == Money::from_cents(82575009));
  CHECK(rulebook.company_year(2022).error().rule == "UnknownCompanyYear");
  CHECK(rulebook.company_year(2026).error().rule == "UnknownCompanyYear");
}
