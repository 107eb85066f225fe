#pragma once
// Pension-career status of a quarter (DOMAIN.md §8): what the fund reports
// to INASTI. A main-occupation or helping-spouse quarter counts when its
// contributions are paid; a secondary (or student) quarter counts only when
// what was paid reaches the main minimum quarterly contribution of the year;
// contribution-free quarters (sickness, continued insurance, maternity) and
// paid primo-starter reduced quarters are assimilated; dispensed quarters do
// not count until paid; a pensioner's quarters build no pension career.
//
// Thread-safety: pure functions.

#include "domain/category.h"
#include "domain/money.h"
#include "domain/quarter.h"
#include "domain/result.h"
#include "domain/rulebook.h"

namespace kassa::domain {

enum class QuarterSituation {
  kNormal,
  kSickness,             // sickness assimilation: contribution-free
  kContinuedInsurance,   // continued insurance
  kMaternityFree,        // contribution-free quarter after a birth
  kPrimoStarterReduced,  // counts as paid at the normal minimum once paid
  kDispensed,            // dispensed by INASTI: counts only once paid
};

enum class CareerStatus { kCounted, kAssimilated, kNotCounted };

enum class CareerReason {
  kContributionsPaid,
  kSecondaryReachedMinimum,
  kSickness,
  kContinuedInsurance,
  kMaternity,
  kPrimoStarterReduced,
  kDispensed,
  kUnpaid,
  kBelowMainMinimum,
  kPensionerNoCareer,
};

struct CareerQuarterFacts {
  Quarter quarter;
  Category category = Category::kMain;
  QuarterSituation situation = QuarterSituation::kNormal;
  Money contribution_due;   // the quarter's contribution (before fees)
  Money contribution_paid;  // what was paid of it
};

struct CareerQuarter {
  Quarter quarter;
  CareerStatus status = CareerStatus::kNotCounted;
  CareerReason reason = CareerReason::kUnpaid;
};

// Rules: "UnknownYear" (the secondary threshold needs the year's minimum),
// "MoneyNonNegative".
Result<CareerQuarter> career_status(const Rulebook& rulebook, const CareerQuarterFacts& facts);

std::string_view to_string(CareerStatus status);
std::string_view to_string(CareerReason reason);

}  // namespace kassa::domain
