#include "domain/snapshot.h"

#include <algorithm>
#include <memory>
#include <string>

#include "domain/schema_convert.h"
#include "schemas/state_generated.h"

namespace kassa::domain {
namespace {

namespace s = schemas;

std::uint16_t code(Quarter q) { return quarter_code(q); }
std::uint16_t u16(int v) { return static_cast<std::uint16_t>(v); }
std::int32_t days(const std::optional<Date>& d) { return d ? d->to_days() : 0; }

std::unique_ptr<s::AppealT> appeal_table(const std::optional<AppealInfo>& a) {
  return a ? to_schema(*a) : nullptr;
}
std::optional<Date> opt_date(std::int32_t d) {
  return d == 0 ? std::nullopt : std::optional<Date>(Date::from_days(d));
}
Money m(std::int64_t c) { return Money::from_cents(c); }

std::optional<AppealInfo> appeal_info(const std::unique_ptr<s::AppealT>& t) {
  return t ? std::optional<AppealInfo>(from_schema(*t)) : std::nullopt;
}
Date dt(std::int32_t d) { return Date::from_days(d); }

Error invalid(const std::string& what) {
  return Error::corrupt("SnapshotInvalid", "snapshot: " + what);
}

Result<Quarter> quarter(std::uint32_t c) {
  auto q = quarter_from_code(c);
  if (!q) return invalid("bad quarter code " + std::to_string(c));
  return *q;
}

// ---- to the object API --------------------------------------------------------

std::unique_ptr<s::NoticeStateT> to_t(const Notice& n) {
  auto t = std::make_unique<s::NoticeStateT>();
  t->kind = n.kind;
  t->quarter = n.quarter;
  t->year = u16(n.year);
  t->structured_communication = n.communication;
  t->amount_cents = n.amount.cents();
  t->sent_days = n.sent.to_days();
  t->due_days = n.due.to_days();
  return t;
}

Notice from_t(const s::NoticeStateT& t) {
  return {t.kind,          t.quarter,     t.year, t.structured_communication, m(t.amount_cents),
          dt(t.sent_days), dt(t.due_days)};
}

std::unique_ptr<s::DebtLineStateT> to_t(const DebtLine& l) {
  auto t = std::make_unique<s::DebtLineStateT>();
  t->regularisation = l.kind == DebtLineKind::kRegularisation;
  t->quarter = code(l.quarter);
  t->year = u16(l.year);
  t->category = to_schema(l.category);
  t->assessment = l.assessment;
  t->base_cents = l.base.cents();
  t->contribution_cents = l.contribution.cents();
  t->fees_cents = l.fees.cents();
  t->primo_reduction_cents = l.primo_reduction.cents();
  t->fee_rate_bp = l.fee_rate_bp;
  t->due_days = l.due.to_days();
  t->cancelled = l.cancelled;
  t->starter = l.starter;
  t->extra_quarter_grace = l.grace == StarterGrace::kExtraQuarter;
  if (l.notice) t->notice = to_t(*l.notice);
  t->principal_paid_cents = l.principal_paid.cents();
  for (const auto& p : l.principal_payments) {
    t->principal_payments.emplace_back(p.value_date.to_days(), p.amount.cents());
  }
  t->surcharges_applied_cents = l.surcharges_applied.cents();
  t->surcharges_reduced_cents = l.surcharges_reduced.cents();
  t->surcharges_waived_cents = l.surcharges_waived.cents();
  t->surcharges_paid_cents = l.surcharges_paid.cents();
  t->surcharges_dispensed_cents = l.surcharges_dispensed.cents();
  for (auto d : l.quarterly_surcharge_dates) t->quarterly_surcharge_days.push_back(d.to_days());
  t->yearly_surcharge_applied = l.yearly_surcharge_applied;
  t->costs_cents = l.costs.cents();
  t->costs_paid_cents = l.costs_paid.cents();
  t->stage = static_cast<std::uint8_t>(l.stage);
  t->reminder_days = days(l.reminder_sent);
  t->formal_notice_days = days(l.formal_notice_sent);
  t->contrainte_days = days(l.contrainte_served);
  t->dispensed = l.dispensed;
  t->principal_written_off_cents = l.principal_written_off.cents();
  return t;
}

Result<DebtLine> from_t(const s::DebtLineStateT& t) {
  DebtLine l;
  l.kind = t.regularisation ? DebtLineKind::kRegularisation : DebtLineKind::kQuarterly;
  auto q = quarter(t.quarter);
  KASSA_TRY(q);
  l.quarter = *q;
  l.year = t.year;
  l.category = from_schema(t.category);
  l.assessment = t.assessment;
  l.base = m(t.base_cents);
  l.contribution = m(t.contribution_cents);
  l.fees = m(t.fees_cents);
  l.primo_reduction = m(t.primo_reduction_cents);
  l.fee_rate_bp = t.fee_rate_bp;
  l.due = dt(t.due_days);
  l.cancelled = t.cancelled;
  l.starter = t.starter;
  l.grace = t.extra_quarter_grace ? StarterGrace::kExtraQuarter : StarterGrace::kNone;
  if (t.notice) l.notice = from_t(*t.notice);
  l.principal_paid = m(t.principal_paid_cents);
  for (const auto& p : t.principal_payments)
    l.principal_payments.push_back({dt(p.days()), m(p.cents())});
  l.surcharges_applied = m(t.surcharges_applied_cents);
  l.surcharges_reduced = m(t.surcharges_reduced_cents);
  l.surcharges_waived = m(t.surcharges_waived_cents);
  l.surcharges_paid = m(t.surcharges_paid_cents);
  l.surcharges_dispensed = m(t.surcharges_dispensed_cents);
  for (auto d : t.quarterly_surcharge_days) l.quarterly_surcharge_dates.push_back(dt(d));
  l.yearly_surcharge_applied = t.yearly_surcharge_applied;
  l.costs = m(t.costs_cents);
  l.costs_paid = m(t.costs_paid_cents);
  if (t.stage > static_cast<std::uint8_t>(CollectionStage::kContrainteServed)) {
    return invalid("bad collection stage");
  }
  l.stage = static_cast<CollectionStage>(t.stage);
  l.reminder_sent = opt_date(t.reminder_days);
  l.formal_notice_sent = opt_date(t.formal_notice_days);
  l.contrainte_served = opt_date(t.contrainte_days);
  l.dispensed = t.dispensed;
  l.principal_written_off = m(t.principal_written_off_cents);
  return l;
}

Result<RequestStatus> request_status(std::uint8_t v) {
  if (v > static_cast<std::uint8_t>(RequestStatus::kRefused)) return invalid("bad request status");
  return static_cast<RequestStatus>(v);
}

std::unique_ptr<s::PaymentStateT> to_t(const PaymentFact& p) {
  auto t = std::make_unique<s::PaymentStateT>();
  t->bank_ref = p.bank_ref;
  t->amount_cents = p.amount.cents();
  t->value_days = p.value_date.to_days();
  t->structured_communication = p.communication;
  t->channel = p.channel;
  return t;
}

PaymentFact from_t(const s::PaymentStateT& t) {
  return {t.bank_ref, m(t.amount_cents), dt(t.value_days), t.structured_communication, t.channel};
}

std::unique_ptr<s::PersonSnapshotT> to_t(const PersonState& st) {
  auto t = std::make_unique<s::PersonSnapshotT>();
  t->registered = st.registered;
  if (st.party_id) t->party_id = st.party_id->str();
  t->member_number = st.member_number;
  t->registered_days = st.registered_on.to_days();
  t->initial_category = to_schema(st.initial_category);
  t->starter = st.starter;
  t->affiliated_before_start = st.affiliated_before_start;
  t->previous_fund = st.previous_fund;
  for (const auto& p : st.periods) {
    auto pt = std::make_unique<s::PeriodStateT>();
    pt->start_days = p.start.to_days();
    pt->start_quarter = code(p.start_quarter);
    pt->end_days = days(p.end);
    pt->end_quarter = p.end_quarter ? code(*p.end_quarter) : 0;
    pt->end_reason = p.end_reason;
    t->periods.push_back(std::move(pt));
  }
  for (const auto& c : st.category_changes) {
    auto ct = std::make_unique<s::CategoryChangeStateT>();
    ct->from_quarter = code(c.from);
    ct->to = to_schema(c.to);
    t->category_changes.push_back(std::move(ct));
  }
  t->has_death = st.death.has_value();
  t->death_days = days(st.death);
  t->personal_data_erased = st.personal_data_erased;
  t->personal_data_changes = static_cast<std::uint32_t>(st.personal_data_changes);
  for (const auto& [year, i] : st.incomes) {
    auto it = std::make_unique<s::IncomeStateT>();
    it->year = u16(year);
    it->net_income_cents = i.net_income.cents();
    it->source = i.source;
    it->notified_days = i.notified.to_days();
    t->incomes.push_back(std::move(it));
  }
  for (const auto& [year, b] : st.provisional_bases) {
    auto bt = std::make_unique<s::BaseStateT>();
    bt->year = u16(year);
    bt->base_cents = b.base.cents();
    bt->basis = b.basis;
    bt->reason_code = b.reason_code;
    t->provisional_bases.push_back(std::move(bt));
  }
  for (const auto& [q, l] : st.quarter_lines) t->quarter_lines.push_back(to_t(l));
  for (const auto& [q, l] : st.regularisation_lines) t->regularisation_lines.push_back(to_t(l));
  for (const auto& [year, r] : st.regularisations) {
    auto rt = std::make_unique<s::RegularisationStateT>();
    rt->year = u16(year);
    rt->final_income_cents = r.final_income.cents();
    rt->provisional_contribution_cents = r.provisional_contribution.cents();
    rt->provisional_fees_cents = r.provisional_fees.cents();
    rt->final_contribution_cents = r.final_contribution.cents();
    rt->final_fees_cents = r.final_fees.cents();
    rt->difference_cents = r.difference.cents();
    rt->statement_days = r.statement.to_days();
    rt->due_days = r.due.to_days();
    for (const auto& q : r.quarters) {
      rt->quarters.emplace_back(code(q.quarter), q.contribution.cents(), q.fees.cents());
    }
    t->regularisations.push_back(std::move(rt));
  }
  for (const auto& [q, f] : st.quarter_facts) {
    auto ft = std::make_unique<s::QuarterFactsStateT>();
    ft->quarter = code(q);
    ft->free = f.free_reason.has_value();
    ft->free_reason = f.free_reason.value_or(s::FreeQuarterReason::Sickness);
    ft->waiver = static_cast<std::uint8_t>(f.waiver);
    ft->waiver_requested_days = days(f.waiver_requested);
    ft->dispense = static_cast<std::uint8_t>(f.dispense);
    ft->dispense_requested_days = days(f.dispense_requested);
    t->quarter_facts.push_back(std::move(ft));
  }
  for (const auto& n : st.notices) t->notices.push_back(to_t(n));
  t->notices_issued = st.notices_issued;
  for (const auto& p : st.payments) t->payments.push_back(to_t(p));
  t->credit_cents = st.credit.cents();
  t->refund_due_cents = st.refund_due.cents();
  t->refunded_cents = st.refunded.cents();
  t->costs_charged_cents = st.costs_charged.cents();
  for (const auto& p : st.plans) {
    auto pt = std::make_unique<s::PlanStateT>();
    pt->ref = p.ref;
    pt->granted_days = p.granted.to_days();
    pt->quarters = p.quarters;
    pt->total_cents = p.total.cents();
    for (const auto& [due, amount] : p.instalments) {
      pt->instalments.emplace_back(due.to_days(), amount.cents());
    }
    pt->breached = p.breached;
    pt->breached_days = days(p.breached_on);
    t->plans.push_back(std::move(pt));
  }
  if (const RequestRecord* request = st.pending_plan_request()) {
    t->plan_request = std::make_unique<s::PlanRequestStateT>();
    t->plan_request->requested_days = request->requested.to_days();
    t->plan_request->quarters = request->quarters;
    t->plan_request->instalments = request->proposed_instalments;
    t->plan_request->amount_cents = request->amount.cents();
  }
  for (const auto& c : st.contests) {
    auto ct = std::make_unique<s::ContestStateT>();
    ct->case_ref = c.case_ref;
    ct->filed_days = c.filed.to_days();
    ct->quarters = c.quarters;
    ct->amount_cents = c.amount.cents();
    ct->decided = c.outcome.has_value();
    ct->outcome = c.outcome.value_or(s::ContestOutcome::Upheld);
    ct->decided_days = days(c.decided);
    ct->cancelled_cents = c.cancelled.cents();
    t->contests.push_back(std::move(ct));
  }
  t->personal_contacts = static_cast<std::uint32_t>(st.personal_contacts);
  t->personal_contacts_reached = static_cast<std::uint32_t>(st.personal_contacts_reached);
  t->has_personal_contact = st.last_personal_contact.has_value();
  t->last_personal_contact_days = days(st.last_personal_contact);
  t->contraintes_served = static_cast<std::uint32_t>(st.contraintes_served);
  for (const auto& b : st.benefits) {
    auto bt = std::make_unique<s::BenefitStateT>();
    bt->kind = b.kind;
    bt->claim_ref = b.claim_ref;
    bt->claimed_days = b.claimed.to_days();
    bt->ground = b.ground;
    bt->has_event = b.event_date.has_value();
    bt->event_days = days(b.event_date);
    bt->status = static_cast<std::uint8_t>(b.status);
    bt->decided_days = days(b.decided);
    bt->start_days = days(b.start);
    bt->months = u16(b.months);
    bt->monthly_amount_cents = b.monthly_amount.cents();
    bt->family_charge = b.family_charge;
    bt->service_vouchers = u16(b.service_vouchers);
    bt->paid_cents = b.paid.cents();
    bt->appeal = appeal_table(b.appeal);
    t->benefits.push_back(std::move(bt));
  }
  for (const auto& r : st.requests) {
    auto rt = std::make_unique<s::RequestStateT>();
    rt->kind = static_cast<std::uint8_t>(r.kind);
    rt->requested_days = r.requested.to_days();
    rt->quarters = r.quarters;
    rt->status = static_cast<std::uint8_t>(r.status);
    rt->decided_days = days(r.decided);
    rt->decision_ref = r.decision_ref;
    rt->appeal = appeal_table(r.appeal);
    rt->amount_cents = r.amount.cents();
    t->requests.push_back(std::move(rt));
  }
  for (const auto& o : st.overpayments) {
    auto ot = std::make_unique<s::OverpaymentStateT>();
    ot->kind = o.kind;
    ot->amount_cents = o.amount.cents();
    ot->claimed_days = o.claimed.to_days();
    ot->reason_code = o.reason_code;
    t->overpayments.push_back(std::move(ot));
  }
  t->last_sequence = st.last_sequence;
  t->plan_refused_days = days(st.plan_refused);
  t->has_account = st.has_account;
  t->assess_from = st.assess_from ? code(*st.assess_from) : 0;
  for (const auto& [ref, r] : st.refunds_by_ref) {
    t->refunds_by_ref.push_back(std::make_unique<s::RecordedAmountStateT>());
    t->refunds_by_ref.back()->ref = ref;
    t->refunds_by_ref.back()->amount_cents = r.amount.cents();
    t->refunds_by_ref.back()->days = r.on.to_days();
  }
  for (const auto& [ref, r] : st.benefit_payments_by_ref) {
    t->benefit_payments_by_ref.push_back(std::make_unique<s::RecordedAmountStateT>());
    t->benefit_payments_by_ref.back()->ref = ref;
    t->benefit_payments_by_ref.back()->amount_cents = r.amount.cents();
    t->benefit_payments_by_ref.back()->days = r.on.to_days();
  }
  for (const auto& [year, y] : st.paid_by_year) {
    auto yt = std::make_unique<s::PaidInYearStateT>();
    yt->year = u16(year);
    yt->contributions_cents = y.contributions.cents();
    yt->fees_cents = y.fees.cents();
    yt->regularisation_cents = y.regularisation.cents();
    yt->surcharges_cents = y.surcharges.cents();
    yt->costs_cents = y.costs.cents();
    yt->refunded_cents = y.refunded.cents();
    t->paid_by_year.push_back(std::move(yt));
  }
  return t;
}

Result<PersonState> from_t(const s::PersonSnapshotT& t) {
  PersonState st;
  st.registered = t.registered;
  if (!t.party_id.empty()) {
    auto party = PartyId::parse(t.party_id);
    if (!party) return invalid("bad party_id");
    st.party_id = std::move(party).value();
  } else if (t.registered) {
    return invalid("a registered person without a party_id");
  }
  st.member_number = t.member_number;
  st.registered_on = dt(t.registered_days);
  st.initial_category = from_schema(t.initial_category);
  st.starter = t.starter;
  st.affiliated_before_start = t.affiliated_before_start;
  st.previous_fund = t.previous_fund;
  for (const auto& p : t.periods) {
    if (!p) return invalid("null period");
    auto sq = quarter(p->start_quarter);
    KASSA_TRY(sq);
    AffiliationPeriod period{dt(p->start_days), *sq, opt_date(p->end_days), std::nullopt,
                             p->end_reason};
    if (p->end_quarter != 0) {
      auto eq = quarter(p->end_quarter);
      KASSA_TRY(eq);
      period.end_quarter = *eq;
    }
    st.periods.push_back(period);
  }
  for (const auto& c : t.category_changes) {
    if (!c) return invalid("null category change");
    auto q = quarter(c->from_quarter);
    KASSA_TRY(q);
    st.category_changes.push_back({*q, from_schema(c->to)});
  }
  if (t.has_death) st.death = dt(t.death_days);
  st.personal_data_erased = t.personal_data_erased;
  st.personal_data_changes = static_cast<int>(t.personal_data_changes);
  for (const auto& i : t.incomes) {
    if (!i) return invalid("null income");
    st.incomes[i->year] = {m(i->net_income_cents), i->source, dt(i->notified_days)};
  }
  for (const auto& b : t.provisional_bases) {
    if (!b) return invalid("null base");
    st.provisional_bases[b->year] = {m(b->base_cents), b->basis, b->reason_code};
  }
  for (const auto& l : t.quarter_lines) {
    if (!l) return invalid("null line");
    auto line = from_t(*l);
    KASSA_TRY(line);
    st.quarter_lines[line->quarter] = *line;
  }
  for (const auto& l : t.regularisation_lines) {
    if (!l) return invalid("null line");
    auto line = from_t(*l);
    KASSA_TRY(line);
    st.regularisation_lines[line->year] = *line;
  }
  for (const auto& r : t.regularisations) {
    if (!r) return invalid("null regularisation");
    st.regularisations[r->year] = {r->year,
                                   m(r->final_income_cents),
                                   m(r->provisional_contribution_cents),
                                   m(r->provisional_fees_cents),
                                   m(r->final_contribution_cents),
                                   m(r->final_fees_cents),
                                   m(r->difference_cents),
                                   dt(r->statement_days),
                                   dt(r->due_days),
                                   {}};
    for (const auto& qa : r->quarters) {
      auto q = quarter(qa.quarter());
      KASSA_TRY(q);
      st.regularisations[r->year].quarters.push_back(
          {*q, m(qa.contribution_cents()), m(qa.fees_cents())});
    }
  }
  for (const auto& f : t.quarter_facts) {
    if (!f) return invalid("null quarter facts");
    auto q = quarter(f->quarter);
    KASSA_TRY(q);
    QuarterFacts facts;
    if (f->free) facts.free_reason = f->free_reason;
    auto waiver = request_status(f->waiver);
    KASSA_TRY(waiver);
    auto dispense = request_status(f->dispense);
    KASSA_TRY(dispense);
    facts.waiver = *waiver;
    facts.waiver_requested = opt_date(f->waiver_requested_days);
    facts.dispense = *dispense;
    facts.dispense_requested = opt_date(f->dispense_requested_days);
    st.quarter_facts[*q] = facts;
  }
  for (const auto& n : t.notices) {
    if (!n) return invalid("null notice");
    st.notices.push_back(from_t(*n));
  }
  st.notices_issued = t.notices_issued;
  for (const auto& p : t.payments) {
    if (!p) return invalid("null payment");
    st.payments.push_back(from_t(*p));
    if (!p->bank_ref.empty()) st.bank_refs.insert(p->bank_ref);
  }
  st.credit = m(t.credit_cents);
  st.refund_due = m(t.refund_due_cents);
  st.refunded = m(t.refunded_cents);
  st.costs_charged = m(t.costs_charged_cents);
  for (const auto& p : t.plans) {
    if (!p) return invalid("null plan");
    PaymentPlan plan;
    plan.ref = p->ref;
    plan.granted = dt(p->granted_days);
    plan.quarters = p->quarters;
    plan.total = m(p->total_cents);
    for (const auto& i : p->instalments) plan.instalments.emplace_back(dt(i.days()), m(i.cents()));
    plan.breached = p->breached;
    plan.breached_on = opt_date(p->breached_days);
    st.plans.push_back(std::move(plan));
  }
  for (const auto& c : t.contests) {
    if (!c) return invalid("null contest");
    Contest contest;
    contest.case_ref = c->case_ref;
    contest.filed = dt(c->filed_days);
    contest.quarters = c->quarters;
    contest.amount = m(c->amount_cents);
    if (c->decided) contest.outcome = c->outcome;
    contest.decided = opt_date(c->decided_days);
    contest.cancelled = m(c->cancelled_cents);
    st.contests.push_back(std::move(contest));
  }
  st.personal_contacts = static_cast<int>(t.personal_contacts);
  st.personal_contacts_reached = static_cast<int>(t.personal_contacts_reached);
  if (t.has_personal_contact) st.last_personal_contact = dt(t.last_personal_contact_days);
  st.contraintes_served = static_cast<int>(t.contraintes_served);
  for (const auto& b : t.benefits) {
    if (!b) return invalid("null benefit");
    if (b->status > static_cast<std::uint8_t>(BenefitStatus::kRefused)) {
      return invalid("bad benefit status");
    }
    Benefit benefit;
    benefit.kind = b->kind;
    benefit.claim_ref = b->claim_ref;
    benefit.claimed = dt(b->claimed_days);
    benefit.ground = b->ground;
    if (b->has_event) benefit.event_date = dt(b->event_days);
    benefit.status = static_cast<BenefitStatus>(b->status);
    benefit.decided = opt_date(b->decided_days);
    benefit.start = opt_date(b->start_days);
    benefit.months = b->months;
    benefit.monthly_amount = m(b->monthly_amount_cents);
    benefit.family_charge = b->family_charge;
    benefit.service_vouchers = b->service_vouchers;
    benefit.paid = m(b->paid_cents);
    benefit.appeal = appeal_info(b->appeal);
    st.benefits.push_back(std::move(benefit));
  }
  for (const auto& r : t.requests) {
    if (!r) return invalid("null request");
    if (r->kind > static_cast<std::uint8_t>(RequestKind::kDispense) ||
        r->status == static_cast<std::uint8_t>(RequestStatus::kNone) ||
        r->status > static_cast<std::uint8_t>(RequestStatus::kRefused)) {
      return invalid("bad request kind or status");
    }
    st.requests.push_back({static_cast<RequestKind>(r->kind), dt(r->requested_days), r->quarters,
                           static_cast<RequestStatus>(r->status), opt_date(r->decided_days),
                           r->decision_ref, appeal_info(r->appeal), m(r->amount_cents)});
  }
  // The pending plan request is one of the requests; the snapshot's own
  // table (kept so its encoding did not change) adds the instalments asked.
  if (t.plan_request) {
    auto request = std::find_if(st.requests.begin(), st.requests.end(), [](const RequestRecord& r) {
      return r.kind == RequestKind::kPaymentPlan && r.status == RequestStatus::kPending;
    });
    if (request == st.requests.end() || request->amount != m(t.plan_request->amount_cents) ||
        request->quarters != t.plan_request->quarters) {
      return invalid("a pending plan request that is not among the requests");
    }
    request->proposed_instalments = t.plan_request->instalments;
  } else if (st.pending_plan_request() != nullptr) {
    return invalid("a pending plan request without its table");
  }
  for (const auto& o : t.overpayments) {
    if (!o) return invalid("null overpayment");
    st.overpayments.push_back({o->kind, m(o->amount_cents), dt(o->claimed_days), o->reason_code});
  }
  st.last_sequence = t.last_sequence;
  st.plan_refused = opt_date(t.plan_refused_days);
  st.has_account = t.has_account;
  if (t.assess_from != 0) {
    auto from = quarter(t.assess_from);
    KASSA_TRY(from);
    st.assess_from = *from;
  }
  for (const auto& r : t.refunds_by_ref) {
    if (!r) return invalid("null refund");
    st.refunds_by_ref[r->ref] = {m(r->amount_cents), dt(r->days)};
  }
  for (const auto& r : t.benefit_payments_by_ref) {
    if (!r) return invalid("null benefit payment");
    st.benefit_payments_by_ref[r->ref] = {m(r->amount_cents), dt(r->days)};
  }
  for (const auto& y : t.paid_by_year) {
    if (!y) return invalid("null paid year");
    st.paid_by_year[y->year] = {m(y->contributions_cents),  m(y->fees_cents),
                                m(y->regularisation_cents), m(y->surcharges_cents),
                                m(y->costs_cents),          m(y->refunded_cents)};
  }
  return st;
}

std::vector<std::uint8_t> finish(s::StateSnapshotT& snapshot) {
  flatbuffers::FlatBufferBuilder fbb;
  fbb.Finish(s::StateSnapshot::Pack(fbb, &snapshot), s::StateSnapshotIdentifier());
  return {fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize()};
}

Result<std::unique_ptr<s::StateSnapshotT>> open(std::span<const std::uint8_t> bytes) {
  flatbuffers::Verifier verifier(bytes.data(), bytes.size());
  if (bytes.size() < 8 || !s::StateSnapshotBufferHasIdentifier(bytes.data()) ||
      !s::VerifyStateSnapshotBuffer(verifier)) {
    return invalid("not a verified KST1 buffer");
  }
  const auto* root = s::GetStateSnapshot(bytes.data());
  if (root->format_version() != kSnapshotFormatVersion) {
    return Error::corrupt("SnapshotVersion",
                          "snapshot format " + std::to_string(root->format_version()) +
                              ", this build reads " + std::to_string(kSnapshotFormatVersion));
  }
  return std::unique_ptr<s::StateSnapshotT>(root->UnPack());
}

std::unique_ptr<s::CompanySnapshotT> to_t(const CompanyState& st) {
  auto t = std::make_unique<s::CompanySnapshotT>();
  t->registered = st.registered;
  t->company_number = st.company_number;
  t->name = st.name;
  t->legal_form = st.legal_form;
  t->incorporation_days = st.incorporation.to_days();
  t->registered_days = st.registered_on.to_days();
  t->member_number = st.member_number;
  for (const auto& d : st.directors) {
    auto dt_ = std::make_unique<s::DirectorStateT>();
    dt_->party = d.party.str();
    dt_->from_days = d.from.to_days();
    dt_->removed = d.to.has_value();
    dt_->to_days = days(d.to);
    dt_->role = d.role;
    t->directors.push_back(std::move(dt_));
  }
  for (const auto& b : st.balance_sheets) {
    auto bt = std::make_unique<s::BalanceSheetStateT>();
    bt->financial_year_end_days = b.financial_year_end.to_days();
    bt->total_cents = b.total.cents();
    bt->reported_days = b.reported.to_days();
    t->balance_sheets.push_back(std::move(bt));
  }
  for (const auto& [year, d] : st.debts) {
    auto x = std::make_unique<s::CompanyDebtStateT>();
    x->year = u16(year);
    x->band = d.band;
    x->reference_total_cents = d.reference_total.cents();
    x->threshold_cents = d.threshold.cents();
    x->amount_cents = d.amount.cents();
    x->due_days = d.due.to_days();
    if (d.notice) x->notice = to_t(*d.notice);
    x->paid_cents = d.paid.cents();
    for (const auto& p : d.payments)
      x->payments.emplace_back(p.value_date.to_days(), p.amount.cents());
    x->surcharge_months = u16(d.surcharge_months);
    x->surcharges_applied_cents = d.surcharges_applied.cents();
    x->surcharges_paid_cents = d.surcharges_paid.cents();
    t->debts.push_back(std::move(x));
  }
  t->notices_issued = st.notices_issued;
  for (const auto& p : st.payments) t->payments.push_back(to_t(p));
  t->credit_cents = st.credit.cents();
  t->refunded_cents = st.refunded.cents();
  t->last_sequence = st.last_sequence;
  return t;
}

Result<CompanyState> from_t(const s::CompanySnapshotT& t) {
  CompanyState st;
  st.registered = t.registered;
  st.company_number = t.company_number;
  st.name = t.name;
  st.legal_form = t.legal_form;
  st.incorporation = dt(t.incorporation_days);
  st.registered_on = dt(t.registered_days);
  st.member_number = t.member_number;
  for (const auto& d : t.directors) {
    if (!d) return invalid("null director");
    auto party = PartyId::parse(d->party);
    if (!party) return invalid("bad director party");
    st.directors.push_back({std::move(party).value(), dt(d->from_days),
                            d->removed ? std::optional<Date>(dt(d->to_days)) : std::nullopt,
                            d->role});
  }
  for (const auto& b : t.balance_sheets) {
    if (!b) return invalid("null balance sheet");
    st.balance_sheets.push_back(
        {dt(b->financial_year_end_days), m(b->total_cents), dt(b->reported_days)});
  }
  for (const auto& x : t.debts) {
    if (!x) return invalid("null company debt");
    CompanyDebt d;
    d.year = x->year;
    d.band = x->band;
    d.reference_total = m(x->reference_total_cents);
    d.threshold = m(x->threshold_cents);
    d.amount = m(x->amount_cents);
    d.due = dt(x->due_days);
    if (x->notice) d.notice = from_t(*x->notice);
    d.paid = m(x->paid_cents);
    for (const auto& p : x->payments) d.payments.push_back({dt(p.days()), m(p.cents())});
    d.surcharge_months = x->surcharge_months;
    d.surcharges_applied = m(x->surcharges_applied_cents);
    d.surcharges_paid = m(x->surcharges_paid_cents);
    st.debts[d.year] = std::move(d);
  }
  st.notices_issued = t.notices_issued;
  for (const auto& p : t.payments) {
    if (!p) return invalid("null payment");
    st.payments.push_back(from_t(*p));
    if (!p->bank_ref.empty()) st.bank_refs.insert(p->bank_ref);
  }
  st.credit = m(t.credit_cents);
  st.refunded = m(t.refunded_cents);
  st.last_sequence = t.last_sequence;
  return st;
}

}  // namespace

std::vector<std::uint8_t> serialize(const CompanyState& state) {
  s::StateSnapshotT snapshot;
  snapshot.format_version = kSnapshotFormatVersion;
  snapshot.company = to_t(state);
  return finish(snapshot);
}

Result<CompanyState> deserialize_company(std::span<const std::uint8_t> bytes) {
  auto snapshot = open(bytes);
  KASSA_TRY(snapshot);
  if (!(*snapshot)->company) {
    return Error::corrupt("SnapshotKind", "the snapshot holds no company state");
  }
  return from_t(*(*snapshot)->company);
}

std::vector<std::uint8_t> serialize(const PersonState& state) {
  s::StateSnapshotT snapshot;
  snapshot.format_version = kSnapshotFormatVersion;
  snapshot.person = to_t(state);
  return finish(snapshot);
}

Result<PersonState> deserialize_person(std::span<const std::uint8_t> bytes) {
  auto snapshot = open(bytes);
  KASSA_TRY(snapshot);
  if (!(*snapshot)->person) {
    return Error::corrupt("SnapshotKind", "the snapshot holds no person state");
  }
  return from_t(*(*snapshot)->person);
}

}  // namespace kassa::domain
