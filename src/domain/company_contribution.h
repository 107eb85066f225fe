#pragma once
// The yearly company contribution (cotisation annuelle des sociétés,
// DOMAIN.md §7). The amount depends on the balance-sheet total of the
// second-to-last closed financial year: above the year's threshold the high
// amount, otherwise the low one; a new company pays the low amount in its
// first two years (the year it was founded and the next). Due 31 December.
//
// Late payment: 1 % of the unpaid contribution per month of delay. Our
// reading, documented here: every calendar month begun after the due date
// counts in full — paid on 1 to 31 January = 1 month, in February = 2. The
// months are counted from the due date to the payment's value date (or the
// date the surcharge is computed for, when still unpaid).
//
// Thread-safety: pure functions.

#include <optional>

#include "domain/date.h"
#include "domain/money.h"
#include "domain/rate.h"
#include "domain/result.h"
#include "domain/rulebook.h"

namespace kassa::domain {

inline constexpr Rate kCompanyMonthlySurchargeRate = Rate::from_hundredths_of_percent(100);

struct CompanyContributionRequest {
  int year = 0;
  int founded_year = 0;  // the year the company was incorporated
  // Balance-sheet total of the second-to-last closed financial year; not
  // needed in the first two years.
  std::optional<Money> balance_sheet_total;
};

enum class CompanyBand { kLow, kHigh };

struct CompanyContribution {
  int year = 0;
  CompanyBand band = CompanyBand::kLow;
  Money amount;
  Date due;  // 31 December of the year
};

// Rules: "UnknownCompanyYear", "FoundedAfterYear", "BalanceSheetTotalRequired",
// "MoneyNonNegative".
Result<CompanyContribution> company_contribution(const Rulebook& rulebook,
                                                 const CompanyContributionRequest& request);

// Calendar months begun after `due` up to `paid_or_as_of` (0 when not late).
int months_of_delay(Date due, Date paid_or_as_of);

// 1 % of `unpaid` per month of delay, rounded half-up once.
Result<Money> company_late_surcharge(Money unpaid, Date due, Date paid_or_as_of);

}  // namespace kassa::domain
