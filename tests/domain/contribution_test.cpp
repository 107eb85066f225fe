#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "domain/contribution.h"
#include "test_support.h"

using namespace kassa::domain;
using namespace kassa::domain::test;

namespace {

ContributionAssessment assess(int year, Category category, std::int64_t income_cents,
                              int quarters = 4) {
  ContributionRequest request;
  request.year = year;
  request.category = category;
  request.income = eur(income_cents);
  request.quarters = quarters;
  auto out = provisional_contribution(rulebook(), request);
  REQUIRE(out.ok());
  return *out;
}

// Independent oracle for one year: the exact contribution in 1/10000 cent
// as part1 × rate1 + part2 × rate2 with rates in hundredths of a percent,
// then rounded half-up once (annual) or after ÷ 4 (quarterly).
struct Expected {
  std::int64_t annual;
  std::int64_t quarterly;
};
Expected oracle(std::int64_t part1, std::int64_t rate1, std::int64_t part2 = 0,
                std::int64_t rate2 = 1416) {
  const std::int64_t exact = part1 * rate1 + part2 * rate2;  // cents × 10^-4
  return {(exact + 5000) / 10000, (exact + 20000) / 40000};
}

}  // namespace

TEST_CASE("Worked example 1: main 2025 on 40,000.00", "[contribution][example]") {
  auto a = assess(2025, Category::kMain, 4000000);
  CHECK(a.base == eur(4000000));
  CHECK(a.annual == eur(820000));              // 40,000.00 × 20.50 %
  CHECK(a.quarterly == eur(205000));           // 8,200.00 / 4
  CHECK(a.fee == eur(8098));                   // 2,050.00 × 3.95 % = 80.975 -> 80.98
  CHECK(a.quarterly_with_fee == eur(213098));  // 2,130.98
  CHECK(a.fee_rate == Rate::from_hundredths_of_percent(395));
}

TEST_CASE("Worked example 2: main 2025 on 10,000.00 is raised to the minimum",
          "[contribution][example]") {
  auto a = assess(2025, Category::kMain, 1000000);
  CHECK(a.base == eur(1700888));     // the minimum income 17,008.88
  CHECK(a.annual == eur(348682));    // 17,008.88 × 20.5 % = 3,486.8204
  CHECK(a.quarterly == eur(87171));  // 871.7051 -> 871.71
}

TEST_CASE("Worked example 3: secondary starter 2024 on the threshold", "[contribution][example]") {
  ContributionRequest request;
  request.year = 2024;
  request.category = Category::kSecondary;
  request.basis = IncomeBasis::kCategoryMinimum;
  auto a = provisional_contribution(rulebook(), request).value();
  CHECK(a.base == eur(186545));
  CHECK(a.annual == eur(38242));             // 1,865.45 × 20.5 % = 382.41725
  CHECK(a.quarterly == eur(9560));           // 382.41725 / 4 = 95.604 -> 95.60
  CHECK(a.fee == eur(378));                  // 95.60 × 3.95 % = 3.7762
  CHECK(a.quarterly_with_fee == eur(9938));  // 99.38
  // The same base given as an income gives the same figures.
  CHECK(assess(2024, Category::kSecondary, 186545).quarterly == eur(9560));
}

TEST_CASE("The published minimum quarterly contribution comes out of the rules", "[contribution]") {
  for (const auto& y : rulebook().years()) {
    INFO(y.year);
    CHECK(assess(y.year, Category::kMain, 0).quarterly == y.main_minimum_quarterly.value);
  }
}

TEST_CASE("Provisional contribution from the income of N-3 and the coefficient", "[contribution]") {
  ContributionRequest request;
  request.year = 2025;
  request.category = Category::kMain;
  request.basis = IncomeBasis::kReferenceIncome;
  request.income = eur(3000000);
  auto a = provisional_contribution(rulebook(), request).value();
  // 30,000.00 × 1.092330529 = 32,769.91587; × 20.5 % = 6,717.8327 -> 6,717.83
  CHECK(a.income_considered == eur(3276992));
  CHECK(a.annual == eur(671783));
  CHECK(a.quarterly == eur(167946));  // 1,679.458 -> 1,679.46

  // The base is never rounded before the rate: 20,000.47 × 1.092330529 =
  // 21,847.12397534863; × 20.5 % / 4 = 1,119.665 -> 1,119.67, whereas a base
  // rounded to 21,847.12 would give 1,119.6649 -> 1,119.66.
  request.income = eur(2000047);
  CHECK(provisional_contribution(rulebook(), request)->quarterly == eur(111967));
}

