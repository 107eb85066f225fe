#include "domain/person_views.h"

#include <algorithm>

#include "domain/aggregate.h"
#include "domain/schema_convert.h"

namespace kassa::domain {

std::string_view to_string(CollectionStage stage) {
  switch (stage) {
    case CollectionStage::kNone: return "none";
    case CollectionStage::kNotice: return "notice";
    case CollectionStage::kReminder: return "reminder";
    case CollectionStage::kFormalNotice: return "formal-notice";
    case CollectionStage::kContrainteServed: return "contrainte-served";
  }
  return "none";
}

std::string_view to_string(RequestStatus status) {
  switch (status) {
    case RequestStatus::kNone: return "none";
    case RequestStatus::kPending: return "pending";
    case RequestStatus::kGranted: return "granted";
    case RequestStatus::kRefused: return "refused";
  }
  return "none";
}

std::string_view to_string(PlanStatus status) {
  switch (status) {
    case PlanStatus::kNone: return "none";
    case PlanStatus::kRequested: return "requested";
    case PlanStatus::kGranted: return "granted";
    case PlanStatus::kRefused: return "refused";
    case PlanStatus::kBreached: return "breached";
  }
  return "none";
}

namespace {

std::optional<Date> stage_date(const DebtLine& line, CollectionStage stage) {
  switch (stage) {
    case CollectionStage::kNone: return std::nullopt;
    case CollectionStage::kNotice:
      return line.notice ? std::optional<Date>(line.notice->sent) : std::nullopt;
    case CollectionStage::kReminder: return line.reminder_sent;
    case CollectionStage::kFormalNotice: return line.formal_notice_sent;
    case CollectionStage::kContrainteServed: return line.contrainte_served;
  }
  return std::nullopt;
}

// The plan's status: a pending request, else the latest of the last plan's
// grant or breach and the last refusal; on one day, the decision made last
// (the order of `requests`).
struct PlanOf {
  PlanStatus status = PlanStatus::kNone;
  std::string ref;
  std::optional<Date> date;
  Money total;
};
PlanOf plan_of(const PersonState& s) {
  PlanOf out;
  if (const RequestRecord* request = s.pending_plan_request(); request != nullptr) {
    out.status = PlanStatus::kRequested;
    out.date = request->requested;
    out.total = request->amount;
    return out;
  }
  if (!s.plans.empty()) {
    const PaymentPlan& p = s.plans.back();
    out.status = p.breached ? PlanStatus::kBreached : PlanStatus::kGranted;
    out.ref = p.ref;
    out.date = p.breached ? p.breached_on : std::optional<Date>(p.granted);
    out.total = p.total;
  }
  const auto refused_last = [&] {
    for (auto r = s.requests.rbegin(); r != s.requests.rend(); ++r) {
      if (r->kind == RequestKind::kPaymentPlan && r->status != RequestStatus::kPending) {
        return r->status == RequestStatus::kRefused;
      }
    }
    return true;
  };
  if (s.plan_refused && (!out.date || *out.date < *s.plan_refused ||
                         (*out.date == *s.plan_refused && refused_last()))) {
    out = PlanOf{};
    out.status = PlanStatus::kRefused;
    out.date = s.plan_refused;
  }
  return out;
}

bool enforceable(const DebtLine& line) {
  return !line.cancelled && !line.dispensed && !line.contrainte_served && line.formal_notice_sent &&
         line.open_total().is_positive();
}

}  // namespace

DebtView debt_view(const PersonState& s) {
  DebtView v;
  for (const DebtLine* line : s.lines()) {
    DebtLineView l;
    l.debt = line->kind == DebtLineKind::kQuarterly ? DebtRef::of_quarter(line->quarter)
                                                    : DebtRef::regularisation(line->year);
    l.key = line->quarter;
    l.category = line->category;
    l.assessment = line->assessment;
    l.due = line->due;
    if (line->notice) {
      l.communication = line->notice->communication;
      l.notice_sent = line->notice->sent;
    }
    l.contribution = line->contribution;
    l.fees = line->fees;
    l.principal = line->principal();
    l.principal_paid = line->principal_paid;
    l.surcharges = line->charged_surcharges();
    l.surcharges_paid = line->surcharges_paid;
    l.costs = line->dispensed ? Money::zero() : line->costs;
    l.costs_paid = line->costs_paid;
    l.open_principal = line->open_principal();
    l.open_surcharges = line->open_surcharges();
    l.open_costs = line->open_costs();
    l.open_total = line->open_total();
    l.stage = line->current_stage();
    l.stage_date = stage_date(*line, l.stage);
    l.cancelled = line->cancelled;
    l.dispensed = line->dispensed;
    if (line->kind == DebtLineKind::kQuarterly) {
      if (const QuarterFacts* f = s.facts(line->quarter)) {
        l.dispense = f->dispense;
        l.waiver = f->waiver;
      }
    }
    if (line->formal_notice_sent &&
        (!v.last_formal_notice || *line->formal_notice_sent > *v.last_formal_notice)) {
      v.last_formal_notice = line->formal_notice_sent;
    }
    v.lines.push_back(std::move(l));
  }
  v.outstanding = s.total_open();
  v.credit = s.owed_to_member();
  v.balance = s.balance();
  v.stage = s.collection_stage();
  const PlanOf plan = plan_of(s);
  v.plan = plan.status;
  v.plan_ref = plan.ref;
  v.plan_date = plan.date;
  v.plan_total = plan.total;
  for (const Contest& c : s.contests) {
    if (!c.outcome) ++v.contests_pending;
    v.contest_cancelled = Money::from_cents(v.contest_cancelled.cents() + c.cancelled.cents());
  }
  v.personal_contact = s.personal_contacts_reached > 0;
  v.contraintes_served = static_cast<std::uint32_t>(s.contraintes_served);
  return v;
}

ContrainteOutlook contrainte_outlook(const PersonState& s) {
  ContrainteOutlook o;
  for (const DebtLine* line : s.lines()) {
    if (!enforceable(*line)) continue;
    const Date sent = *line->formal_notice_sent;
    if (!o.earliest_formal_notice || sent < *o.earliest_formal_notice)
      o.earliest_formal_notice = sent;
    if (!o.latest_formal_notice || sent > *o.latest_formal_notice) o.latest_formal_notice = sent;
  }
  o.payment_plan_respected = s.payment_plan_respected();
  o.contest_pending = s.contest_pending();
  o.history =
      s.any_contrainte_served() ? ContrainteHistory::kNotFirst : ContrainteHistory::kFirstEver;
  o.personal_contact_recorded = s.personal_contacts_reached > 0;
  return o;
}

ContrainteFacts contrainte_facts(const ContrainteOutlook& o, const ReminderPolicy& policy,
                                 Date on) {
  ContrainteFacts f{
      on,        o.latest_formal_notice,     o.payment_plan_respected, o.contest_pending,
      o.history, o.personal_contact_recorded};
  // A line is enforceable once its notice is old enough; the earliest
  // notice tells whether any is (the latest old-enough one passes the
  // same test).
  if (o.earliest_formal_notice &&
      on > o.earliest_formal_notice->plus_months(policy.contrainte_notice_age_months)) {
    f.formal_notice_sent = o.earliest_formal_notice;
  }
  return f;
}

Status may_serve_contrainte(const ContrainteOutlook& outlook, const ReminderPolicy& policy,
                            Date on) {
  return may_serve_contrainte(policy, contrainte_facts(outlook, policy, on));
}

std::optional<WorkListEntry> work_list_entry(const PersonState& s) {
  const CollectionStage stage = s.collection_stage();
  const Money outstanding = s.total_open();
  if (stage == CollectionStage::kNone || !outstanding.is_positive()) return std::nullopt;
  WorkListEntry e;
  e.stage = stage;
  e.outstanding = outstanding;
  e.outlook = contrainte_outlook(s);
  e.plan = plan_of(s).status;
  for (const Contest& c : s.contests) {
    if (!c.outcome) ++e.contests_pending;
  }
  return e;
}

namespace {

QuarterSituation situation_of(const PersonState& s, Quarter q, const DebtLine* line) {
  if (const QuarterFacts* f = s.facts(q)) {
    if (f->free_reason) {
      switch (*f->free_reason) {
        case schemas::FreeQuarterReason::Sickness: return QuarterSituation::kSickness;
        case schemas::FreeQuarterReason::Birth: return QuarterSituation::kMaternityFree;
        case schemas::FreeQuarterReason::BridgingRight:
          return QuarterSituation::kContinuedInsurance;
      }
    }
    if (f->dispense == RequestStatus::kGranted) return QuarterSituation::kDispensed;
  }
  if (line != nullptr && line->dispensed) return QuarterSituation::kDispensed;
  if (line != nullptr && line->primo_reduction.is_positive()) {
    return QuarterSituation::kPrimoStarterReduced;
  }
  return QuarterSituation::kNormal;
}

}  // namespace

std::vector<CareerQuarterView> career_view(const PersonState& s, const Rulebook& rulebook) {
  // The quarters with a contribution (not cancelled) or a right of their own.
  std::map<Quarter, CareerQuarterView> rows;
  for (const auto& [q, line] : s.quarter_lines) {
    const bool is_free = s.facts(q) != nullptr && s.facts(q)->free_reason.has_value();
    if (line.cancelled && !is_free) continue;
    CareerQuarterView& r = rows[q];
    r.quarter = q;
    r.category = line.category;
    r.situation = situation_of(s, q, &line);
    if (!line.cancelled) {
      r.contribution_due = line.contribution;
      r.contribution_paid = line.contribution_paid();
    }
  }
  for (const auto& [q, f] : s.quarter_facts) {
    if (!f.free_reason || rows.count(q) > 0) continue;
    CareerQuarterView& r = rows[q];
    r.quarter = q;
    r.category = s.category_in(q);
    r.situation = situation_of(s, q, nullptr);
  }
  // A regularised year: the final contributions are due, and the year's
  // payments (provisional quarters and supplement) count in quarter order.
  for (const auto& [year, fact] : s.regularisations) {
    if (fact.quarters.empty()) continue;
    std::int64_t pool = 0;
    for (const auto& [q, r] : rows) {
      if (q.year() == year) pool += r.contribution_paid.cents();
    }
    if (const DebtLine* supplement = s.find_regularisation(year)) {
      pool += supplement->contribution_paid().cents();
    }
    for (const RegularisedQuarter& rq : fact.quarters) {
      auto it = rows.find(rq.quarter);
      if (it == rows.end()) continue;
      CareerQuarterView& r = it->second;
      r.contribution_due = rq.contribution;
      const std::int64_t paid = std::min(pool, rq.contribution.cents());
      r.contribution_paid = Money::from_cents(std::max<std::int64_t>(paid, 0));
      pool -= r.contribution_paid.cents();
    }
  }
  std::vector<CareerQuarterView> out;
  out.reserve(rows.size());
  for (auto& [q, r] : rows) {
    CareerQuarterFacts facts{q, r.category, r.situation, max(r.contribution_due, Money::zero()),
                             max(r.contribution_paid, Money::zero())};
    auto status = career_status(rulebook, facts);
    r.status_known = status.ok();
    if (status.ok()) {
      r.status = status->status;
      r.reason = status->reason;
    }
    out.push_back(r);
  }
  return out;
}

namespace {

Money plus(Money a, Money b) { return Money::from_cents(a.cents() + b.cents()); }
Money minus(Money a, Money b) { return Money::from_cents(a.cents() - b.cents()); }

// Applies `op` (a checked add or subtract: false on overflow) to every
// figure of `a` with `b`'s; on an overflow `a` is left as it was.
template <typename Op>
Status combine(QuarterFigures& a, const QuarterFigures& b, Op op) {
  QuarterFigures out = a;
  bool ok = true;
  const auto n = [&](std::int64_t& x, std::int64_t y) { ok = ok && op(x, y); };
  const auto m = [&](Money& x, Money y) {
    std::int64_t cents = x.cents();
    n(cents, y.cents());
    x = Money::from_cents(cents);
  };
  for (std::size_t i = 0; i < out.assessed_by_category.size(); ++i) {
    n(out.assessed_by_category[i], b.assessed_by_category[i]);
  }
  n(out.cancelled_quarters, b.cancelled_quarters);
  m(out.contribution, b.contribution);
  m(out.fees, b.fees);
  m(out.cancelled, b.cancelled);
  m(out.principal_paid, b.principal_paid);
  m(out.principal_open, b.principal_open);
  m(out.surcharges, b.surcharges);
  m(out.surcharges_paid, b.surcharges_paid);
  n(out.dispensed_quarters, b.dispensed_quarters);
  m(out.dispensed, b.dispensed);
  n(out.payments, b.payments);
  m(out.collected, b.collected);
  m(out.company_contribution, b.company_contribution);
  m(out.company_paid, b.company_paid);
  m(out.company_open, b.company_open);
  if (!ok)
    return Error::violation("MoneyOverflow",
                            "a sum of quarter figures leaves the range of int64 cents");
  a = out;
  return {};
}

std::uint16_t yearly(int year) { return static_cast<std::uint16_t>(year * 10); }

}  // namespace

Status QuarterFigures::add(const QuarterFigures& o) {
  return combine(*this, o,
                 [](std::int64_t& x, std::int64_t y) { return !__builtin_add_overflow(x, y, &x); });
}

Status QuarterFigures::subtract(const QuarterFigures& o) {
  return combine(*this, o,
                 [](std::int64_t& x, std::int64_t y) { return !__builtin_sub_overflow(x, y, &x); });
}

Figures quarter_figures(const PersonState& s) {
  Figures out;
  const auto line_figures = [](QuarterFigures& f, const DebtLine& line) {
    if (line.cancelled) {
      ++f.cancelled_quarters;
      f.cancelled = plus(f.cancelled, plus(line.contribution, line.fees));
    } else {
      if (line.kind == DebtLineKind::kQuarterly) {
        ++f.assessed_by_category[static_cast<std::size_t>(line.category)];
      }
      f.contribution = plus(f.contribution, line.contribution);
      f.fees = plus(f.fees, line.fees);
    }
    f.principal_paid = plus(f.principal_paid, line.principal_paid);
    f.principal_open = plus(f.principal_open, line.open_principal());
    f.surcharges = plus(f.surcharges, line.charged_surcharges());
    f.surcharges_paid = plus(f.surcharges_paid, line.surcharges_paid);
    if (line.dispensed) {
      ++f.dispensed_quarters;
      const Money principal =
          max(minus(plus(line.contribution, line.fees), line.principal_paid), Money::zero());
      const Money costs = max(minus(line.costs, line.costs_paid), Money::zero());
      f.dispensed = plus(f.dispensed, plus(principal, plus(line.surcharges_dispensed, costs)));
    }
  };
  for (const auto& [q, line] : s.quarter_lines) line_figures(out[quarter_code(q)], line);
  for (const auto& [year, line] : s.regularisation_lines) line_figures(out[yearly(year)], line);
  for (const PaymentFact& p : s.payments) {
    QuarterFigures& f = out[quarter_code(Quarter::containing(p.value_date))];
    ++f.payments;
    f.collected = plus(f.collected, p.amount);
  }
  return out;
}

Figures quarter_figures(const CompanyState& s) {
  Figures out;
  for (const auto& [year, debt] : s.debts) {
    QuarterFigures& f = out[yearly(year)];
    f.company_contribution = plus(f.company_contribution, debt.amount);
    f.company_paid = plus(f.company_paid, debt.paid);
    f.company_open = plus(f.company_open, debt.open_principal());
  }
  for (const PaymentFact& p : s.payments) {
    QuarterFigures& f = out[quarter_code(Quarter::containing(p.value_date))];
    ++f.payments;
    f.collected = plus(f.collected, p.amount);
  }
  return out;
}

std::string_view to_string(RequestViewKind kind) {
  switch (kind) {
    case RequestViewKind::kPaymentPlan: return "payment-plan";
    case RequestViewKind::kWaiver: return "waiver";
    case RequestViewKind::kDispense: return "dispense";
    case RequestViewKind::kContest: return "contest";
    case RequestViewKind::kBenefit: return "benefit";
  }
  return "payment-plan";
}

namespace {

std::vector<Quarter> quarters_of_codes(const std::vector<std::uint16_t>& codes) {
  std::vector<Quarter> out;
  for (std::uint16_t c : codes) {
    if (auto q = quarter_from_code(c)) out.push_back(*q);
  }
  return out;
}

std::string_view contest_status(const Contest& c) {
  if (!c.outcome) return "pending";
  switch (*c.outcome) {
    case schemas::ContestOutcome::Upheld: return "upheld";
    case schemas::ContestOutcome::PartlyUpheld: return "partly-upheld";
    case schemas::ContestOutcome::Rejected: return "rejected";
    case schemas::ContestOutcome::Withdrawn: return "withdrawn";
  }
  return "pending";
}

}  // namespace

std::vector<RequestView> requests_view(const PersonState& state) {
  std::vector<RequestView> out;
  for (const RequestRecord& r : state.requests) {
    RequestView v;
    v.kind = r.kind == RequestKind::kPaymentPlan ? RequestViewKind::kPaymentPlan
             : r.kind == RequestKind::kWaiver    ? RequestViewKind::kWaiver
                                                 : RequestViewKind::kDispense;
    v.reference = r.decision_ref;
    v.quarters = quarters_of_codes(r.quarters);
    v.requested = r.requested;
    v.status = to_string(r.status);
    v.decided = r.decided;
    v.appeal = r.appeal;
    const bool relief = r.kind == RequestKind::kWaiver || r.kind == RequestKind::kDispense;
    // A pending waiver's amount is unknown (zero) once part of it was decided.
    const bool known = r.kind == RequestKind::kPaymentPlan ||
                       (r.kind == RequestKind::kWaiver && r.status == RequestStatus::kPending &&
                        r.amount.is_positive()) ||
                       (relief && r.status == RequestStatus::kGranted);
    if (known) v.amount = r.amount;
    if (r.kind == RequestKind::kPaymentPlan && r.status == RequestStatus::kGranted) {
      for (const PaymentPlan& plan : state.plans) {
        if (plan.ref == r.decision_ref && plan.breached) v.status = "breached";
      }
    }
    out.push_back(std::move(v));
  }
  for (const Contest& c : state.contests) {
    RequestView v;
    v.kind = RequestViewKind::kContest;
    v.reference = c.case_ref;
    v.quarters = quarters_of_codes(c.quarters);
    v.requested = c.filed;
    v.status = contest_status(c);
    v.decided = c.decided;
    v.amount = c.amount;
    out.push_back(std::move(v));
  }
  for (const Benefit& b : state.benefits) {
    RequestView v;
    v.kind = RequestViewKind::kBenefit;
    v.benefit = b.kind;
    v.reference = b.claim_ref;
    v.requested = b.claimed;
    v.status = b.status == BenefitStatus::kClaimed   ? "pending"
               : b.status == BenefitStatus::kGranted ? "granted"
                                                     : "refused";
    v.decided = b.decided;
    v.appeal = b.appeal;
    out.push_back(std::move(v));
  }
  std::stable_sort(out.begin(), out.end(), [](const RequestView& a, const RequestView& b) {
    return a.requested < b.requested;
  });
  return out;
}

}  // namespace kassa::domain
