#pragma once
// Payment allocation (DOMAIN.md §5): how one incoming payment is spread over
// a person's open debts. The law sets no order; the fund's AllocationPolicy
// does (default: the notice named by the structured communication first,
// then the oldest quarter first, within a quarter principal before
// surcharges before costs). The result is a decision the write side records
// as a PaymentAllocated event, so a later policy change never rewrites
// history.
//
// Guarantees (tested as properties): never allocates more than was paid,
// never leaves a debt open while money remains (the rest is credit), and
// the same input always gives the same output.
//
// Thread-safety: pure functions.

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "domain/fund_config.h"
#include "domain/money.h"
#include "domain/quarter.h"
#include "domain/result.h"
#include "domain/structured_communication.h"

namespace kassa::domain {

// What remains open of one debt line (a quarter's contribution, or a
// regularisation supplement) with the communication of its notice.
struct OpenDebt {
  Quarter quarter;
  std::optional<StructuredCommunication> communication;
  Money principal;  // contribution + fees still open
  Money surcharge;  // surcharges still open
  Money cost;       // costs still open
};

struct Allocation {
  std::size_t debt = 0;  // index into the `debts` given to allocate_payment
  DebtComponent component = DebtComponent::kPrincipal;
  Money amount;
};

struct AllocationResult {
  std::vector<Allocation> allocations;
  Money credit;  // what is left over: a credit for the person
};

// Rules: "PaymentNotPositive", "MoneyNonNegative" (an open amount below 0),
// "AllocationPolicyComponents" (components not each of the three once).
Result<AllocationResult> allocate_payment(
    Money amount, const std::optional<StructuredCommunication>& communication,
    std::span<const OpenDebt> debts, const AllocationPolicy& policy);

}  // namespace kassa::domain
