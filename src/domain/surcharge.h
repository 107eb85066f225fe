#pragma once
// Late-payment surcharges on a person's contributions (DOMAIN.md §4,
// RG art. 44 and 44bis), as pure functions of a debt line and the payments
// on its principal.
//
//  * 3 % per quarter: at the end of the quarter a contribution is due, and
//    at the end of every following quarter while it is unpaid, 3 % of the
//    principal (contribution + fees) still unpaid on that day. Exceptions: a
//    regularisation supplement's first 3 % is at the end of the quarter after
//    the statement's quarter; a starter affiliated before starting gets one
//    extra quarter on each of the first two contributions; none once a
//    contrainte is served (the last falls in the quarter before).
//  * 7 % once: on 1 January of Y+1, on what is unpaid on 31 December of Y of
//    the provisional contributions first claimed in Y (a notice sent in Q4
//    counts for the next year); not if a contrainte was served in Y.
//  * Surcharges never bear surcharges: only principal is ever the base.
//  * Each surcharge is rounded half-up to the cent on its own.
//
// Thread-safety: pure functions.

#include <optional>
#include <span>
#include <vector>

#include "domain/date.h"
#include "domain/money.h"
#include "domain/quarter.h"
#include "domain/rate.h"
#include "domain/result.h"

namespace kassa::domain {

// RG art. 44 and 44bis; the same every year.
inline constexpr Rate kQuarterlySurchargeRate = Rate::from_hundredths_of_percent(300);
inline constexpr Rate kYearlySurchargeRate = Rate::from_hundredths_of_percent(700);

enum class DebtKind {
  kProvisional,     // a quarter's provisional contribution + fees
  kRegularisation,  // a regularisation supplement + fees
};

enum class StarterGrace {
  kNone,
  kExtraQuarter,  // affiliated before starting: one of the first two contributions
};

struct SurchargeDebt {
  DebtKind kind = DebtKind::kProvisional;
  // kProvisional: the contribution's quarter; kRegularisation: the quarter
  // in which the regularisation statement was sent.
  Quarter quarter;
  Money principal;  // contribution + fees
  StarterGrace grace = StarterGrace::kNone;
  std::optional<Date> contrainte_served;
  // The notice's due date. A quarter assessed late is due at the end of the
  // quarter of its notice (DOMAIN §4, our policy): no 3 % before then.
  std::optional<Date> due;
};

// A payment allocated to this debt's principal, on its value date.
struct PrincipalPayment {
  Date value_date;
  Money amount;
};

struct SurchargeLine {
  Date date;     // the quarter-end (3 %) or 1 January (7 %) it applies on
  Money unpaid;  // the principal unpaid on that day, the base
  Money amount;
};

// The quarter at whose end the first 3 % can apply: the rule above, or the
// quarter of `due` when later.
Quarter first_surcharge_quarter(const SurchargeDebt& debt);

// The principal still unpaid at the end of `day` (payments value-dated on or
// before it count).
Result<Money> unpaid_on(Money principal, std::span<const PrincipalPayment> payments, Date day);

// Every 3 % surcharge of `debt` at quarter-ends up to and including `as_of`.
// Rules: "MoneyNonNegative" for a negative principal or payment.
Result<std::vector<SurchargeLine>> quarterly_surcharges(const SurchargeDebt& debt,
                                                        std::span<const PrincipalPayment> payments,
                                                        Date as_of);

// The year whose 7 % a provisional notice sent on `notice_sent` belongs to.
int claim_year(Date notice_sent);

// The 7 % on 1 January of year+1 for one provisional debt whose notice was
// sent on `notice_sent`; nullopt when it does not apply (other claim year,
// regularisation, fully paid, contrainte served in `year`).
Result<std::optional<SurchargeLine>> yearly_surcharge(int year, const SurchargeDebt& debt,
                                                      Date notice_sent,
                                                      std::span<const PrincipalPayment> payments);

// A surcharge booked on `old_principal`, after the provisional contribution
// was lowered to `new_principal`: reduced in the same proportion, half-up.
// Rules: "PrincipalNotLowered" (new > old or old = 0), "MoneyNonNegative".
Result<Money> reduce_in_proportion(Money surcharge, Money old_principal, Money new_principal);

}  // namespace kassa::domain
