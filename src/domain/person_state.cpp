#include "domain/person_state.h"

#include <algorithm>
#include <string_view>

#include "domain/schema_convert.h"

namespace kassa::domain {

// ---- DebtLine ---------------------------------------------------------------

Money DebtLine::principal() const {
  if (cancelled || dispensed) return Money::zero();
  return max(Money::from_cents(contribution.cents() + fees.cents() - principal_written_off.cents()),
             Money::zero());
}

Money DebtLine::open_principal() const {
  return max(Money::from_cents(principal().cents() - principal_paid.cents()), Money::zero());
}

Money DebtLine::charged_surcharges() const {
  return Money::from_cents(surcharges_applied.cents() - surcharges_reduced.cents() -
                           surcharges_waived.cents() - surcharges_dispensed.cents());
}

Money DebtLine::open_surcharges() const {
  return max(Money::from_cents(charged_surcharges().cents() - surcharges_paid.cents()),
             Money::zero());
}

Money DebtLine::open_costs() const {
  if (dispensed) return Money::zero();
  return max(Money::from_cents(costs.cents() - costs_paid.cents()), Money::zero());
}

Money DebtLine::open_total() const {
  return Money::from_cents(open_principal().cents() + open_surcharges().cents() +
                           open_costs().cents());
}

Money DebtLine::contribution_paid() const {
  return max(min(principal_paid, contribution), Money::zero());
}

CollectionStage DebtLine::current_stage() const {
  return open_total().is_zero() ? CollectionStage::kNone : stage;
}

bool DebtLine::has_quarterly_surcharge_on(Date quarter_end) const {
  return std::find(quarterly_surcharge_dates.begin(), quarterly_surcharge_dates.end(),
                   quarter_end) != quarterly_surcharge_dates.end();
}

// ---- PersonState queries ----------------------------------------------------

Category PersonState::category_in(Quarter q) const {
  Category category = initial_category;
  for (const auto& change : category_changes) {
    if (change.from <= q) category = change.to;
  }
  return category;
}

bool PersonState::affiliated_in(Quarter q) const {
  if (!registered) return false;
  if (death && Quarter::containing(*death) < q) return false;
  for (const auto& period : periods) {
    if (q < period.start_quarter) continue;
    if (period.end_quarter && *period.end_quarter < q) continue;
    return true;
  }
  return false;
}

int PersonState::affiliated_quarters(int year) const {
  int n = 0;
  for (int i = 1; i <= 4; ++i) {
    auto q = Quarter::of(year, i);
    if (q.ok() && affiliated_in(*q)) ++n;
  }
  return n;
}

bool PersonState::contribution_due(Quarter q) const {
  if (!affiliated_in(q)) return false;
  if (death && Quarter::containing(*death) == q) return false;
  const auto* f = facts(q);
  return f == nullptr || !f->free_reason.has_value();
}

std::optional<Quarter> PersonState::start_quarter() const {
  if (periods.empty()) return std::nullopt;
  return periods.front().start_quarter;
}

Quarter first_chargeable_quarter(Quarter start, std::optional<Quarter> assess_from,
                                 Date business_date) {
  Quarter first = start;
  if (assess_from && *assess_from > first) first = *assess_from;
  const Quarter now = Quarter::containing(business_date);
  const Quarter prescribed_before = now.plus(-(kPrescriptionYears * 4) - (now.number() - 1));
  return std::max(first, prescribed_before);
}

std::optional<Quarter> PersonState::first_chargeable_quarter(Date business_date) const {
  auto start = start_quarter();
  if (!start) return std::nullopt;
  return domain::first_chargeable_quarter(*start, assess_from, business_date);
}

std::vector<Quarter> PersonState::unassessed_quarters(Quarter up_to, Date business_date) const {
  std::vector<Quarter> out;
  auto first = first_chargeable_quarter(business_date);
  if (!first) return out;
  for (Quarter q = *first; q <= up_to; q = q.next()) {
    // The cheap test first: almost every past quarter has its line.
    auto it = quarter_lines.find(q);
    if (it != quarter_lines.end() && !it->second.cancelled) continue;
    if (contribution_due(q)) out.push_back(q);
  }
  return out;
}

std::optional<Quarter> PersonState::last_assessed_quarter() const {
  for (auto it = quarter_lines.rbegin(); it != quarter_lines.rend(); ++it) {
    if (!it->second.cancelled) return it->first;
  }
  return std::nullopt;
}

const RequestRecord* PersonState::pending_plan_request() const {
  for (const RequestRecord& r : requests) {
    if (r.kind == RequestKind::kPaymentPlan && r.status == RequestStatus::kPending) return &r;
  }
  return nullptr;
}

std::vector<const DebtLine*> PersonState::lines() const {
  std::vector<const DebtLine*> out;
  out.reserve(quarter_lines.size() + regularisation_lines.size());
  for (const auto& [q, line] : quarter_lines) out.push_back(&line);
  for (const auto& [q, line] : regularisation_lines) out.push_back(&line);
  std::stable_sort(out.begin(), out.end(), [](const DebtLine* a, const DebtLine* b) {
    if (a->quarter != b->quarter) return a->quarter < b->quarter;
    if (a->kind != b->kind) return a->kind == DebtLineKind::kQuarterly;
    return a->year < b->year;
  });
  return out;
}

std::vector<DebtLine*> PersonState::lines_for(Quarter key) {
  std::vector<DebtLine*> out;
  if (auto it = quarter_lines.find(key); it != quarter_lines.end()) out.push_back(&it->second);
  for (auto& [year, line] : regularisation_lines) {
    if (line.quarter == key) out.push_back(&line);
  }
  return out;
}

const DebtLine* PersonState::find_line(DebtLineKind kind, Quarter key) const {
  if (kind == DebtLineKind::kQuarterly) {
    auto it = quarter_lines.find(key);
    return it == quarter_lines.end() ? nullptr : &it->second;
  }
  for (const auto& [year, line] : regularisation_lines) {
    if (line.quarter == key) return &line;
  }
  return nullptr;
}

const DebtLine* PersonState::find_regularisation(int year) const {
  auto it = regularisation_lines.find(year);
  return it == regularisation_lines.end() ? nullptr : &it->second;
}

Money PersonState::total_open() const {
  std::int64_t total = 0;
  for (const auto* line : lines()) total += line->open_total().cents();
  return Money::from_cents(total);
}

Money PersonState::owed_to_member() const {
  return Money::from_cents(credit.cents() + refund_due.cents());
}

Money PersonState::balance() const {
  return Money::from_cents(total_open().cents() - owed_to_member().cents());
}

CollectionStage PersonState::collection_stage() const {
  CollectionStage top = CollectionStage::kNone;
  for (const auto* line : lines()) {
    const CollectionStage s = line->current_stage();
    if (s > top) top = s;
  }
  return top;
}

Money PaidInYear::deductible() const {
  return Money::from_cents(contributions.cents() + fees.cents() + regularisation.cents() -
                           refunded.cents());
}

Money PaidInYear::total_paid() const {
  return Money::from_cents(contributions.cents() + fees.cents() + regularisation.cents() +
                           surcharges.cents() + costs.cents());
}

bool PersonState::contest_pending() const {
  return std::any_of(contests.begin(), contests.end(),
                     [](const Contest& c) { return !c.outcome.has_value(); });
}

bool PersonState::payment_plan_respected() const {
  return std::any_of(plans.begin(), plans.end(), [](const PaymentPlan& p) { return !p.breached; });
}

const QuarterFacts* PersonState::facts(Quarter q) const {
  auto it = quarter_facts.find(q);
  return it == quarter_facts.end() ? nullptr : &it->second;
}

const Benefit* PersonState::find_benefit(const std::string& claim_ref) const {
  for (const auto& b : benefits) {
    if (b.claim_ref == claim_ref) return &b;
  }
  return nullptr;
}

}  // namespace kassa::domain