TEST_CASE("Incomplete year: annualise, then charge n/4", "[contribution]") {
  // 20,000.00 over 2 quarters -> 40,000.00 a year -> 8,200.00; 2/4 -> 4,100.00
  auto two = assess(2025, Category::kMain, 2000000, 2);
  CHECK(two.base == eur(4000000));
  CHECK(two.annual_full == eur(820000));
  CHECK(two.annual == eur(410000));
  CHECK(two.quarterly == eur(205000));
  // 50,000.00 over 3 quarters -> 66,666.666...: exact, so 3/4 of the year is
  // exactly 50,000.00 × 20.5 % = 10,250.00 and a quarter 3,416.666 -> 3,416.67.
  auto three = assess(2025, Category::kMain, 5000000, 3);
  CHECK(three.base == eur(6666667));
  CHECK(three.annual_full == eur(1366667));
  CHECK(three.annual == eur(1025000));
  CHECK(three.quarterly == eur(341667));
  // One quarter on a low income: the minimum applies to the annualised base.
  auto one = assess(2025, Category::kMain, 100000, 1);
  CHECK(one.base == eur(1700888));
  CHECK(one.annual == eur(87171));  // 3,486.8204 / 4 = 871.7051 -> 871.71
}

TEST_CASE("Primo-starter: lower minimum and a reduction on the first quarter", "[contribution]") {
  ContributionRequest request;
  request.year = 2025;
  request.category = Category::kMain;
  request.primo_starter = true;
  auto later = provisional_contribution(rulebook(), request).value();
  CHECK(later.base == eur(878348));      // primo-starter minimum 8,783.48
  CHECK(later.annual == eur(180061));    // × 20.5 % = 1,800.6134
  CHECK(later.quarterly == eur(45015));  // 450.15335 -> 450.15
  CHECK(later.reduction == eur(0));

  request.first_quarter = true;
  auto first = provisional_contribution(rulebook(), request).value();
  CHECK(first.quarterly_regular == eur(45015));
  CHECK(first.reduction == eur(11603));  // 116.03 in 2025
  CHECK(first.quarterly == eur(33412));  // 450.15 - 116.03
  CHECK(first.annual == eur(168458));    // 1,800.61 - 116.03
  CHECK(first.fee == eur(1320));         // 334.12 × 3.95 % = 13.1977
  CHECK(first.quarterly_with_fee == eur(34732));

  // Never below zero: with a (hypothetical) reduction of 1,000.00 the first
  // quarter of 450.15 is simply free.
  auto year = rulebook().year(2025).value();
  year.primo_starter_reduction.value = eur(100000);
  const Rulebook big_reduction({year}, {}, FundConfig::kassa_default());
  auto clamped = provisional_contribution(big_reduction, request).value();
  CHECK(clamped.reduction == eur(45015));
  CHECK(clamped.quarterly == eur(0));
  CHECK(clamped.fee == eur(0));
  CHECK(clamped.annual == eur(135046));  // 1,800.61 - 450.15
}

TEST_CASE("Primo-starter and first-quarter options are checked", "[contribution]") {
  ContributionRequest request;
  request.year = 2025;
  request.category = Category::kSecondary;
  request.primo_starter = true;
  CHECK(provisional_contribution(rulebook(), request).error().rule == "PrimoStarterMainOnly");
  request.category = Category::kMain;
  request.primo_starter = false;
  request.first_quarter = true;
  CHECK(provisional_contribution(rulebook(), request).error().rule ==
        "FirstQuarterNeedsPrimoStarter");
}

TEST_CASE("Bad requests name the field and the rule", "[contribution]") {
  ContributionRequest request;
  request.year = 2021;
  auto unknown = provisional_contribution(rulebook(), request);
  CHECK(unknown.error().rule == "UnknownYear");
  CHECK(unknown.error().field == "year");
  request.year = 2025;
  request.quarters = GENERATE(0, 5, -1);
  auto bad = provisional_contribution(rulebook(), request);
  CHECK(bad.error().rule == "QuartersRange");
  CHECK(bad.error().field == "quarters");
}

TEST_CASE("Fee rate override replaces the fund's rate", "[contribution]") {
  ContributionRequest request;
  request.year = 2025;
  request.income = eur(4000000);
  request.fee_rate = Rate::from_hundredths_of_percent(305);
  auto a = provisional_contribution(rulebook(), request).value();
  CHECK(a.fee == eur(6253));  // 2,050.00 × 3.05 % = 62.525 -> 62.53
}

TEST_CASE("2025 figures for every category, computed by hand", "[contribution]") {
  // Main above threshold 2: 73,447.52 × 20.5 % + 34,790.88 × 14.16 % = 19,983.1265
  CHECK(assess(2025, Category::kMain, 20000000).annual == eur(1998313));
  CHECK(assess(2025, Category::kMain, 20000000).quarterly == eur(499578));
  // Main at threshold 1: 73,447.52 × 20.5 % = 15,056.7416; / 4 = 3,764.1854
  CHECK(assess(2025, Category::kMain, 7344752).quarterly == eur(376419));
  // A loss: the minimum is still due.
  CHECK(assess(2025, Category::kMain, -500000).quarterly == eur(87171));
  // Helping spouse: 7,472.00 × 20.5 % = 1,531.76; / 4 = 382.94
  CHECK(assess(2025, Category::kHelpingSpouse, 0).quarterly == eur(38294));
  // Student: (12,000.00 - 8,504.44) × 20.5 % = 716.5898; / 4 = 179.14745
  CHECK(assess(2025, Category::kStudent, 1200000).annual == eur(71659));
  CHECK(assess(2025, Category::kStudent, 1200000).quarterly == eur(17915));
  // Pensioner: 20,000.00 × 14.70 % = 2,940.00
  CHECK(assess(2025, Category::kPensioner, 2000000).annual == eur(294000));
  // Pensioner above threshold 1: 73,447.52 × 14.7 % + 6,552.48 × 14.16 % = 11,724.6166
  CHECK(assess(2025, Category::kPensioner, 8000000).annual == eur(1172462));
  CHECK(assess(2025, Category::kPensioner, 8000000).quarterly == eur(293115));
}

