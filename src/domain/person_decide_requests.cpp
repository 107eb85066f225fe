// decide() for a person: waivers (RG art. 48), dispenses (AR 38 art. 17) and
// benefits (DOMAIN §9).
#include <algorithm>

#include "domain/person_decide_internal.h"
#include "domain/rate.h"

namespace kassa::domain::person_decide {
namespace {

std::vector<const DebtLine*> lines_of(const PersonState& s, Quarter q) {
  std::vector<const DebtLine*> out;
  for (const auto* line : s.lines()) {
    if (line->quarter == q && !line->cancelled) out.push_back(line);
  }
  return out;
}

Status require_pending(const PersonState& s, const std::vector<Quarter>& quarters,
                       RequestStatus QuarterFacts::*field, const char* rule, const char* what) {
  KASSA_TRY(require_quarters(quarters));
  for (auto q : quarters) {
    const auto* f = s.facts(q);
    if (f == nullptr || f->*field != RequestStatus::kPending) {
      return Error::violation(rule, std::string("no pending ") + what + " for " + q.format(),
                              "quarters");
    }
  }
  return {};
}

Benefit const* claim(const PersonState& s, const std::string& ref) { return s.find_benefit(ref); }

Status require_claimed(const Benefit* b, const std::string& ref) {
  if (b == nullptr) return Error::not_found("UnknownClaim", "no claim " + ref, "claim_ref");
  if (b->status != BenefitStatus::kClaimed) {
    return Error::conflict("ClaimAlreadyDecided", "claim " + ref + " is already decided",
                           "claim_ref");
  }
  return {};
}

}  // namespace

// ---- waivers -------------------------------------------------------------------

Decision handle(const PersonState& s, const RequestWaiver& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  KASSA_TRY(require_quarters(c.quarters));
  Money surcharges;
  for (auto q : c.quarters) {
    const auto* f = s.facts(q);
    if (f != nullptr && f->waiver == RequestStatus::kPending) {
      return Error::conflict("WaiverAlreadyRequested",
                             "a waiver request for " + q.format() + " is pending", "quarters");
    }
    auto lines = lines_of(s, q);
    if (lines.empty()) {
      return Error::violation("NothingToWaive", "no contribution for " + q.format(), "quarters");
    }
    for (const auto* line : lines) {
      // RG art. 48: admissible only once the quarter's principal is paid.
      if (!line->principal_settled()) {
        return Error::violation(
            "QuarterPrincipalUnpaid",
            "a waiver for " + q.format() + " is admissible once its contribution and fees are paid",
            "quarters");
      }
      surcharges = sum(surcharges, line->open_surcharges());
    }
  }
  if (surcharges.is_zero()) {
    return Error::violation("NothingToWaive", "no open surcharges on the quarters named",
                            "quarters");
  }
  schemas::WaiverRequestedT b;
  b.quarters = codes(c.quarters);
  b.requested_days = ctx.business_date.to_days();
  b.ground = c.ground;
  b.surcharges_cents = surcharges.cents();
  Events events;
  events.push_back(make(ctx.business_date, std::move(b)));
  return events;
}

Decision handle(const PersonState& s, const GrantWaiver& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  KASSA_TRY(require_pending(s, c.quarters, &QuarterFacts::waiver, "NoPendingWaiver", "waiver"));
  if (c.share_bp == 0 || c.share_bp > 10000) {
    return Error::invalid("share_bp", "WaiverShareRange", "share_bp: 1..10000");
  }
  Rate share = Rate::from_hundredths_of_percent(c.share_bp);
  Events waived;
  Money total;
  for (auto q : c.quarters) {
    for (const auto* line : lines_of(s, q)) {
      if (line->open_surcharges().is_zero()) continue;
      auto amount = apply(line->open_surcharges(), share);
      KASSA_TRY(amount);
      if (amount->is_zero()) continue;
      total = sum(total, *amount);
      schemas::SurchargeWaivedT w;
      w.kind = schemas::SurchargeKind::Quarterly3;
      w.quarter = quarter_code(q);
      w.year = static_cast<std::uint16_t>(line->year);
      w.amount_cents = amount->cents();
      waived.push_back(make(ctx.business_date, std::move(w), q));
    }
  }
  schemas::WaiverGrantedT b;
  b.quarters = codes(c.quarters);
  b.decided_days = ctx.business_date.to_days();
  b.amount_cents = total.cents();
  b.rate_bp = c.share_bp;
  b.decision_ref = c.decision_ref;
  Events events;
  events.push_back(make(ctx.business_date, std::move(b)));
  for (auto& e : waived) events.push_back(std::move(e));
  return events;
}

Decision handle(const PersonState& s, const RefuseWaiver& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  KASSA_TRY(check_appeal(c.appeal));
  KASSA_TRY(require_pending(s, c.quarters, &QuarterFacts::waiver, "NoPendingWaiver", "waiver"));
  schemas::WaiverRefusedT b;
  b.quarters = codes(c.quarters);
  b.decided_days = ctx.business_date.to_days();
  b.decision_ref = c.decision_ref;
  b.appeal = to_schema(c.appeal);
  Events events;
  events.push_back(make(ctx.business_date, std::move(b)));
  return events;
}

// ---- dispenses -----------------------------------------------------------------

Decision handle(const PersonState& s, const RequestDispense& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  KASSA_TRY(require_quarters(c.quarters));
  for (auto q : c.quarters) {
    if (!is_main_occupation(s.category_in(q))) {
      return Error::violation("DispenseMainOccupationOnly",
                              "a dispense is for main-occupation categories; " + q.format() +
                                  " is " + std::string(to_string(s.category_in(q))),
                              "quarters");
    }
    // Within 12 months from the first day of the quarter after the quarter.
    Date limit = q.next().first_day().plus_months(12);
    if (!(ctx.business_date < limit)) {
      return Error::violation(
          "DispenseRequestTooLate",
          "a dispense for " + q.format() + " had to be requested before " + limit.format(),
          "quarters");
    }
    const auto* f = s.facts(q);
    if (f != nullptr &&
        (f->dispense == RequestStatus::kPending || f->dispense == RequestStatus::kGranted)) {
      return Error::conflict("DispenseAlreadyRequested",
                             "a dispense for " + q.format() + " is pending or granted", "quarters");
    }
  }
  schemas::DispenseRequestedT b;
  b.quarters = codes(c.quarters);
  b.requested_days = ctx.business_date.to_days();
  Events events;
  events.push_back(make(ctx.business_date, std::move(b)));
  return events;
}

Decision handle(const PersonState& s, const GrantDispense& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  KASSA_TRY(
      require_pending(s, c.quarters, &QuarterFacts::dispense, "NoPendingDispense", "dispense"));
  Money amount;
  for (auto q : c.quarters) {
    if (auto it = s.quarter_lines.find(q); it != s.quarter_lines.end() && !it->second.cancelled) {
      amount = sum(amount, it->second.open_total());
    }
  }
  schemas::DispenseGrantedT b;
  b.quarters = codes(c.quarters);
  b.decided_days = ctx.business_date.to_days();
  b.amount_cents = amount.cents();
  b.decision_ref = c.decision_ref;
  Events events;
  events.push_back(make(ctx.business_date, std::move(b)));
  return events;
}

Decision handle(const PersonState& s, const RefuseDispense& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  KASSA_TRY(check_appeal(c.appeal));
  KASSA_TRY(
      require_pending(s, c.quarters, &QuarterFacts::dispense, "NoPendingDispense", "dispense"));
  schemas::DispenseRefusedT b;
  b.quarters = codes(c.quarters);
  b.decided_days = ctx.business_date.to_days();
  b.decision_ref = c.decision_ref;
  b.appeal = to_schema(c.appeal);
  Events events;
  events.push_back(make(ctx.business_date, std::move(b)));
  return events;
}

// ---- benefits --------------------------------------------------------------------

Decision handle(const PersonState& s, const ClaimBenefit& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  if (c.claim_ref.empty()) {
    return Error::invalid("claim_ref", "ClaimRefRequired", "claim_ref: a claim needs a reference");
  }
  if (claim(s, c.claim_ref) != nullptr) {
    return Error::conflict("ClaimAlreadyFiled", "claim " + c.claim_ref + " exists", "claim_ref");
  }
  if (c.kind == schemas::BenefitKind::BridgingRight &&
      c.ground == schemas::BridgingGround::NotApplicable) {
    return Error::invalid("ground", "BridgingGroundRequired",
                          "ground: the bridging right needs a ground (bankruptcy, ...)");
  }
  if (c.event_date && ctx.business_date < *c.event_date) {
    return Error::violation("EventDateInFuture",
                            "event_date: " + c.event_date->format() + " is after the claim's " +
                                ctx.business_date.format(),
                            "event_date");
  }
  schemas::BenefitClaimedT b;
  b.kind = c.kind;
  b.claimed_days = ctx.business_date.to_days();
  b.ground = c.ground;
  b.event_days = c.event_date ? c.event_date->to_days() : 0;
  b.claim_ref = c.claim_ref;
  Events events;
  events.push_back(make(ctx.business_date, std::move(b)));
  return events;
}

Decision handle(const PersonState& s, const GrantBenefit& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  const Benefit* b = claim(s, c.claim_ref);
  KASSA_TRY(require_claimed(b, c.claim_ref));
  schemas::BenefitGrantedT g;
  g.kind = b->kind;
  g.decided_days = ctx.business_date.to_days();
  g.start_days = c.start.to_days();
  g.claim_ref = c.claim_ref;
  Events events;
  if (b->kind == schemas::BenefitKind::BridgingRight) {
    int quarters = quarters_of_contributions(s);
    int months = bridging_right_months(quarters);
    if (months == 0) {
      return Error::violation("BridgingRightInsufficientQuarters",
                              "the bridging right needs 8 quarters of contributions; there are " +
                                  std::to_string(quarters));
    }
    Money monthly =
        c.monthly_amount.value_or(c.family_charge ? kBridgingMonthlyFamily : kBridgingMonthly);
    if (!monthly.is_positive()) {
      return Error::invalid("monthly_amount", "MonthlyAmountNotPositive", "monthly_amount > 0");
    }
    KASSA_TRY(require_plausible(monthly, ctx.fund.plausibility.max_amount, "monthly_amount"));
    g.months = static_cast<std::uint8_t>(months);
    g.monthly_amount_cents = monthly.cents();
    g.family_charge = c.family_charge;
    events.push_back(make(ctx.business_date, std::move(g)));
    // A forced interruption: the quarters covered are contribution-free.
    if (b->ground == schemas::BridgingGround::ForcedInterruption) {
      Quarter first = Quarter::containing(c.start);
      Quarter last = Quarter::containing(c.start.plus_months(months).plus_days(-1));
      for (Quarter q = first; q <= last; q = q.next()) {
        const auto* f = s.facts(q);
        if (!s.affiliated_in(q) || (f != nullptr && f->free_reason)) continue;
        schemas::ContributionFreeQuarterGrantedT free;
        free.quarter = quarter_code(q);
        free.reason = schemas::FreeQuarterReason::BridgingRight;
        free.granted_days = ctx.business_date.to_days();
        free.proactive = true;
        events.push_back(make(ctx.business_date, std::move(free), q));
      }
    }
  } else {
    g.service_vouchers = kMaternityServiceVouchers;
    events.push_back(make(ctx.business_date, std::move(g)));
  }
  return events;
}

Decision handle(const PersonState& s, const RefuseBenefit& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  KASSA_TRY(check_appeal(c.appeal));
  const Benefit* b = claim(s, c.claim_ref);
  KASSA_TRY(require_claimed(b, c.claim_ref));
  schemas::BenefitRefusedT r;
  r.kind = b->kind;
  r.decided_days = ctx.business_date.to_days();
  r.claim_ref = c.claim_ref;
  r.appeal = to_schema(c.appeal);
  Events events;
  events.push_back(make(ctx.business_date, std::move(r)));
  return events;
}

Decision handle(const PersonState& s, const PayBenefit& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  const Benefit* b = claim(s, c.claim_ref);
  if (b == nullptr) return Error::not_found("UnknownClaim", "no claim " + c.claim_ref, "claim_ref");
  if (b->status != BenefitStatus::kGranted) {
    return Error::violation("BenefitNotGranted", "claim " + c.claim_ref + " is not granted",
                            "claim_ref");
  }
  if (!c.amount.is_positive()) {
    return Error::invalid("amount", "AmountNotPositive", "amount: a payment is above 0");
  }
  KASSA_TRY(require_plausible(c.amount, ctx.fund.plausibility.max_amount, "amount"));
  if (c.payment_ref.empty()) {
    return Error::invalid("payment_ref", "PaymentRefRequired",
                          "payment_ref: a payment needs its reference");
  }
  KASSA_TRY(once_per_reference(s.benefit_payments_by_ref, c.payment_ref, c.amount, "payment_ref",
                               "BenefitPayment"));
  if (!c.account && !s.has_account) {
    return Error::violation(
        "BenefitAccountUnknown",
        "iban: the person registered no account; a payment needs the IBAN to pay to", "iban");
  }
  schemas::BenefitPaidT p;
  p.kind = b->kind;
  p.period_start_days = c.period_start.to_days();
  p.period_end_days = c.period_end.to_days();
  p.amount_cents = c.amount.cents();
  p.paid_days = ctx.business_date.to_days();
  p.payment_ref = c.payment_ref;
  auto e = make(ctx.business_date, std::move(p));
  if (c.account) {
    schemas::PersonalDataT account;
    account.iban = c.account->electronic();
    e.personal = std::move(account);
  }
  Events events;
  events.push_back(std::move(e));
  return events;
}

Decision handle(const PersonState& s, const ClaimOverpayment& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  KASSA_TRY(check_appeal(c.appeal));
  if (!c.amount.is_positive()) {
    return Error::invalid("amount", "AmountNotPositive", "amount: a claim is above 0");
  }
  KASSA_TRY(require_plausible(c.amount, ctx.fund.plausibility.max_amount, "amount"));
  schemas::OverpaymentClaimedT o;
  o.kind = c.kind;
  o.period_start_days = c.period_start.to_days();
  o.period_end_days = c.period_end.to_days();
  o.amount_cents = c.amount.cents();
  o.claimed_days = ctx.business_date.to_days();
  o.appeal = to_schema(c.appeal);
  Events events;
  events.push_back(make(ctx.business_date, std::move(o)));
  return events;
}

}  // namespace kassa::domain::person_decide
