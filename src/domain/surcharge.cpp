#include "domain/surcharge.h"

#include <string>

namespace kassa::domain {

Quarter first_surcharge_quarter(const SurchargeDebt& debt) {
  // A regularisation supplement is due at the end of the quarter after the
  // statement; a provisional contribution at the end of its own quarter.
  Quarter first = debt.kind == DebtKind::kRegularisation ? debt.quarter.next() : debt.quarter;
  if (debt.grace == StarterGrace::kExtraQuarter) first = first.next();
  if (debt.due && Quarter::containing(*debt.due) > first) first = Quarter::containing(*debt.due);
  return first;
}

Result<Money> unpaid_on(Money principal, std::span<const PrincipalPayment> payments, Date day) {
  KASSA_TRY(require_non_negative(principal, "principal"));
  Money unpaid = principal;
  for (const auto& payment : payments) {
    KASSA_TRY(require_non_negative(payment.amount, "payment"));
    if (payment.value_date > day) continue;
    auto rest = unpaid.minus(payment.amount);
    KASSA_TRY(rest);
    unpaid = *rest;
  }
  return max(unpaid, Money::zero());
}

Result<std::vector<SurchargeLine>> quarterly_surcharges(const SurchargeDebt& debt,
                                                        std::span<const PrincipalPayment> payments,
                                                        Date as_of) {
  KASSA_TRY(require_non_negative(debt.principal, "principal"));
  std::vector<SurchargeLine> lines;
  for (Quarter q = first_surcharge_quarter(debt); q.last_day() <= as_of; q = q.next()) {
    // The last 3 % falls in the quarter before the contrainte is served.
    if (debt.contrainte_served && Quarter::containing(*debt.contrainte_served) <= q) break;
    auto unpaid = unpaid_on(debt.principal, payments, q.last_day());
    KASSA_TRY(unpaid);
    if (unpaid->is_zero()) break;  // paid: it never becomes unpaid again
    auto amount = apply(*unpaid, kQuarterlySurchargeRate);
    KASSA_TRY(amount);
    lines.push_back({q.last_day(), *unpaid, *amount});
  }
  return lines;
}

int claim_year(Date notice_sent) {
  return Quarter::containing(notice_sent).number() == 4 ? notice_sent.year() + 1
                                                        : notice_sent.year();
}

Result<std::optional<SurchargeLine>> yearly_surcharge(int year, const SurchargeDebt& debt,
                                                      Date notice_sent,
                                                      std::span<const PrincipalPayment> payments) {
  KASSA_TRY(require_non_negative(debt.principal, "principal"));
  if (debt.kind != DebtKind::kProvisional || claim_year(notice_sent) != year) {
    return std::optional<SurchargeLine>{};
  }
  if (debt.contrainte_served && debt.contrainte_served->year() == year) {
    return std::optional<SurchargeLine>{};
  }
  auto year_end = Date::from_ymd(year, 12, 31);
  KASSA_TRY(year_end);
  auto unpaid = unpaid_on(debt.principal, payments, *year_end);
  KASSA_TRY(unpaid);
  if (unpaid->is_zero()) return std::optional<SurchargeLine>{};
  auto amount = apply(*unpaid, kYearlySurchargeRate);
  KASSA_TRY(amount);
  return std::optional<SurchargeLine>{SurchargeLine{year_end->plus_days(1), *unpaid, *amount}};
}

Result<Money> reduce_in_proportion(Money surcharge, Money old_principal, Money new_principal) {
  KASSA_TRY(require_non_negative(surcharge, "surcharge"));
  KASSA_TRY(require_non_negative(new_principal, "new_principal"));
  if (!old_principal.is_positive() || new_principal > old_principal) {
    return Error::invalid("new_principal", "PrincipalNotLowered",
                          "new_principal: a proportional reduction needs a lower principal than " +
                              old_principal.format());
  }
  return money_from_exact(static_cast<Int128>(surcharge.cents()) * new_principal.cents(),
                          old_principal.cents());
}

}  // namespace kassa::domain
