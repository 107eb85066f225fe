#include "domain/career.h"

namespace kassa::domain {

Result<CareerQuarter> career_status(const Rulebook& rulebook, const CareerQuarterFacts& facts) {
  KASSA_TRY(require_non_negative(facts.contribution_due, "contribution_due"));
  KASSA_TRY(require_non_negative(facts.contribution_paid, "contribution_paid"));
  auto year = rulebook.year(facts.quarter.year());
  KASSA_TRY(year);
  auto result = [&](CareerStatus status, CareerReason reason) {
    return CareerQuarter{facts.quarter, status, reason};
  };
  const bool paid = facts.contribution_paid >= facts.contribution_due;
  switch (facts.situation) {
    case QuarterSituation::kSickness:
      return result(CareerStatus::kAssimilated, CareerReason::kSickness);
    case QuarterSituation::kContinuedInsurance:
      return result(CareerStatus::kAssimilated, CareerReason::kContinuedInsurance);
    case QuarterSituation::kMaternityFree:
      return result(CareerStatus::kAssimilated, CareerReason::kMaternity);
    case QuarterSituation::kPrimoStarterReduced:
      return paid ? result(CareerStatus::kAssimilated, CareerReason::kPrimoStarterReduced)
                  : result(CareerStatus::kNotCounted, CareerReason::kUnpaid);
    case QuarterSituation::kDispensed:
      return paid ? result(CareerStatus::kCounted, CareerReason::kContributionsPaid)
                  : result(CareerStatus::kNotCounted, CareerReason::kDispensed);
    case QuarterSituation::kNormal: break;
  }
  switch (facts.category) {
    case Category::kMain:
    case Category::kHelpingSpouse:
      return paid ? result(CareerStatus::kCounted, CareerReason::kContributionsPaid)
                  : result(CareerStatus::kNotCounted, CareerReason::kUnpaid);
    case Category::kSecondary:
    case Category::kStudent:
      if (!paid) return result(CareerStatus::kNotCounted, CareerReason::kUnpaid);
      return facts.contribution_paid >= year->main_minimum_quarterly.value
                 ? result(CareerStatus::kCounted, CareerReason::kSecondaryReachedMinimum)
                 : result(CareerStatus::kNotCounted, CareerReason::kBelowMainMinimum);
    case Category::kPensioner:
      return result(CareerStatus::kNotCounted, CareerReason::kPensionerNoCareer);
  }
  return result(CareerStatus::kNotCounted, CareerReason::kUnpaid);
}

std::string_view to_string(CareerStatus status) {
  switch (status) {
    case CareerStatus::kCounted: return "counted";
    case CareerStatus::kAssimilated: return "assimilated";
    case CareerStatus::kNotCounted: return "not_counted";
  }
  return "not_counted";
}

std::string_view to_string(CareerReason reason) {
  switch (reason) {
    case CareerReason::kContributionsPaid: return "contributions_paid";
    case CareerReason::kSecondaryReachedMinimum: return "secondary_reached_minimum";
    case CareerReason::kSickness: return "sickness";
    case CareerReason::kContinuedInsurance: return "continued_insurance";
    case CareerReason::kMaternity: return "maternity";
    case CareerReason::kPrimoStarterReduced: return "primo_starter_reduced";
    case CareerReason::kDispensed: return "dispensed";
    case CareerReason::kUnpaid: return "unpaid";
    case CareerReason::kBelowMainMinimum: return "below_main_minimum";
    case CareerReason::kPensionerNoCareer: return "pensioner_no_career";
  }
  return "unpaid";
}

}  // namespace kassa::domain
