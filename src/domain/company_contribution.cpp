#include "domain/company_contribution.h"

#include <string>

namespace kassa::domain {

Result<CompanyContribution> company_contribution(const Rulebook& rulebook,
                                                 const CompanyContributionRequest& request) {
  auto figures = rulebook.company_year(request.year);
  KASSA_TRY(figures);
  if (request.founded_year > request.year) {
    return Error::invalid("founded_year", "FoundedAfterYear",
                          "founded_year: " + std::to_string(request.founded_year) +
                              " is after the contribution year " + std::to_string(request.year));
  }
  auto due = Date::from_ymd(request.year, 12, 31);
  KASSA_TRY(due);
  CompanyContribution out{request.year, CompanyBand::kLow, figures->low.value, *due};
  const bool new_company = request.year - request.founded_year < 2;
  if (new_company) return out;
  if (!request.balance_sheet_total) {
    return Error::invalid("balance_sheet_total", "BalanceSheetTotalRequired",
                          "balance_sheet_total: needed from the company's third year");
  }
  KASSA_TRY(require_non_negative(*request.balance_sheet_total, "balance_sheet_total"));
  if (*request.balance_sheet_total > figures->balance_sheet_threshold.value) {
    out.band = CompanyBand::kHigh;
    out.amount = figures->high.value;
  }
  return out;
}

int months_of_delay(Date due, Date paid_or_as_of) {
  if (paid_or_as_of <= due) return 0;
  // Start just below the answer and step: a month begun is a month counted.
  int months = (paid_or_as_of.year() - due.year()) * 12 + static_cast<int>(paid_or_as_of.month()) -
               static_cast<int>(due.month()) - 1;
  if (months < 0) months = 0;
  while (due.plus_months(months) < paid_or_as_of) ++months;
  return months;
}

Result<Money> company_late_surcharge(Money unpaid, Date due, Date paid_or_as_of) {
  KASSA_TRY(require_non_negative(unpaid, "unpaid"));
  const Int128 months = months_of_delay(due, paid_or_as_of);
  return money_from_exact(
      static_cast<Int128>(unpaid.cents()) * kCompanyMonthlySurchargeRate.billionths() * months,
      Rate::kScale);
}

}  // namespace kassa::domain