TEST_CASE("Every category on both sides of every threshold of every year", "[contribution]") {
  for (const auto& y : rulebook().years()) {
    const std::int64_t t1 = y.threshold_1.value.cents();
    const std::int64_t t2 = y.threshold_2.value.cents();
    const std::int64_t minimum = y.main_minimum_income.value.cents();
    const std::int64_t hs = y.helping_spouse_minimum_income.value.cents();
    const std::int64_t secondary = y.secondary_threshold.value.cents();
    const std::int64_t student = y.student_threshold.value.cents();
    const std::int64_t pension = y.pension_threshold.value.cents();
    auto check = [&](Category category, std::int64_t income, Expected expected) {
      INFO(y.year << " " << to_string(category) << " income " << eur(income).format());
      auto a = assess(y.year, category, income);
      CHECK(a.annual == eur(expected.annual));
      CHECK(a.quarterly == eur(expected.quarterly));
    };
    // Two-bracket contribution on an income, with rate 1 in hundredths of %.
    auto on = [&](std::int64_t income, std::int64_t rate1 = 2050) {
      if (income <= t1) return oracle(income, rate1);
      return oracle(t1, rate1, (income < t2 ? income : t2) - t1);
    };
    for (Category main_like : {Category::kMain, Category::kHelpingSpouse}) {
      const std::int64_t floor = main_like == Category::kMain ? minimum : hs;
      check(main_like, floor - 1, on(floor));  // below the minimum: the minimum
      check(main_like, floor, on(floor));
      check(main_like, floor + 1, on(floor + 1));
      check(main_like, -100000, on(floor));
    }
    for (Category rated :
         {Category::kMain, Category::kHelpingSpouse, Category::kSecondary, Category::kStudent}) {
      for (std::int64_t income : {t1 - 1, t1, t1 + 1, t2 - 1, t2, t2 + 1}) {
        check(rated, income, on(income));
      }
    }
    // Secondary: nothing below the threshold, the whole income at it.
    check(Category::kSecondary, secondary - 1, {0, 0});
    check(Category::kSecondary, secondary, on(secondary));
    check(Category::kSecondary, secondary + 1, on(secondary + 1));
    check(Category::kSecondary, -100000, {0, 0});
    // Student: nothing below half the minimum, 20.5 % of the part above it,
    // main rules from the minimum.
    check(Category::kStudent, student - 1, {0, 0});
    check(Category::kStudent, student, {0, 0});
    check(Category::kStudent, student + 10000, oracle(10000, 2050));  // 100.00 -> 20.50
    check(Category::kStudent, minimum - 1, oracle(minimum - 1 - student, 2050));
    check(Category::kStudent, minimum, on(minimum));
    // Pensioner: nothing below its threshold, 14.70 % to threshold 1, then 14.16 %.
    check(Category::kPensioner, pension - 1, {0, 0});
    check(Category::kPensioner, pension, on(pension, 1470));
    check(Category::kPensioner, pension + 1, on(pension + 1, 1470));
    for (std::int64_t income : {t1 - 1, t1, t1 + 1, t2 - 1, t2, t2 + 1}) {
      check(Category::kPensioner, income, on(income, 1470));
    }
  }
}

TEST_CASE("Property: the contribution never decreases when income rises", "[contribution]") {
  for (const auto& y : rulebook().years()) {
    for (Category category : kAllCategories) {
      Money previous_annual = eur(0);
      Money previous_quarterly = eur(0);
      // -1,000.00 .. 130,000.00 in steps of 97.13: crosses every threshold.
      for (std::int64_t income = -100000; income < 13000000; income += 9713) {
        auto a = assess(y.year, category, income);
        INFO(y.year << " " << to_string(category) << " " << eur(income).format());
        CHECK(a.annual >= previous_annual);
        CHECK(a.quarterly >= previous_quarterly);
        previous_annual = a.annual;
        previous_quarterly = a.quarterly;
      }
    }
  }
}

TEST_CASE("Property: the quarters add up to the annual amount within the rounding",
          "[contribution]") {
  // Each quarter is rounded once from the exact annual / 4, so n quarters
  // differ from the annual × n/4 by at most n half-cents (2 cents for n = 4).
  for (Category category : kAllCategories) {
    for (int n = 1; n <= 4; ++n) {
      for (std::int64_t income = 0; income < 12000000; income += 12347) {
        auto a = assess(2025, category, income, n);
        const std::int64_t diff = a.quarterly.cents() * n - a.annual.cents();
        INFO(to_string(category) << " n=" << n << " " << eur(income).format());
        CHECK(diff <= 2);
        CHECK(diff >= -2);
      }
    }
  }
}
