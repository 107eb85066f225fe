#pragma once
// FundConfig: what the law leaves to the fund (DOMAIN.md §3 management
// fees, §5 allocation, §6 reminders and enforcement). Kassa's defaults are
// in FundConfig::kassa_default(); another fund changes data, not code.
//
// Thread-safety: plain values; share a const instance freely.

#include <map>
#include <string_view>
#include <vector>

#include "domain/money.h"
#include "domain/rate.h"
#include "domain/result.h"

namespace kassa::domain {

// A figure with where it comes from (a legal text, a publication, a decision).
template <typename T>
struct Sourced {
  T value;
  std::string_view source;
};

// The parts of one quarter's debt, in the order allocation may fill them.
enum class DebtComponent { kPrincipal, kSurcharge, kCost };

enum class AllocationOrder {
  kQuarterFirst,    // settle the oldest quarter completely, then the next
  kComponentFirst,  // all principals oldest first, then all surcharges, then costs
};

struct AllocationPolicy {
  // A payment carrying a notice's structured communication goes to that
  // notice's debt before anything else.
  bool communication_first = true;
  AllocationOrder order = AllocationOrder::kQuarterFirst;
  // Within a quarter: principal (contribution + fees), surcharges, costs.
  std::vector<DebtComponent> components = {DebtComponent::kPrincipal, DebtComponent::kSurcharge,
                                           DebtComponent::kCost};
};

struct ReminderPolicy {
  int reminder_days_after_due = 15;          // reminder on due date + 15 days
  int formal_notice_quarters_after_due = 1;  // one full quarter after the due date
  int contrainte_notice_age_months = 1;      // formal notice more than 1 month old
  bool first_contrainte_needs_personal_contact = true;
};

// What no single amount can plausibly be (our policy): a command above it
// is refused (AmountImplausible, naming the field), a bank line above it
// waits in suspense for review. Far below what a sum of cents can hold.
struct Plausibility {
  Money max_amount = Money::from_cents(1'000'000'000);   // 10,000,000.00: a payment, refund, claim
  Money max_income = Money::from_cents(10'000'000'000);  // 100,000,000.00: a year's income or base
  Money max_balance_sheet = Money::from_cents(100'000'000'000'000);  // a company's balance sheet
};

// OK, or AmountImplausible naming `field` when `amount` is above `ceiling`
// (or below -ceiling).
Status require_plausible(Money amount, Money ceiling, std::string_view field);

struct FundConfig {
  // Management fee rate per contribution year (percent of the legal
  // contribution). A year missing here is an error, never a default.
  std::map<int, Sourced<Rate>> fee_rates;
  AllocationPolicy allocation;
  ReminderPolicy reminders;
  Plausibility plausibility;

  // Kassa's configuration: 3.95 % for 2022–2026, the policies above.
  static FundConfig kassa_default();

  // Rule "UnknownFeeYear" when the year is not configured.
  Result<Rate> fee_rate(int year) const;
};

}  // namespace kassa::domain
