#pragma once
// The provisional (and final) contribution of a self-employed person for a
// year, per DOMAIN.md §3. Pure functions over the Rulebook.
//
// Rounding — one rule, applied everywhere:
//   * The base is never rounded: the income × revaluation coefficient and
//     the annualisation × 4 / n are carried exactly (128-bit integers in
//     units of 1/(12·10^9) cent, so ÷ 3 is exact), and so is base × rate.
//   * Each amount that is charged or shown is rounded once, half-up to the
//     cent, from that exact value: annual = round(C), quarterly =
//     round(C / 4) — "annual first, then ÷ 4", never rounding twice. This is
//     what makes worked example 3 come out at 95.60 (1,865.45 × 20.5 % =
//     382.41725; ÷ 4 = 95.6043 → 95.60; rounding the annual first would give
//     382.42 ÷ 4 = 95.605 → 95.61).
//   * Management fees are a percentage of the contribution line they go
//     with, rounded half-up: per quarter on the rounded quarterly amount
//     (2,050.00 × 3.95 % = 80.975 → 80.98), for a regularised year on the
//     rounded annual amount (1,127.50 × 3.95 % = 44.536 → 44.54).
//
// Thread-safety: pure functions.

#include <optional>

#include "domain/category.h"
#include "domain/money.h"
#include "domain/rate.h"
#include "domain/result.h"
#include "domain/rulebook.h"

namespace kassa::domain {

enum class IncomeBasis {
  kIncome,           // the income of year N itself, or a base the person chose
  kReferenceIncome,  // the income of N-3, × the revaluation coefficient of N
  kCategoryMinimum,  // a starter without a reference year: the category's
                     // minimum (secondary, student, pensioner: their threshold)
};

struct ContributionRequest {
  int year = 0;
  Category category = Category::kMain;
  IncomeBasis basis = IncomeBasis::kIncome;
  // The income for kIncome / kReferenceIncome; ignored for kCategoryMinimum.
  // A loss (negative income) is accepted: the main minimum still applies.
  Money income;
  int quarters = 4;              // quarters of affiliation in the year, 1..4
  bool primo_starter = false;    // main only: the primo-starter minimum applies
  bool first_quarter = false;    // primo-starter: this is the first quarter (reduction)
  std::optional<Rate> fee_rate;  // overrides the fund's fee rate of the year
};

struct ContributionAssessment {
  int year = 0;
  Category category = Category::kMain;
  int quarters = 4;
  Money income_considered;  // the income after revaluation (rounded for display)
  Money base;               // annualised, after the minimum (rounded for display)
  Money annual_full;        // the contribution for a full year on `base`
  Money annual;             // due for the year: × n/4, minus the reduction applied
  Money quarterly_regular;  // one quarter, without the primo-starter reduction
  Money reduction;          // the primo-starter reduction applied to this quarter
  Money quarterly;          // this quarter's contribution, before fees
  Rate fee_rate;
  Money fee;                 // management fees on `quarterly`
  Money quarterly_with_fee;  // quarterly + fee
};

// Rules: "UnknownYear", "UnknownFeeYear", "QuartersRange" (n not 1..4),
// "PrimoStarterMainOnly", "FirstQuarterNeedsPrimoStarter", "MoneyOverflow".
Result<ContributionAssessment> provisional_contribution(const Rulebook& rulebook,
                                                        const ContributionRequest& request);

}  // namespace kassa::domain
