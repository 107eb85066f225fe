#include <catch2/catch.hpp>

#include <string>

#include "domain/company_contribution.h"
#include "test_support.h"

using namespace kassa::domain;
using namespace kassa::domain::test;

TEST_CASE("Company contribution on both sides of the threshold, 2023-2025", "[company]") {
  auto [year, threshold, low, high] =
      GENERATE(table<int, std::int64_t, std::int64_t, std::int64_t>({
          {2023, 82575009, 38444, 96026},
          {2024, 83199083, 38734, 96752},
          {2025, 85860572, 39973, 99847},
      }));
  CompanyContributionRequest request{year, 2010, eur(threshold)};
  auto at = company_contribution(rulebook(), request).value();
  CHECK(at.band == CompanyBand::kLow);  // at the threshold: not above it
  CHECK(at.amount == eur(low));
  CHECK(at.due == Date::from_ymd(year, 12, 31).value());
  request.balance_sheet_total = eur(threshold + 1);
  auto above = company_contribution(rulebook(), request).value();
  CHECK(above.band == CompanyBand::kHigh);
  CHECK(above.amount == eur(high));
}

TEST_CASE("A new company pays the low amount in its first two years", "[company]") {
  // A big balance sheet does not matter in the founding year and the next.
  CompanyContributionRequest request{2025, 2024, eur(500000000)};
  CHECK(company_contribution(rulebook(), request)->amount == eur(39973));
  request.founded_year = 2025;
  request.balance_sheet_total.reset();
  CHECK(company_contribution(rulebook(), request)->amount == eur(39973));
  request.founded_year = 2023;  // third year: the balance sheet decides
  CHECK(company_contribution(rulebook(), request).error().rule == "BalanceSheetTotalRequired");
  request.balance_sheet_total = eur(500000000);
  CHECK(company_contribution(rulebook(), request)->amount == eur(99847));
}

TEST_CASE("Company contribution errors name the rule", "[company]") {
  CompanyContributionRequest request{2022, 2010, eur(0)};
  auto unknown = company_contribution(rulebook(), request);
  CHECK(unknown.error().rule == "UnknownCompanyYear");
  CHECK(unknown.error().field == "year");
  request.year = 2026;
  CHECK(company_contribution(rulebook(), request).error().rule == "UnknownCompanyYear");
  request.year = 2025;
  request.founded_year = 2026;
  CHECK(company_contribution(rulebook(), request).error().rule == "FoundedAfterYear");
  request.founded_year = 2010;
  request.balance_sheet_total = eur(-1);
  CHECK(company_contribution(rulebook(), request).error().rule == "MoneyNonNegative");
}

TEST_CASE("Months of delay: every calendar month begun counts", "[company]") {
  auto [paid, months] = GENERATE(table<std::string, int>({
      {"2025-06-30", 0},
      {"2025-12-31", 0},
      {"2026-01-01", 1},
      {"2026-01-31", 1},
      {"2026-02-01", 2},
      {"2026-02-28", 2},
      {"2026-03-01", 3},
      {"2026-12-31", 12},
      {"2027-01-01", 13},
  }));
  CHECK(months_of_delay(d("2025-12-31"), Date::parse(paid).value()) == months);
}

TEST_CASE("Late company contribution: 1 % per month of delay", "[company]") {
  // 998.47 paid on 1 February: 2 months -> 2 % = 19.9694 -> 19.97
  CHECK(*company_late_surcharge(eur(99847), d("2025-12-31"), d("2026-02-01")) == eur(1997));
  CHECK(*company_late_surcharge(eur(99847), d("2025-12-31"), d("2025-12-31")) == eur(0));
  // 399.73 a full year late (13 months begun): 13 % = 51.9649 -> 51.96
  CHECK(*company_late_surcharge(eur(39973), d("2025-12-31"), d("2027-01-15")) == eur(5196));
  CHECK(company_late_surcharge(eur(-1), d("2025-12-31"), d("2026-02-01")).error().rule ==
        "MoneyNonNegative");
}
