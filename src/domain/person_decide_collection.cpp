// decide() for a person: payments and refunds, surcharges, reminders and
// enforcement, payment plans and contests.
#include <algorithm>
#include <set>

#include "domain/allocation.h"
#include "domain/enforcement.h"
#include "domain/person_decide_internal.h"
#include "domain/person_views.h"
#include "domain/surcharge.h"

namespace kassa::domain::person_decide {
namespace {

bool open_line(const DebtLine& line) { return !line.cancelled && !line.dispensed; }

SurchargeDebt surcharge_debt(const DebtLine& line) {
  return SurchargeDebt{
      line.kind == DebtLineKind::kQuarterly ? DebtKind::kProvisional : DebtKind::kRegularisation,
      line.quarter,
      line.principal(),
      line.grace,
      line.contrainte_served,
      line.due};
}

std::vector<std::uint16_t> unique_codes(const std::vector<const DebtLine*>& lines) {
  std::set<std::uint16_t> set;
  for (const auto* l : lines) set.insert(quarter_code(l->quarter));
  return {set.begin(), set.end()};
}

Money open_total(const std::vector<const DebtLine*>& lines) {
  Money total;
  for (const auto* l : lines) total = sum(total, l->open_total());
  return total;
}

}  // namespace

// ---- payments ------------------------------------------------------------------

Decision handle(const PersonState& s, const RecordPayment& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  if (ctx.business_date < c.value_date) {
    return Error::violation("ValueDateInFuture",
                            "value_date: " + c.value_date.format() + " is after the booking on " +
                                ctx.business_date.format(),
                            "value_date");
  }
  if (!c.amount.is_positive()) {
    return Error::invalid("amount", "PaymentNotPositive", "amount: a payment is above 0");
  }
  KASSA_TRY(require_plausible(c.amount, ctx.fund.plausibility.max_amount, "amount"));
  if (c.bank_ref.empty()) {
    return Error::invalid("bank_ref", "BankRefRequired", "bank_ref: needed for idempotent import");
  }
  if (s.bank_refs.count(c.bank_ref) > 0) {
    // Imported before: the same line again. With another amount it is not.
    for (const auto& p : s.payments) {
      if (p.bank_ref == c.bank_ref && p.amount != c.amount) {
        return Error::conflict("BankRefAmountDiffers",
                               "bank_ref: " + c.bank_ref + " was booked for " + p.amount.format() +
                                   " on " + p.value_date.format() + "; this one is " +
                                   c.amount.format(),
                               "bank_ref");
      }
    }
    return Events{};
  }
  if (c.communication && !c.other_member_communication_accepted) {
    const auto member = notice_member_number(*c.communication);
    if (member && *member != s.member_number) {
      return Error::conflict("CommunicationOfAnotherMember",
                             "communication: " + c.communication->display() +
                                 " is another member's notice; book it on that member, or say "
                                 "so explicitly (book_on_this_member)",
                             "communication");
    }
  }

  std::vector<const DebtLine*> lines;
  std::vector<OpenDebt> debts;
  for (const auto* line : s.lines()) {
    if (!open_line(*line) || line->open_total().is_zero()) continue;
    OpenDebt d{line->quarter, std::nullopt, line->open_principal(), line->open_surcharges(),
               line->open_costs()};
    if (line->notice) {
      auto parsed = StructuredCommunication::parse(line->notice->communication);
      if (parsed.ok()) d.communication = *parsed;
    }
    lines.push_back(line);
    debts.push_back(std::move(d));
  }
  auto result = allocate_payment(c.amount, c.communication, debts, ctx.fund.allocation);
  KASSA_TRY(result);

  Events events;
  schemas::PaymentReceivedT r;
  r.bank_ref = c.bank_ref;
  r.amount_cents = c.amount.cents();
  r.value_days = c.value_date.to_days();
  if (c.communication) r.structured_communication = c.communication->digits();
  r.channel = c.channel;
  auto received = make(c.value_date, std::move(r));
  received.personal = c.payer;
  events.push_back(std::move(received));

  schemas::PaymentAllocatedT a;
  // Principal: the contribution before the fees, as allocation lines.
  std::vector<std::int64_t> contribution_open(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    contribution_open[i] = std::max<std::int64_t>(
        0, lines[i]->contribution.cents() - lines[i]->principal_paid.cents());
  }
  for (const auto& alloc : result->allocations) {
    const DebtLine& line = *lines[alloc.debt];
    std::uint16_t code = quarter_code(line.quarter);
    bool quarterly = line.kind == DebtLineKind::kQuarterly;
    switch (alloc.component) {
      case DebtComponent::kPrincipal: {
        std::int64_t to_contribution =
            std::min(alloc.amount.cents(), contribution_open[alloc.debt]);
        contribution_open[alloc.debt] -= to_contribution;
        if (to_contribution > 0) {
          a.lines.emplace_back(
              code, quarterly ? schemas::DebtKind::Contribution : schemas::DebtKind::Regularisation,
              to_contribution);
        }
        if (alloc.amount.cents() > to_contribution) {
          a.lines.emplace_back(
              code, quarterly ? schemas::DebtKind::Fees : schemas::DebtKind::RegularisationFees,
              alloc.amount.cents() - to_contribution);
        }
        break;
      }
      case DebtComponent::kSurcharge:
        a.lines.emplace_back(code, schemas::DebtKind::Surcharge, alloc.amount.cents());
        break;
      case DebtComponent::kCost:
        a.lines.emplace_back(code, schemas::DebtKind::Costs, alloc.amount.cents());
        break;
    }
  }
  a.credit_cents = result->credit.cents();
  a.policy =
      ctx.fund.allocation.communication_first ? "communication-then-oldest.v1" : "oldest-first.v1";
  events.push_back(make(c.value_date, std::move(a)));
  return events;
}

// A reference names one payment: recorded again with the same amount it is
// "already recorded", with another amount a conflict naming both.
Status once_per_reference(const std::map<std::string, RecordedAmount>& recorded,
                          const std::string& ref, Money amount, const char* field,
                          const char* what) {
  auto it = recorded.find(ref);
  if (it == recorded.end()) return {};
  const std::string name = std::string(what);
  if (it->second.amount == amount) {
    return Error::conflict(name + "AlreadyRecorded",
                           std::string(field) + ": " + ref + " was recorded on " +
                               it->second.on.format() + " for " + amount.format() +
                               "; nothing is paid twice",
                           field);
  }
  return Error::conflict(name + "ReferenceConflict",
                         std::string(field) + ": " + ref + " was recorded for " +
                             it->second.amount.format() + " on " + it->second.on.format() +
                             "; this one is " + amount.format(),
                         field);
}

Decision handle(const PersonState& s, const IssueRefund& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  if (!c.amount.is_positive()) {
    return Error::invalid("amount", "RefundNotPositive", "amount: a refund is above 0");
  }
  KASSA_TRY(require_plausible(c.amount, ctx.fund.plausibility.max_amount, "amount"));
  if (c.refund_ref.empty()) {
    return Error::invalid("refund_ref", "RefundRefRequired",
                          "refund_ref: a refund needs its reference");
  }
  KASSA_TRY(once_per_reference(s.refunds_by_ref, c.refund_ref, c.amount, "refund_ref", "Refund"));
  if (!c.account && !s.has_account) {
    return Error::violation(
        "RefundAccountUnknown",
        "iban: the person registered no account; a refund needs the IBAN to pay to", "iban");
  }
  Money refundable = sum(max(s.credit, Money::zero()), s.refund_due);
  if (c.amount > refundable) {
    return Error::violation(
        "RefundExceedsCredit",
        "amount: " + c.amount.format() + " exceeds the refundable " + refundable.format(),
        "amount");
  }
  schemas::RefundIssuedT b;
  b.amount_cents = c.amount.cents();
  b.reason = c.reason;
  b.paid_days = ctx.business_date.to_days();
  b.refund_ref = c.refund_ref;
  auto e = make(ctx.business_date, std::move(b));
  if (c.account) {
    schemas::PersonalDataT account;
    account.iban = c.account->electronic();
    e.personal = std::move(account);
  }
  Events events;
  events.push_back(std::move(e));
  return events;
}

// ---- surcharges ----------------------------------------------------------------

Decision handle(const PersonState& s, const ApplyQuarterEndSurcharges& c,
                const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  Date quarter_end = c.quarter.last_day();
  if (ctx.business_date < quarter_end) {
    return Error::violation(
        "QuarterNotEnded",
        "the 3 % of " + c.quarter.format() + " applies on " + quarter_end.format(), "quarter");
  }
  Events events;
  for (const auto* line : s.lines()) {
    if (!open_line(*line) || line->has_quarterly_surcharge_on(quarter_end)) continue;
    auto surcharges =
        quarterly_surcharges(surcharge_debt(*line), line->principal_payments, quarter_end);
    KASSA_TRY(surcharges);
    for (const auto& sl : *surcharges) {
      if (sl.date != quarter_end) continue;
      schemas::SurchargeAppliedT b;
      b.kind = schemas::SurchargeKind::Quarterly3;
      b.quarter = quarter_code(line->quarter);
      b.year = static_cast<std::uint16_t>(line->year);
      b.applied_days = quarter_end.to_days();
      b.base_cents = sl.unpaid.cents();
      b.rate_bp = 300;
      b.amount_cents = sl.amount.cents();
      events.push_back(make(quarter_end, std::move(b), c.quarter));
    }
  }
  return events;
}

Decision handle(const PersonState& s, const ApplyYearEndSurcharge& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  auto first_january = Date::from_ymd(c.year + 1, 1, 1);
  KASSA_TRY(first_january);
  if (ctx.business_date < *first_january) {
    return Error::violation(
        "YearNotEnded",
        "the 7 % of " + std::to_string(c.year) + " applies on " + first_january->format(), "year");
  }
  // Not if a contrainte was served in that year (on any of the person's debts).
  std::optional<Date> contrainte;
  for (const auto* line : s.lines()) {
    if (line->contrainte_served && line->contrainte_served->year() == c.year) {
      contrainte = line->contrainte_served;
    }
  }
  Events events;
  for (const auto& [q, line] : s.quarter_lines) {
    if (!open_line(line) || line.yearly_surcharge_applied || !line.notice) continue;
    auto debt = surcharge_debt(line);
    if (contrainte) debt.contrainte_served = contrainte;
    auto sl = yearly_surcharge(c.year, debt, line.notice->sent, line.principal_payments);
    KASSA_TRY(sl);
    if (!*sl) continue;
    schemas::SurchargeAppliedT b;
    b.kind = schemas::SurchargeKind::Yearly7;
    b.quarter = quarter_code(q);
    b.year = static_cast<std::uint16_t>(c.year);
    b.applied_days = (*sl)->date.to_days();
    b.base_cents = (*sl)->unpaid.cents();
    b.rate_bp = 700;
    b.amount_cents = (*sl)->amount.cents();
    events.push_back(make((*sl)->date, std::move(b), q));
  }
  return events;
}

// ---- reminders and enforcement --------------------------------------------------

Decision handle(const PersonState& s, const RunReminders& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  const auto& policy = ctx.fund.reminders;
  std::vector<const DebtLine*> remind, formal;
  for (const auto* line : s.lines()) {
    if (!open_line(*line) || line->contrainte_served) continue;
    if (line->open_principal().is_positive() && !line->formal_notice_sent &&
        c.on >= formal_notice_date(policy, line->due)) {
      formal.push_back(line);
    } else if (line->open_principal().is_positive() && !line->reminder_sent &&
               !line->formal_notice_sent && c.on >= reminder_date(policy, line->due)) {
      remind.push_back(line);
    }
  }
  Events events;
  if (!remind.empty()) {
    schemas::ReminderSentT b;
    b.quarters = unique_codes(remind);
    b.amount_due_cents = open_total(remind).cents();
    b.sent_days = c.on.to_days();
    events.push_back(make(c.on, std::move(b)));
  }
  if (!formal.empty()) {
    schemas::FormalNoticeSentT b;
    b.quarters = unique_codes(formal);
    b.amount_due_cents = open_total(formal).cents();
    b.sent_days = c.on.to_days();
    b.respond_by_days = c.on.plus_months(1).to_days();
    events.push_back(make(c.on, std::move(b)));
  }
  return events;
}

Decision handle(const PersonState& s, const ServeContrainte& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  const auto& policy = ctx.fund.reminders;
  // The rule is judged on the person's outlook (person_views.h), as the
  // collection work list judges it; the contrainte covers the enforceable
  // lines whose formal notice is old enough.
  KASSA_TRY(may_serve_contrainte(contrainte_outlook(s), policy, c.on));
  std::vector<const DebtLine*> eligible;
  for (const auto* line : s.lines()) {
    if (!open_line(*line) || line->contrainte_served || !line->formal_notice_sent ||
        line->open_total().is_zero()) {
      continue;
    }
    if (c.on > line->formal_notice_sent->plus_months(policy.contrainte_notice_age_months)) {
      eligible.push_back(line);
    }
  }
  schemas::ContrainteServedT b;
  b.quarters = unique_codes(eligible);
  Money principal, surcharges, costs;
  for (const auto* line : eligible) {
    principal = sum(principal, line->open_principal());
    surcharges = sum(surcharges, line->open_surcharges());
    costs = sum(costs, line->open_costs());
  }
  b.principal_cents = principal.cents();
  b.surcharges_cents = surcharges.cents();
  b.costs_cents = costs.cents();
  b.served_days = c.on.to_days();
  b.bailiff_ref = c.bailiff_ref;
  b.first_ever = !s.any_contrainte_served();
  Events events;
  events.push_back(make(c.on, std::move(b)));
  return events;
}

Decision handle(const PersonState& s, const RecordPersonalContact& c, const DecisionContext&) {
  KASSA_TRY(require_registered(s));
  schemas::PersonalContactRecordedT b;
  b.contact_days = c.on.to_days();
  b.channel = c.channel;
  b.reached = c.reached;
  b.notes_ref = c.notes_ref;
  Events events;
  events.push_back(make(c.on, std::move(b)));
  return events;
}

// ---- payment plans (RG art. 46) -------------------------------------------------

Decision handle(const PersonState& s, const RequestPaymentPlan& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  KASSA_TRY(require_quarters(c.quarters));
  if (c.instalments == 0) {
    return Error::invalid("instalments", "InstalmentsRequired", "instalments: at least one");
  }
  if (s.pending_plan_request() != nullptr) {
    return Error::conflict("PaymentPlanRequestPending", "a payment plan request is pending");
  }
  Money amount;
  for (auto q : c.quarters) {
    for (const auto* line : s.lines()) {
      if (line->quarter == q && open_line(*line)) amount = sum(amount, line->open_total());
    }
  }
  if (amount.is_zero()) {
    return Error::violation("NothingOwed", "nothing is owed for the quarters named", "quarters");
  }
  schemas::PaymentPlanRequestedT b;
  b.requested_days = ctx.business_date.to_days();
  b.quarters = codes(c.quarters);
  b.proposed_instalments = c.instalments;
  b.amount_cents = amount.cents();
  Events events;
  events.push_back(make(ctx.business_date, std::move(b)));
  return events;
}

Decision handle(const PersonState& s, const GrantPaymentPlan& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  const RequestRecord* request = s.pending_plan_request();
  if (request == nullptr) {
    return Error::violation("NoPaymentPlanRequest", "no payment plan request is pending");
  }
  if (c.plan_ref.empty()) {
    return Error::invalid("plan_ref", "PlanRefRequired", "plan_ref: a plan needs a reference");
  }
  if (c.instalments.empty()) {
    return Error::invalid("instalments", "InstalmentsRequired", "instalments: at least one");
  }
  Money total;
  for (const auto& i : c.instalments) {
    if (!i.amount.is_positive()) {
      return Error::invalid("instalments", "InstalmentNotPositive", "an instalment is above 0");
    }
    KASSA_TRY(require_plausible(i.amount, ctx.fund.plausibility.max_amount, "instalments"));
    total = sum(total, i.amount);
  }
  if (total != request->amount) {
    return Error::violation(
        "InstalmentsDoNotMatchDebt",
        "instalments add up to " + total.format() + ", the request is " + request->amount.format(),
        "instalments");
  }
  schemas::PaymentPlanGrantedT b;
  b.plan_ref = c.plan_ref;
  b.granted_days = ctx.business_date.to_days();
  b.quarters = request->quarters;
  b.total_cents = total.cents();
  for (const auto& i : c.instalments) b.instalments.emplace_back(i.due.to_days(), i.amount.cents());
  Events events;
  events.push_back(make(ctx.business_date, std::move(b)));
  return events;
}

Decision handle(const PersonState& s, const RefusePaymentPlan& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  KASSA_TRY(check_appeal(c.appeal));
  if (s.pending_plan_request() == nullptr) {
    return Error::violation("NoPaymentPlanRequest", "no payment plan request is pending");
  }
  schemas::PaymentPlanRefusedT b;
  b.decided_days = ctx.business_date.to_days();
  b.appeal = to_schema(c.appeal);
  Events events;
  events.push_back(make(ctx.business_date, std::move(b)));
  return events;
}

Decision handle(const PersonState& s, const BreachPaymentPlan& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  auto it = std::find_if(s.plans.begin(), s.plans.end(),
                         [&](const PaymentPlan& p) { return p.ref == c.plan_ref; });
  if (it == s.plans.end()) {
    return Error::not_found("UnknownPaymentPlan", "no payment plan " + c.plan_ref, "plan_ref");
  }
  if (it->breached) return Events{};  // already broken
  KASSA_TRY(require_plausible(c.missed_amount, ctx.fund.plausibility.max_amount, "missed_amount"));
  schemas::PaymentPlanBreachedT b;
  b.plan_ref = c.plan_ref;
  b.missed_due_days = c.missed_due.to_days();
  b.missed_amount_cents = c.missed_amount.cents();
  b.breached_days = ctx.business_date.to_days();
  Events events;
  events.push_back(make(ctx.business_date, std::move(b)));
  return events;
}

// ---- contests ------------------------------------------------------------------

Decision handle(const PersonState& s, const FileContest& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  if (c.case_ref.empty()) {
    return Error::invalid("case_ref", "CaseRefRequired", "case_ref: a contest needs a reference");
  }
  KASSA_TRY(require_plausible(c.amount, ctx.fund.plausibility.max_amount, "amount"));
  for (const auto& contest : s.contests) {
    if (contest.case_ref == c.case_ref) {
      return Error::conflict("ContestAlreadyFiled", "contest " + c.case_ref + " exists",
                             "case_ref");
    }
  }
  schemas::ContestFiledT b;
  b.filed_days = ctx.business_date.to_days();
  b.quarters = codes(c.quarters);
  b.amount_cents = c.amount.cents();
  b.forum = c.forum;
  b.case_ref = c.case_ref;
  Events events;
  events.push_back(make(ctx.business_date, std::move(b)));
  return events;
}

Decision handle(const PersonState& s, const DecideContest& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  auto it = std::find_if(s.contests.begin(), s.contests.end(),
                         [&](const Contest& x) { return x.case_ref == c.case_ref; });
  if (it == s.contests.end()) {
    return Error::not_found("UnknownContest", "no contest " + c.case_ref, "case_ref");
  }
  if (it->outcome) {
    return Error::conflict("ContestAlreadyDecided", "contest " + c.case_ref + " is decided");
  }
  // A decision cancels what the contested quarters charge, no more.
  Money charged;
  for (std::uint16_t code : it->quarters) {
    for (const auto* line : s.lines()) {
      if (quarter_code(line->quarter) == code) charged = sum(charged, line->principal());
    }
  }
  if (c.cancelled > charged) {
    return Error::violation("ContestCancelsMoreThanCharged",
                            "cancelled: " + c.cancelled.format() +
                                " is more than the contested quarters charge (" + charged.format() +
                                ")",
                            "cancelled");
  }
  schemas::ContestDecidedT b;
  b.decided_days = ctx.business_date.to_days();
  b.outcome = c.outcome;
  b.cancelled_cents = c.cancelled.cents();
  b.case_ref = c.case_ref;
  Events events;
  events.push_back(make(ctx.business_date, std::move(b)));
  return events;
}

}  // namespace kassa::domain::person_decide
