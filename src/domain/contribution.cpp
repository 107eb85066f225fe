#include "domain/contribution.h"

#include <string>

namespace kassa::domain {

namespace {

// Exact amounts: a base in units of 1/(12·10^9) cent (12 so that the
// annualisation × 4 / n is exact for n = 1..4, 10^9 for the coefficient);
// a contribution in those units × 10^-9 (base × rate in billionths).
constexpr Int128 kBaseUnit = Int128{12} * Rate::kScale;         // per cent
constexpr Int128 kContributionUnit = kBaseUnit * Rate::kScale;  // per cent

Int128 exact(Money m) { return static_cast<Int128>(m.cents()) * kBaseUnit; }
Int128 clamp(Int128 v, Int128 lo, Int128 hi) { return v < lo ? lo : (v > hi ? hi : v); }

// r1 on the part up to threshold 1, r2 on the part from threshold 1 to
// threshold 2, nothing above. REQUIRES: base >= 0.
Int128 brackets(Int128 base, Rate r1, const YearParameters& y) {
  const Int128 t1 = exact(y.threshold_1.value);
  const Int128 t2 = exact(y.threshold_2.value);
  return clamp(base, 0, t1) * r1.billionths() +
         (clamp(base, t1, t2) - t1) * y.rate_2.value.billionths();
}

struct Charged {
  Int128 base;          // the base the rates apply to (after any minimum)
  Int128 contribution;  // for a full year
};

Charged charge(const YearParameters& y, Category category, bool primo_starter, Int128 income) {
  const Rate r1 = y.rate_1.value;
  switch (category) {
    case Category::kMain:
    case Category::kHelpingSpouse: {
      const Money minimum = category == Category::kHelpingSpouse
                                ? y.helping_spouse_minimum_income.value
                                : (primo_starter ? y.primo_starter_minimum_income.value
                                                 : y.main_minimum_income.value);
      const Int128 base = income < exact(minimum) ? exact(minimum) : income;
      return {base, brackets(base, r1, y)};
    }
    case Category::kSecondary:
      if (income < exact(y.secondary_threshold.value)) return {income, 0};
      return {income, brackets(income, r1, y)};
    case Category::kStudent: {
      const Int128 floor = exact(y.student_threshold.value);
      if (income < floor) return {income, 0};
      if (income < exact(y.main_minimum_income.value))
        return {income, (income - floor) * r1.billionths()};
      return {income, brackets(income, r1, y)};
    }
    case Category::kPensioner:
      if (income < exact(y.pension_threshold.value)) return {income, 0};
      return {income, brackets(income, y.pensioner_rate_1.value, y)};
  }
  return {income, 0};
}

Money category_minimum(const YearParameters& y, Category category, bool primo_starter) {
  switch (category) {
    case Category::kMain:
      return primo_starter ? y.primo_starter_minimum_income.value : y.main_minimum_income.value;
    case Category::kHelpingSpouse: return y.helping_spouse_minimum_income.value;
    case Category::kSecondary: return y.secondary_threshold.value;
    case Category::kStudent: return y.student_threshold.value;
    case Category::kPensioner: return y.pension_threshold.value;
  }
  return y.main_minimum_income.value;
}

}  // namespace

Result<ContributionAssessment> provisional_contribution(const Rulebook& rulebook,
                                                        const ContributionRequest& request) {
  auto year = rulebook.year(request.year);
  KASSA_TRY(year);
  const YearParameters& y = *year;
  if (request.quarters < 1 || request.quarters > 4) {
    return Error::invalid("quarters", "QuartersRange",
                          "quarters: the quarters of affiliation in a year are 1 to 4, got " +
                              std::to_string(request.quarters));
  }
  if (request.primo_starter && request.category != Category::kMain) {
    return Error::invalid("primo_starter", "PrimoStarterMainOnly",
                          "primo_starter: only a main occupation can be a primo-starter");
  }
  if (request.first_quarter && !request.primo_starter) {
    return Error::invalid("first_quarter", "FirstQuarterNeedsPrimoStarter",
                          "first_quarter: the first-quarter reduction is for primo-starters only");
  }
  Rate fee_rate;
  if (request.fee_rate) {
    fee_rate = *request.fee_rate;
  } else {
    auto configured = rulebook.fee_rate(request.year);
    KASSA_TRY(configured);
    fee_rate = *configured;
  }

  Int128 income = 0;
  switch (request.basis) {
    case IncomeBasis::kIncome: income = exact(request.income); break;
    case IncomeBasis::kReferenceIncome:
      income = static_cast<Int128>(request.income.cents()) *
               y.revaluation_coefficient.value.billionths() * 12;
      break;
    case IncomeBasis::kCategoryMinimum:
      income = exact(category_minimum(y, request.category, request.primo_starter));
      break;
  }
  const Int128 n = request.quarters;
  const Int128 annualised = income / n * 4;  // exact: income is a multiple of 12
  const Charged charged = charge(y, request.category, request.primo_starter, annualised);

  ContributionAssessment out;
  out.year = request.year;
  out.category = request.category;
  out.quarters = request.quarters;
  out.fee_rate = fee_rate;
  auto income_considered = money_from_exact(income, kBaseUnit);
  auto base = money_from_exact(charged.base, kBaseUnit);
  auto annual_full = money_from_exact(charged.contribution, kContributionUnit);
  auto annual_prorated = money_from_exact(charged.contribution * n, 4 * kContributionUnit);
  auto quarterly = money_from_exact(charged.contribution, 4 * kContributionUnit);
  KASSA_TRY(income_considered);
  KASSA_TRY(base);
  KASSA_TRY(annual_full);
  KASSA_TRY(annual_prorated);
  KASSA_TRY(quarterly);
  out.income_considered = *income_considered;
  out.base = *base;
  out.annual_full = *annual_full;
  out.quarterly_regular = *quarterly;
  // The primo-starter reduction comes off the first quarter, never below 0.
  out.reduction = request.first_quarter
                      ? min(y.primo_starter_reduction.value, out.quarterly_regular)
                      : Money::zero();
  out.quarterly = Money::from_cents(out.quarterly_regular.cents() - out.reduction.cents());
  out.annual = Money::from_cents(annual_prorated->cents() - out.reduction.cents());
  auto fee = apply(out.quarterly, fee_rate);
  KASSA_TRY(fee);
  out.fee = *fee;
  auto with_fee = out.quarterly.plus(out.fee);
  KASSA_TRY(with_fee);
  out.quarterly_with_fee = *with_fee;
  return out;
}

}  // namespace kassa::domain
