#include "domain/allocation.h"

#include <algorithm>
#include <numeric>
#include <string>

namespace kassa::domain {

namespace {

Money open_amount(const OpenDebt& debt, DebtComponent component) {
  switch (component) {
    case DebtComponent::kPrincipal: return debt.principal;
    case DebtComponent::kSurcharge: return debt.surcharge;
    case DebtComponent::kCost: return debt.cost;
  }
  return Money::zero();
}

Status check_policy(const AllocationPolicy& policy) {
  const auto& c = policy.components;
  const bool complete = c.size() == 3 &&
                        std::count(c.begin(), c.end(), DebtComponent::kPrincipal) == 1 &&
                        std::count(c.begin(), c.end(), DebtComponent::kSurcharge) == 1 &&
                        std::count(c.begin(), c.end(), DebtComponent::kCost) == 1;
  if (!complete) {
    return Error::invalid("allocation.components", "AllocationPolicyComponents",
                          "allocation.components: must list principal, surcharge and cost once "
                          "each, or a debt could stay open while money remains");
  }
  return {};
}

// Fills (debt, component) slots in order until the money runs out. Each
// slot is visited once, so no slot is filled twice.
class Filler {
 public:
  Filler(Money amount, std::span<const OpenDebt> debts) : left_(amount), debts_(debts) {}

  void fill(std::size_t debt, DebtComponent component) {
    const Money take = min(open_amount(debts_[debt], component), left_);
    if (!take.is_positive()) return;
    left_ = Money::from_cents(left_.cents() - take.cents());  // take <= left_
    out_.push_back({debt, component, take});
  }
  Money left() const { return left_; }
  std::vector<Allocation> take_allocations() { return std::move(out_); }

 private:
  Money left_;
  std::span<const OpenDebt> debts_;
  std::vector<Allocation> out_;
};

}  // namespace

Result<AllocationResult> allocate_payment(
    Money amount, const std::optional<StructuredCommunication>& communication,
    std::span<const OpenDebt> debts, const AllocationPolicy& policy) {
  if (!amount.is_positive()) {
    return Error::invalid("amount", "PaymentNotPositive",
                          "amount: a payment to allocate must be positive, got " + amount.format());
  }
  KASSA_TRY(check_policy(policy));
  for (const auto& debt : debts) {
    for (DebtComponent c : policy.components) {
      if (open_amount(debt, c).is_negative()) {
        return Error::invalid("debts", "MoneyNonNegative",
                              "debts: an open amount is negative (" +
                                  open_amount(debt, c).format() + ") in " + debt.quarter.format());
      }
    }
  }

  // Oldest quarter first; debts of the same quarter keep the caller's order.
  std::vector<std::size_t> order(debts.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return debts[a].quarter < debts[b].quarter;
  });
  // The notice named by the payment's communication goes first.
  if (policy.communication_first && communication) {
    std::stable_partition(order.begin(), order.end(),
                          [&](std::size_t i) { return debts[i].communication == communication; });
  }
  const auto named_end =
      policy.communication_first && communication
          ? std::find_if(order.begin(), order.end(),
                         [&](std::size_t i) { return debts[i].communication != communication; })
          : order.begin();

  Filler filler(amount, debts);
  for (auto it = order.begin(); it != named_end; ++it) {
    for (DebtComponent c : policy.components) filler.fill(*it, c);
  }
  if (policy.order == AllocationOrder::kQuarterFirst) {
    for (auto it = named_end; it != order.end(); ++it) {
      for (DebtComponent c : policy.components) filler.fill(*it, c);
    }
  } else {
    for (DebtComponent c : policy.components) {
      for (auto it = named_end; it != order.end(); ++it) filler.fill(*it, c);
    }
  }
  return AllocationResult{filler.take_allocations(), filler.left()};
}

}  // namespace kassa::domain
