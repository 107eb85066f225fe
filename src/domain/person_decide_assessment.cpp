// decide() for a person: income, provisional bases, the quarterly
// assessment, regularisation and contribution-free quarters.
#include <algorithm>
#include <cstdlib>

#include "domain/contribution.h"
#include "domain/person_decide_internal.h"
#include "domain/regularisation.h"
#include "domain/surcharge.h"

namespace kassa::domain::person_decide {
namespace {

struct QuarterAssessment {
  ContributionAssessment amounts;
  schemas::AssessmentKind kind = schemas::AssessmentKind::Provisional;
};

bool is_primo_quarter(const PersonState& s, Quarter q) {
  auto start = s.start_quarter();
  if (s.starter != schemas::StarterStatus::PrimoStarter || !start) return false;
  if (s.category_in(q) != Category::kMain) return false;
  int since = q.quarters_since(*start);
  return since >= 0 && since < 4;
}

// The assessment of `q`: on the final income when the tax authority already
// notified it, else on the base chosen for the year, else on the income of
// N-3 revalued, else (starters, no reference year) on the category minimum.
Result<QuarterAssessment> assess(const PersonState& s, Quarter q,
                                 const std::map<int, ProvisionalBase>& bases,
                                 const DecisionContext& ctx) {
  ContributionRequest req;
  req.year = q.year();
  req.category = s.category_in(q);
  req.primo_starter = is_primo_quarter(s, q);
  req.first_quarter = req.primo_starter && s.start_quarter() == q;
  QuarterAssessment out;
  auto final_income = s.incomes.find(q.year());
  auto chosen = bases.find(q.year());
  auto reference = s.incomes.find(q.year() - 3);
  if (final_income != s.incomes.end() &&
      final_income->second.source == schemas::IncomeSource::TaxAuthority) {
    req.basis = IncomeBasis::kIncome;
    req.income = final_income->second.net_income;
    req.quarters = std::max(1, s.affiliated_quarters(q.year()));
    out.kind = schemas::AssessmentKind::Final;
  } else if (chosen != bases.end()) {
    req.basis = IncomeBasis::kIncome;
    req.income = chosen->second.base;
  } else if (reference != s.incomes.end() &&
             reference->second.source == schemas::IncomeSource::TaxAuthority) {
    req.basis = IncomeBasis::kReferenceIncome;
    req.income = reference->second.net_income;
  } else {
    req.basis = IncomeBasis::kCategoryMinimum;
  }
  auto a = provisional_contribution(ctx.rulebook, req);
  KASSA_TRY(a);
  out.amounts = *a;
  return out;
}

std::uint32_t basis_points(Rate r) { return static_cast<std::uint32_t>(r.billionths() / 100'000); }

schemas::ContributionAssessedT assessed_body(const PersonState& s, Quarter q,
                                             const QuarterAssessment& qa) {
  schemas::ContributionAssessedT b;
  b.quarter = quarter_code(q);
  b.category = to_schema(s.category_in(q));
  b.kind = qa.kind;
  b.rulebook_year = static_cast<std::uint16_t>(q.year());
  b.base_cents = qa.amounts.base.cents();
  b.contribution_cents = qa.amounts.quarterly.cents();
  b.fees_rate_bp = basis_points(qa.amounts.fee_rate);
  b.fees_cents = qa.amounts.fee.cents();
  b.primo_reduction_cents = qa.amounts.reduction.cents();
  b.due_days = q.due_date().to_days();
  return b;
}

Result<Money> category_minimum(const PersonState& s, int year, Category category, Quarter q,
                               const DecisionContext& ctx) {
  auto p = ctx.rulebook.year(year);
  KASSA_TRY(p);
  switch (category) {
    case Category::kMain:
      return is_primo_quarter(s, q) ? p->primo_starter_minimum_income.value
                                    : p->main_minimum_income.value;
    case Category::kHelpingSpouse: return p->helping_spouse_minimum_income.value;
    case Category::kSecondary:
    case Category::kStudent:
    case Category::kPensioner: return Money::zero();
  }
  return Money::zero();
}

}  // namespace

Decision handle(const PersonState& s, const AssessQuarter& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  // Quarters not due (before the start, after the end, the quarter of
  // death, contribution-free) or assessed already are not in the list,
  // which makes the run idempotent. A quarter whose normal due date has
  // passed is due at the end of the quarter of its notice.
  const Date due_if_late = Quarter::containing(ctx.business_date).due_date();
  Events events;
  std::uint32_t notices = 0;
  for (Quarter q : s.unassessed_quarters(c.quarter, ctx.business_date)) {
    auto qa = assess(s, q, s.provisional_bases, ctx);
    KASSA_TRY(qa);
    const Date due = std::max(q.due_date(), due_if_late);
    schemas::ContributionAssessedT body = assessed_body(s, q, *qa);
    body.due_days = due.to_days();
    events.push_back(make(q.first_day(), std::move(body), q));
    if (!qa->amounts.quarterly_with_fee.is_positive()) continue;
    auto communication = next_communication(s, notices++);
    KASSA_TRY(communication);
    schemas::PaymentNoticeIssuedT n;
    n.kind = schemas::NoticeKind::Quarterly;
    n.quarter = quarter_code(q);
    n.year = static_cast<std::uint16_t>(q.year());
    n.structured_communication = *communication;
    n.amount_cents = qa->amounts.quarterly_with_fee.cents();
    n.sent_days = ctx.business_date.to_days();
    n.due_days = due.to_days();
    events.push_back(make(ctx.business_date, std::move(n), q));
  }
  return events;
}

Decision handle(const PersonState& s, const NotifyIncome& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  if (c.year < kFirstYear || c.year > kLastYear) {
    return Error::invalid("year", "YearInvalid", "year: not a calendar year");
  }
  KASSA_TRY(require_plausible(c.net_income, ctx.fund.plausibility.max_income, "net_income"));
  if (auto it = s.incomes.find(c.year); it != s.incomes.end() &&
                                        it->second.net_income == c.net_income &&
                                        it->second.source == c.source) {
    return Events{};  // the same notification again
  }
  Events events;
  schemas::IncomeNotifiedT b;
  b.income_year = static_cast<std::uint16_t>(c.year);
  b.net_income_cents = c.net_income.cents();
  b.source = c.source;
  b.notified_days = ctx.business_date.to_days();
  events.push_back(make(ctx.business_date, std::move(b)));

  // The regularisation decision: the tax authority's income for a year that
  // was assessed provisionally and not regularised yet.
  if (c.source != schemas::IncomeSource::TaxAuthority || s.regularisations.count(c.year) > 0) {
    return events;
  }
  std::vector<const DebtLine*> year_lines;
  for (const auto& [q, line] : s.quarter_lines) {
    if (q.year() == c.year && !line.cancelled &&
        line.assessment == schemas::AssessmentKind::Provisional) {
      year_lines.push_back(&line);
    }
  }
  if (year_lines.empty()) return events;
  RegularisationRequest req;
  req.year = c.year;
  req.category = year_lines.back()->category;
  req.final_income = c.net_income;
  req.quarters = std::clamp(s.affiliated_quarters(c.year), 1, 4);
  auto start = s.start_quarter();
  req.primo_starter = s.starter == schemas::StarterStatus::PrimoStarter &&
                      req.category == Category::kMain && start && start->year() == c.year;
  req.primo_first_quarter_in_year = req.primo_starter;
  for (const auto* line : year_lines) {
    req.assessed_contribution = sum(req.assessed_contribution, line->contribution);
    req.assessed_fees = sum(req.assessed_fees, line->fees);
    req.paid = sum(req.paid, min(line->principal_paid, line->principal()));
  }
  auto r = regularise(ctx.rulebook, req);
  KASSA_TRY(r);
  ContributionRequest per_quarter;
  per_quarter.year = c.year;
  per_quarter.category = req.category;
  per_quarter.basis = IncomeBasis::kIncome;
  per_quarter.income = c.net_income;
  per_quarter.quarters = req.quarters;
  auto final_quarter = provisional_contribution(ctx.rulebook, per_quarter);
  KASSA_TRY(final_quarter);

  Date statement = ctx.business_date;
  Date due = regularisation_due_date(statement);
  schemas::RegularisationComputedT reg;
  reg.year = static_cast<std::uint16_t>(c.year);
  reg.final_income_cents = c.net_income.cents();
  reg.provisional_contribution_cents = req.assessed_contribution.cents();
  reg.provisional_fees_cents = req.assessed_fees.cents();
  reg.final_contribution_cents = r->final_contribution.cents();
  reg.final_fees_cents = r->final_fee.cents();
  reg.difference_cents = r->total_difference.cents();
  reg.statement_days = statement.to_days();
  reg.due_days = due.to_days();
  for (const auto* line : year_lines) {
    reg.quarters.emplace_back(quarter_code(line->quarter), final_quarter->quarterly.cents(),
                              final_quarter->fee.cents());
  }
  events.push_back(make(statement, std::move(reg)));
  if (r->total_difference.is_positive()) {
    auto communication = next_communication(s, 0);
    KASSA_TRY(communication);
    Quarter statement_q = Quarter::containing(statement);
    schemas::PaymentNoticeIssuedT n;
    n.kind = schemas::NoticeKind::Regularisation;
    n.quarter = quarter_code(statement_q);
    n.year = static_cast<std::uint16_t>(c.year);
    n.structured_communication = *communication;
    n.amount_cents = r->total_difference.cents();
    n.sent_days = statement.to_days();
    n.due_days = due.to_days();
    events.push_back(make(statement, std::move(n), statement_q));
  }
  return events;
}

Decision handle(const PersonState& s, const ChangeProvisionalBase& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  KASSA_TRY(require_plausible(c.base, ctx.fund.plausibility.max_income, "base"));
  KASSA_TRY(ctx.rulebook.year(c.year));
  auto first_q = Quarter::of(c.year, 1);
  KASSA_TRY(first_q);
  Quarter ref_q = *first_q;
  for (int i = 0; i < 4; ++i) {
    if (s.affiliated_in(first_q->plus(i))) {
      ref_q = first_q->plus(i);
      break;
    }
  }
  auto minimum = category_minimum(s, c.year, s.category_in(ref_q), ref_q, ctx);
  KASSA_TRY(minimum);
  if (c.base < *minimum) {
    return Error::violation(
        "ProvisionalBaseBelowMinimum",
        "base: " + c.base.format() + " is below the category minimum " + minimum->format(), "base");
  }
  // The base in force: the chosen one, else that of the assessed quarters.
  std::optional<Money> current;
  if (auto it = s.provisional_bases.find(c.year); it != s.provisional_bases.end()) {
    if (it->second.base == c.base && it->second.basis == c.basis) return Events{};
    current = it->second.base;
  } else {
    for (const auto& [q, line] : s.quarter_lines) {
      if (q.year() == c.year && !line.cancelled) {
        current = line.base;
        break;
      }
    }
  }
  bool lower = current && c.base < *current;
  if ((lower || c.basis == schemas::ProvisionalBasis::JustifiedLower) &&
      (c.basis != schemas::ProvisionalBasis::JustifiedLower || c.reason_code.empty())) {
    return Error::violation("LowerBaseNotJustified",
                            "a lower provisional base needs basis JustifiedLower and a reason code",
                            "reason_code");
  }
  Events events;
  schemas::ProvisionalBaseChangedT b;
  b.year = static_cast<std::uint16_t>(c.year);
  b.base_cents = c.base.cents();
  b.basis = c.basis;
  b.reason_code = c.reason_code;
  events.push_back(make(ctx.business_date, std::move(b)));

  // Quarters already assessed are assessed again on the new base; booked
  // surcharges follow a lower contribution in proportion.
  auto bases = s.provisional_bases;
  bases[c.year] = {c.base, c.basis, c.reason_code};
  for (const auto& [q, line] : s.quarter_lines) {
    if (q.year() != c.year || line.cancelled ||
        line.assessment != schemas::AssessmentKind::Provisional) {
      continue;
    }
    auto qa = assess(s, q, bases, ctx);
    KASSA_TRY(qa);
    Money new_principal = qa->amounts.quarterly_with_fee;
    Money old_principal = line.principal();
    if (new_principal == old_principal) continue;
    events.push_back(make(q.first_day(), assessed_body(s, q, *qa), q));
    Money booked = cents(line.surcharges_applied.cents() - line.surcharges_reduced.cents() -
                         line.surcharges_waived.cents());
    if (new_principal < old_principal && booked.is_positive()) {
      auto kept = reduce_in_proportion(booked, old_principal, new_principal);
      KASSA_TRY(kept);
      schemas::SurchargeReducedT r;
      r.kind = schemas::SurchargeKind::Quarterly3;
      r.quarter = quarter_code(q);
      r.year = static_cast<std::uint16_t>(q.year());
      r.amount_cents = booked.cents() - kept->cents();
      r.reason_code = "ProvisionalBaseLowered";
      if (r.amount_cents > 0) events.push_back(make(ctx.business_date, std::move(r), q));
    }
  }
  return events;
}

Decision handle(const PersonState& s, const GrantContributionFreeQuarter& c,
                const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  if (!s.affiliated_in(c.quarter)) {
    return Error::violation("QuarterNotAffiliated",
                            c.quarter.format() + " is outside the person's affiliation", "quarter");
  }
  const auto* f = s.facts(c.quarter);
  if (f != nullptr && f->free_reason) return Events{};
  Events events;
  schemas::ContributionFreeQuarterGrantedT b;
  b.quarter = quarter_code(c.quarter);
  b.reason = c.reason;
  b.granted_days = ctx.business_date.to_days();
  b.proactive = false;
  events.push_back(make(ctx.business_date, std::move(b), c.quarter));
  if (auto it = s.quarter_lines.find(c.quarter);
      it != s.quarter_lines.end() && !it->second.cancelled) {
    for (auto& e : cancel_from(s, c.quarter, schemas::CancellationReason::Correction)) {
      if (e.quarter == c.quarter) events.push_back(std::move(e));
    }
  }
  return events;
}

Decision handle(const PersonState& s, const RecordBirth& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  if (ctx.business_date < c.birth) {
    return Error::violation(
        "BirthInFuture", "birth: " + c.birth.format() + " is after " + ctx.business_date.format(),
        "birth");
  }
  // Two births of one person within 180 days are one birth recorded twice,
  // unless said to be a multiple birth.
  for (const Benefit& b : s.benefits) {
    if (b.kind != schemas::BenefitKind::MaternityAid || !b.start || *b.start == c.birth) continue;
    const std::int32_t apart = std::abs(b.start->to_days() - c.birth.to_days());
    if (apart < 180 && !c.multiple) {
      return Error::violation("BirthTooSoon",
                              "birth: " + c.birth.format() + " is " + std::to_string(apart) +
                                  " days from the birth of " + b.start->format() +
                                  "; a multiple birth says so (multiple)",
                              "birth");
    }
  }
  Quarter birth_q = Quarter::containing(c.birth);
  std::vector<Quarter> free_quarters = {birth_q.next()};
  if (c.birth.year() >= 2026) free_quarters.push_back(birth_q.plus(2));  // from 2026: two
  Events events;
  for (auto q : free_quarters) {
    if (!s.affiliated_in(q)) continue;
    const auto* f = s.facts(q);
    if (f != nullptr && f->free_reason) continue;
    schemas::ContributionFreeQuarterGrantedT b;
    b.quarter = quarter_code(q);
    b.reason = schemas::FreeQuarterReason::Birth;
    b.granted_days = ctx.business_date.to_days();
    b.proactive = true;
    events.push_back(make(ctx.business_date, std::move(b), q));
    for (auto& e : cancel_from(s, q, schemas::CancellationReason::Correction)) {
      if (e.quarter == q) events.push_back(std::move(e));
    }
  }
  std::string ref = "birth:" + c.birth.format();
  if (s.find_benefit(ref) == nullptr) {
    schemas::BenefitGrantedT b;
    b.kind = schemas::BenefitKind::MaternityAid;
    b.decided_days = ctx.business_date.to_days();
    b.start_days = c.birth.to_days();
    b.service_vouchers = kMaternityServiceVouchers;
    b.claim_ref = ref;
    events.push_back(make(ctx.business_date, std::move(b)));
  }
  return events;
}

}  // namespace kassa::domain::person_decide

namespace kassa::domain {

std::size_t quarters_assessed_late(const std::vector<NewEvent>& events) {
  std::size_t late = 0;
  for (const NewEvent& e : events) {
    const auto* b = e.body.AsContributionAssessed();
    if (b == nullptr) continue;
    auto q = quarter_from_code(b->quarter);
    if (q && b->due_days > q->due_date().to_days()) ++late;
  }
  return late;
}

}  // namespace kassa::domain
