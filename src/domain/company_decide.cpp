#include <algorithm>

#include "domain/allocation.h"
#include "domain/company_commands.h"
#include "domain/company_contribution.h"
#include "domain/person_decide.h"
#include "domain/person_decide_internal.h"

namespace kassa::domain {
namespace {

using person_decide::Decision;
using person_decide::Events;
using person_decide::make;

std::uint16_t debt_code(int year) { return static_cast<std::uint16_t>(year * 10 + 4); }

Status require_registered(const CompanyState& s) {
  if (!s.registered) {
    return Error::not_found("CompanyNotRegistered", "no company is registered under this key");
  }
  return {};
}

Decision handle(const CompanyState& s, const RegisterCompany& c, const DecisionContext& ctx) {
  if (s.registered) {
    return Error::conflict("CompanyAlreadyRegistered", "this company is already registered");
  }
  if (c.name.empty()) return Error::invalid("name", "NameRequired", "name: required");
  if (c.member_number == 0 || c.member_number > 9'999'999) {
    return Error::invalid("member_number", "MemberNumberRange", "member_number: 1..9999999");
  }
  Events events;
  schemas::CompanyRegisteredT b;
  b.company_number = c.company_number.digits();
  b.name = c.name;
  b.legal_form = c.legal_form;
  b.incorporation_days = c.incorporation.to_days();
  b.registered_days = ctx.business_date.to_days();
  b.member_number = c.member_number;
  events.push_back(make(ctx.business_date, std::move(b)));
  for (const PartyId& party : c.directors) {
    schemas::CompanyDirectorAddedT d;
    d.director_party = party.str();
    d.from_days = ctx.business_date.to_days();
    events.push_back(make(ctx.business_date, std::move(d)));
  }
  return events;
}

Decision handle(const CompanyState& s, const AddDirector& c, const DecisionContext&) {
  KASSA_TRY(require_registered(s));
  if (s.active_director(c.party) != nullptr) {
    return Error::conflict("DirectorAlreadyActive", "this person is already a director", "party");
  }
  schemas::CompanyDirectorAddedT b;
  b.director_party = c.party.str();
  b.from_days = c.from.to_days();
  b.role = c.role;
  Events events;
  events.push_back(make(c.from, std::move(b)));
  return events;
}

Decision handle(const CompanyState& s, const RemoveDirector& c, const DecisionContext&) {
  KASSA_TRY(require_registered(s));
  if (s.active_director(c.party) == nullptr) {
    return Error::not_found("UnknownDirector", "no active director with this party", "party");
  }
  schemas::CompanyDirectorRemovedT b;
  b.director_party = c.party.str();
  b.to_days = c.to.to_days();
  Events events;
  events.push_back(make(c.to, std::move(b)));
  return events;
}

Decision handle(const CompanyState& s, const ReportBalanceSheet& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  KASSA_TRY(require_non_negative(c.total, "total"));
  KASSA_TRY(require_plausible(c.total, ctx.fund.plausibility.max_balance_sheet, "total"));
  schemas::BalanceSheetReportedT b;
  b.financial_year_end_days = c.financial_year_end.to_days();
  b.balance_sheet_total_cents = c.total.cents();
  b.reported_days = ctx.business_date.to_days();
  Events events;
  events.push_back(make(ctx.business_date, std::move(b)));
  return events;
}

Decision handle(const CompanyState& s, const AssessCompanyContribution& c,
                const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  if (s.debts.count(c.year) > 0) return Events{};  // idempotent
  CompanyContributionRequest req;
  req.year = c.year;
  req.founded_year = s.incorporation.year();
  if (const auto* sheet = s.balance_sheet_ending_in(c.year - 2))
    req.balance_sheet_total = sheet->total;
  auto contribution = company_contribution(ctx.rulebook, req);
  KASSA_TRY(contribution);
  auto params = ctx.rulebook.company_year(c.year);
  KASSA_TRY(params);
  bool new_company = c.year - req.founded_year < 2;
  schemas::CompanyContributionAssessedT b;
  b.year = static_cast<std::uint16_t>(c.year);
  b.band = new_company ? schemas::CompanyBand::NewCompanyLow
                       : (contribution->band == CompanyBand::kHigh ? schemas::CompanyBand::High
                                                                   : schemas::CompanyBand::Low);
  b.reference_balance_sheet_total_cents =
      req.balance_sheet_total ? req.balance_sheet_total->cents() : 0;
  b.threshold_cents = params->balance_sheet_threshold.value.cents();
  b.amount_cents = contribution->amount.cents();
  b.due_days = contribution->due.to_days();
  Events events;
  events.push_back(make(ctx.business_date, std::move(b)));
  auto communication = notice_communication(s.member_number, s.notices_issued + 1);
  KASSA_TRY(communication);
  schemas::PaymentNoticeIssuedT n;
  n.kind = schemas::NoticeKind::CompanyContribution;
  n.quarter = 0;
  n.year = static_cast<std::uint16_t>(c.year);
  n.structured_communication = communication->digits();
  n.amount_cents = contribution->amount.cents();
  n.sent_days = ctx.business_date.to_days();
  n.due_days = contribution->due.to_days();
  events.push_back(make(ctx.business_date, std::move(n)));
  return events;
}

Decision handle(const CompanyState& s, const RecordCompanyPayment& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  if (!c.amount.is_positive()) {
    return Error::invalid("amount", "PaymentNotPositive", "amount: a payment is above 0");
  }
  KASSA_TRY(require_plausible(c.amount, ctx.fund.plausibility.max_amount, "amount"));
  if (c.bank_ref.empty()) {
    return Error::invalid("bank_ref", "BankRefRequired", "bank_ref: needed for idempotent import");
  }
  if (s.bank_refs.count(c.bank_ref) > 0) return Events{};
  std::vector<int> years;
  std::vector<OpenDebt> debts;
  for (const auto& [year, debt] : s.debts) {
    if (debt.open_principal().is_zero() && debt.open_surcharges().is_zero()) continue;
    auto q4 = Quarter::of(year, 4);
    KASSA_TRY(q4);
    OpenDebt d{*q4, std::nullopt, debt.open_principal(), debt.open_surcharges(), Money::zero()};
    if (debt.notice) {
      auto parsed = StructuredCommunication::parse(debt.notice->communication);
      if (parsed.ok()) d.communication = *parsed;
    }
    years.push_back(year);
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
  events.push_back(make(c.value_date, std::move(r)));
  schemas::PaymentAllocatedT a;
  for (const auto& alloc : result->allocations) {
    a.lines.emplace_back(debt_code(years[alloc.debt]),
                         alloc.component == DebtComponent::kSurcharge
                             ? schemas::DebtKind::Surcharge
                             : schemas::DebtKind::CompanyContribution,
                         alloc.amount.cents());
  }
  a.credit_cents = result->credit.cents();
  a.policy = "communication-then-oldest.v1";
  events.push_back(make(c.value_date, std::move(a)));
  return events;
}

Decision handle(const CompanyState& s, const ApplyCompanyLateSurcharge& c,
                const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  if (ctx.business_date < c.as_of) {
    return Error::violation("AsOfInFuture",
                            "as_of: " + c.as_of.format() + " is after " +
                                ctx.business_date.format() +
                                ": months of delay are counted once they have passed",
                            "as_of");
  }
  auto it = s.debts.find(c.year);
  if (it == s.debts.end()) {
    return Error::violation("NothingToSurcharge", "no contribution assessed for the year", "year");
  }
  const auto& debt = it->second;
  int months = months_of_delay(debt.due, c.as_of);
  Money open = debt.open_principal();
  if (months <= debt.surcharge_months || open.is_zero()) return Events{};  // idempotent
  auto per_month = apply(open, kCompanyMonthlySurchargeRate);
  KASSA_TRY(per_month);
  auto amount = per_month->times(months - debt.surcharge_months);
  KASSA_TRY(amount);
  schemas::SurchargeAppliedT b;
  b.kind = schemas::SurchargeKind::CompanyMonthly1;
  b.quarter = 0;
  b.year = static_cast<std::uint16_t>(c.year);
  b.applied_days = c.as_of.to_days();
  b.base_cents = open.cents();
  b.rate_bp = 100;
  b.amount_cents = amount->cents();
  Events events;
  events.push_back(make(c.as_of, std::move(b)));
  return events;
}

}  // namespace

Result<std::vector<NewEvent>> decide(const CompanyState& state, const CompanyCommand& command,
                                     const DecisionContext& context) {
  return std::visit(
      [&](const auto& c) -> Result<std::vector<NewEvent>> { return handle(state, c, context); },
      command);
}

}  // namespace kassa::domain
