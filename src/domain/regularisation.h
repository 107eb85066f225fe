#pragma once
// Regularisation of a contribution year (DOMAIN.md §3): once the tax
// authority notifies the final income of year N, the year is recomputed with
// N's rates and thresholds and compared with what was assessed provisionally
// and with what was paid.
//
// Fees follow the contribution line they go with (see contribution.h): the
// final fee is the fee rate on the final annual contribution, rounded
// half-up; the fee difference is that minus the provisional fees assessed.
// Worked example 3: 1,127.50 + 44.54 = 1,172.04 final, minus 4 × 99.38
// assessed = a supplement of 774.52 with fees.
//
// Thread-safety: pure functions.

#include <optional>

#include "domain/category.h"
#include "domain/date.h"
#include "domain/money.h"
#include "domain/quarter.h"
#include "domain/rate.h"
#include "domain/result.h"
#include "domain/rulebook.h"

namespace kassa::domain {

struct RegularisationRequest {
  int year = 0;
  Category category = Category::kMain;
  Money final_income;                        // notified by the tax authority; a loss is allowed
  int quarters = 4;                          // quarters of affiliation in the year
  bool primo_starter = false;                // main only
  bool primo_first_quarter_in_year = false;  // the reduction applies to this year
  Money assessed_contribution;               // provisional contributions assessed for the year
  Money assessed_fees;                       // provisional management fees assessed
  Money paid;                                // contributions and fees paid for the year
  std::optional<Rate> fee_rate;              // overrides the fund's rate of the year
};

struct Regularisation {
  Money final_contribution;       // the year on its final income (after n/4)
  Money final_fee;                // fee rate × final_contribution
  Money final_total;              // final_contribution + final_fee
  Money contribution_difference;  // final - assessed: > 0 supplement, < 0 refund
  Money fee_difference;           // final fee - assessed fees
  Money total_difference;         // both
  Money outstanding;              // final_total - paid, when positive: still to pay for the year
  Money refundable;               // paid - final_total, when positive: to refund
};

// Rules: those of provisional_contribution, plus "MoneyNonNegative" for a
// negative assessed or paid amount.
Result<Regularisation> regularise(const Rulebook& rulebook, const RegularisationRequest& request);

// The supplement of a regularisation statement sent on `statement_sent` is
// due on the last day of the quarter after the statement's quarter.
Date regularisation_due_date(Date statement_sent);

}  // namespace kassa::domain
