#include "domain/regularisation.h"

#include "domain/contribution.h"

namespace kassa::domain {

Result<Regularisation> regularise(const Rulebook& rulebook, const RegularisationRequest& request) {
  KASSA_TRY(require_non_negative(request.assessed_contribution, "assessed_contribution"));
  KASSA_TRY(require_non_negative(request.assessed_fees, "assessed_fees"));
  KASSA_TRY(require_non_negative(request.paid, "paid"));

  ContributionRequest final_request;
  final_request.year = request.year;
  final_request.category = request.category;
  final_request.basis = IncomeBasis::kIncome;
  final_request.income = request.final_income;
  final_request.quarters = request.quarters;
  final_request.primo_starter = request.primo_starter;
  final_request.first_quarter = request.primo_first_quarter_in_year;
  final_request.fee_rate = request.fee_rate;
  auto assessed = provisional_contribution(rulebook, final_request);
  KASSA_TRY(assessed);

  Regularisation out;
  out.final_contribution = assessed->annual;
  auto fee = apply(out.final_contribution, assessed->fee_rate);
  KASSA_TRY(fee);
  out.final_fee = *fee;
  auto total = out.final_contribution.plus(out.final_fee);
  KASSA_TRY(total);
  out.final_total = *total;
  auto contribution_difference = out.final_contribution.minus(request.assessed_contribution);
  auto fee_difference = out.final_fee.minus(request.assessed_fees);
  KASSA_TRY(contribution_difference);
  KASSA_TRY(fee_difference);
  out.contribution_difference = *contribution_difference;
  out.fee_difference = *fee_difference;
  auto total_difference = out.contribution_difference.plus(out.fee_difference);
  KASSA_TRY(total_difference);
  out.total_difference = *total_difference;
  auto balance = out.final_total.minus(request.paid);
  KASSA_TRY(balance);
  out.outstanding = max(*balance, Money::zero());
  out.refundable = Money::from_cents(-min(*balance, Money::zero()).cents());
  return out;
}

Date regularisation_due_date(Date statement_sent) {
  return Quarter::containing(statement_sent).next().last_day();
}

}  // namespace kassa::domain
