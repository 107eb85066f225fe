#pragma once
// The member's account as the domain keeps it: every movement of money that
// evolve() makes while it folds an event (a debit the fund charges, a credit
// the member earns, and the decisions that move money without changing what
// is owed, such as a payment's allocation). The account statement is these
// entries in date order, each with the event it came from.
//
// One model: evolve() records an entry exactly where it changes what the
// state says is owed, so the sum of a member's entries (debits minus
// credits) is the state's balance() at every event: open debt minus credit
// (the unallocated money and what a regularisation refunds). `kassa check`
// proves this over every aggregate of a data folder.
//
// Thread-safety: values only.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/date.h"
#include "domain/money.h"
#include "domain/quarter.h"
#include "domain/result.h"
#include "schemas/envelope_generated.h"

namespace kassa::domain {

enum class EntryKind : std::uint8_t {
  kContribution = 0,      // a quarter's contribution (a lower reassessment credits)
  kFees,                  // the fund's management fees on it
  kQuarterlySurcharge,    // 3 % at a quarter end (RG art. 44)
  kYearlySurcharge,       // 7 % on 1 January (RG art. 44bis)
  kSurchargeReduction,    // a lower provisional base reduced booked surcharges
  kSurchargeWaiver,       // INASTI waived surcharges (RG art. 48)
  kRegularisation,        // a year's regularisation supplement, contribution part
  kRegularisationFees,    // its management fees
  kRegularisationRefund,  // a regularisation found too much charged: owed back
  kCosts,                 // collection costs
  kCancellation,          // an assessed quarter cancelled (death, cessation, correction)
  kDispense,              // INASTI dispensed the quarter (AR 38 art. 17)
  kContestCancellation,   // a court or INASTI cancelled contested amounts
  kPayment,               // money received
  kAllocation,            // how a payment was allocated (moves no balance)
  kRefund,                // money paid back to the member
  kBenefitPaid,           // a benefit the fund paid (not part of the balance)
  kCompanyContribution,   // a company's yearly contribution (DOMAIN §7)
  kCompanySurcharge,      // 1 % per month of delay
};
std::string_view to_string(EntryKind kind);
// The legal or policy basis an entry rests on, for people ("AR 38 art. 12").
std::string_view rule_of(EntryKind kind);

// Which debt an entry or an allocation part concerns.
struct DebtRef {
  enum class Kind : std::uint8_t {
    kNone = 0,
    kQuarter,         // a quarter's contribution line
    kRegularisation,  // the regularisation supplement of `year`
    kCompanyYear,     // a company's contribution of `year`
  };
  Kind kind = Kind::kNone;
  std::uint16_t quarter = 0;  // year*10+q for kQuarter
  std::uint16_t year = 0;     // kRegularisation / kCompanyYear; the quarter's year for kQuarter

  static DebtRef none() { return {}; }
  static DebtRef of_quarter(Quarter q);
  static DebtRef regularisation(int year);
  static DebtRef company_year(int year);
  // "2025-Q1", "2023 regularisation", "2025", "" for none.
  std::string format() const;
  friend bool operator==(const DebtRef&, const DebtRef&) = default;
};

// One part of an allocation: an amount put on a component of a debt.
struct AllocationPart {
  DebtRef debt;
  schemas::DebtKind component = schemas::DebtKind::Contribution;
  Money amount;
};

struct AccountEntry {
  EntryKind kind = EntryKind::kPayment;
  DebtRef debt;
  Date date = Date::from_days(0);  // value date, decision date, surcharge date
  Money debit;                     // >= 0: owed to the fund
  Money credit;                    // >= 0: in the member's favour
  Money amount;                    // a benefit paid (kBenefitPaid); else 0
  std::string reference;           // bank ref, structured communication, refund/case/decision ref
  std::vector<AllocationPart> allocation;  // kAllocation only
  Money left_as_credit;                    // kAllocation only: what stayed unallocated
};

// Where evolve() records the entries of the event it folds (optional).
using Entries = std::vector<AccountEntry>;

// No amount an event carries may exceed this (10 trillion EUR): a fold
// adds many of them, and every sum must stay far from what int64 cents
// can hold. Far above any plausibility ceiling of the fund's commands.
inline constexpr std::int64_t kMaxEventCents = 1'000'000'000'000'000;

// OK, or AmountOutOfRange (kCorrupt) naming the first *_cents field of the
// event whose value is beyond ±kMaxEventCents. evolve() checks it first.
Status amounts_in_range(const schemas::Envelope& envelope);

// Arithmetic in a fold, where each step cannot return an error: on
// overflow the result saturates and FoldArithmetic::overflowed() is set
// for the thread; evolve() clears it before an event and turns it into
// MoneyOverflow after.
struct FoldArithmetic {
  static void clear();
  static bool overflowed();
  static Money add(Money a, Money b);
  static Money sub(Money a, Money b);
};

// Appends an entry of `amount`: a debit when positive, a credit when
// negative (a lower reassessment credits what it no longer charges);
// nothing for 0.
void book(Entries& entries, EntryKind kind, DebtRef debt, Date date, Money amount,
          std::string reference);

}  // namespace kassa::domain
