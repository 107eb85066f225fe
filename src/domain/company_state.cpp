#include "domain/company_state.h"

#include <algorithm>

#include "domain/aggregate.h"
#include "domain/company_contribution.h"
#include "domain/schema_convert.h"

namespace kassa::domain {

Money CompanyDebt::open_principal() const {
  return max(Money::from_cents(amount.cents() - paid.cents()), Money::zero());
}

Money CompanyDebt::open_surcharges() const {
  return max(Money::from_cents(surcharges_applied.cents() - surcharges_paid.cents()),
             Money::zero());
}

const Director* CompanyState::active_director(const PartyId& party) const {
  for (const auto& d : directors) {
    if (d.party == party && !d.to) return &d;
  }
  return nullptr;
}

const BalanceSheet* CompanyState::balance_sheet_ending_in(int year) const {
  const BalanceSheet* found = nullptr;
  for (const auto& b : balance_sheets) {
    if (b.financial_year_end.year() == year) found = &b;
  }
  return found;
}

Money CompanyState::total_open() const {
  std::int64_t total = 0;
  for (const auto& [year, debt] : debts) {
    total += debt.open_principal().cents() + debt.open_surcharges().cents();
  }
  return Money::from_cents(total);
}

namespace {

using schemas::EventBody;

Error corrupt(const char* rule, const std::string& message) {
  return Error::corrupt(rule, message);
}
std::string str(const flatbuffers::String* s) { return s == nullptr ? std::string() : s->str(); }
Money cents(std::int64_t c) { return Money::from_cents(c); }
// A director's PartyId as the event names it; a malformed one is corruption.
Result<PartyId> director_party(const flatbuffers::String* s) {
  auto party = PartyId::parse(str(s), "director_party");
  if (!party) return corrupt("MalformedEvent", party.error().message);
  return party;
}
Money add(Money a, Money b) { return FoldArithmetic::add(a, b); }
Money sub(Money a, Money b) { return FoldArithmetic::sub(a, b); }

class CompanyFolder {
 public:
  CompanyFolder(CompanyState& s, const schemas::Envelope& e)
      : s_(s), e_(e), decided_(decided_on(e)) {}

  Entries& entries() { return entries_; }

  Status apply() {
    if (e_.body_type() != EventBody::CompanyRegistered && !s_.registered) {
      return corrupt("CompanyNotRegistered", "an event before CompanyRegistered");
    }
    switch (e_.body_type()) {
      case EventBody::CompanyRegistered: return on(*e_.body_as_CompanyRegistered());
      case EventBody::CompanyDirectorAdded: {
        const auto& b = *e_.body_as_CompanyDirectorAdded();
        auto party = director_party(b.director_party());
        KASSA_TRY(party);
        s_.directors.push_back({std::move(party).value(), Date::from_days(b.from_days()),
                                std::nullopt, str(b.role())});
        return {};
      }
      case EventBody::CompanyDirectorRemoved: {
        const auto& b = *e_.body_as_CompanyDirectorRemoved();
        for (auto& d : s_.directors) {
          if (d.party.str() == str(b.director_party()) && !d.to) {
            d.to = Date::from_days(b.to_days());
          }
        }
        return {};
      }
      case EventBody::BalanceSheetReported: {
        const auto& b = *e_.body_as_BalanceSheetReported();
        s_.balance_sheets.push_back({Date::from_days(b.financial_year_end_days()),
                                     cents(b.balance_sheet_total_cents()),
                                     Date::from_days(b.reported_days())});
        return {};
      }
      case EventBody::CompanyContributionAssessed: {
        const auto& b = *e_.body_as_CompanyContributionAssessed();
        CompanyDebt debt;
        if (auto it = s_.debts.find(b.year()); it != s_.debts.end()) debt = it->second;
        const Money before = debt.amount;
        debt.year = b.year();
        debt.band = b.band();
        debt.reference_total = cents(b.reference_balance_sheet_total_cents());
        debt.threshold = cents(b.threshold_cents());
        debt.amount = cents(b.amount_cents());
        debt.due = Date::from_days(b.due_days());
        book(EntryKind::kCompanyContribution, DebtRef::company_year(b.year()), decided_,
             sub(debt.amount, before), "");
        settle(s_.debts[b.year()] = debt);
        return {};
      }
      case EventBody::PaymentNoticeIssued: {
        const auto& b = *e_.body_as_PaymentNoticeIssued();
        auto it = s_.debts.find(b.year());
        if (b.kind() != schemas::NoticeKind::CompanyContribution || it == s_.debts.end()) {
          return corrupt(evolve_rules::kUnknownDebtLine, "a notice for no company debt");
        }
        it->second.notice = Notice{b.kind(),
                                   b.quarter(),
                                   b.year(),
                                   str(b.structured_communication()),
                                   cents(b.amount_cents()),
                                   Date::from_days(b.sent_days()),
                                   Date::from_days(b.due_days())};
        ++s_.notices_issued;
        return {};
      }
      case EventBody::PaymentReceived: {
        const auto& b = *e_.body_as_PaymentReceived();
        PaymentFact p{str(b.bank_ref()), cents(b.amount_cents()), Date::from_days(b.value_days()),
                      str(b.structured_communication()), b.channel()};
        if (!p.bank_ref.empty()) s_.bank_refs.insert(p.bank_ref);
        s_.credit = add(s_.credit, p.amount);  // unallocated until its allocation
        book(EntryKind::kPayment, DebtRef::none(), p.value_date, cents(-p.amount.cents()),
             !p.communication.empty() ? p.communication : p.bank_ref);
        s_.payments.push_back(std::move(p));
        return {};
      }
      case EventBody::PaymentAllocated: return on(*e_.body_as_PaymentAllocated());
      case EventBody::SurchargeApplied: {
        const auto& b = *e_.body_as_SurchargeApplied();
        auto it = s_.debts.find(b.year());
        if (it == s_.debts.end()) {
          return corrupt(evolve_rules::kUnknownDebtLine, "a surcharge on no company debt");
        }
        it->second.surcharges_applied = add(it->second.surcharges_applied, cents(b.amount_cents()));
        it->second.surcharge_months =
            std::max(it->second.surcharge_months,
                     months_of_delay(it->second.due, Date::from_days(b.applied_days())));
        book(EntryKind::kCompanySurcharge, DebtRef::company_year(b.year()),
             Date::from_days(b.applied_days()), cents(b.amount_cents()),
             it->second.notice ? it->second.notice->communication : std::string());
        return {};
      }
      case EventBody::RefundIssued: {
        const auto& b = *e_.body_as_RefundIssued();
        s_.credit = cents(s_.credit.cents() - b.amount_cents());
        s_.refunded = add(s_.refunded, cents(b.amount_cents()));
        book(EntryKind::kRefund, DebtRef::none(), Date::from_days(b.paid_days()),
             cents(b.amount_cents()), str(b.refund_ref()));
        return {};
      }
      case EventBody::NONE: return corrupt(evolve_rules::kMalformedEvent, "event without a body");
      case EventBody::PersonRegistered:
      case EventBody::PersonalDataChanged:
      case EventBody::CategoryChanged:
      case EventBody::ActivityCeased:
      case EventBody::ActivityResumed:
      case EventBody::PersonDied:
      case EventBody::PersonalDataErased:
      case EventBody::IncomeNotified:
      case EventBody::ProvisionalBaseChanged:
      case EventBody::ContributionAssessed:
      case EventBody::ContributionCancelled:
      case EventBody::RegularisationComputed:
      case EventBody::ContributionFreeQuarterGranted:
      case EventBody::SuspenseItemRecorded:
      case EventBody::SuspenseItemMatched:
      case EventBody::CostsCharged:
      case EventBody::SurchargeReduced:
      case EventBody::SurchargeWaived:
      case EventBody::ReminderSent:
      case EventBody::FormalNoticeSent:
      case EventBody::PersonalContactRecorded:
      case EventBody::ContrainteServed:
      case EventBody::PaymentPlanRequested:
      case EventBody::PaymentPlanGranted:
      case EventBody::PaymentPlanRefused:
      case EventBody::PaymentPlanBreached:
      case EventBody::WaiverRequested:
      case EventBody::WaiverGranted:
      case EventBody::WaiverRefused:
      case EventBody::DispenseRequested:
      case EventBody::DispenseGranted:
      case EventBody::DispenseRefused:
      case EventBody::ContestFiled:
      case EventBody::ContestDecided:
      case EventBody::BenefitClaimed:
      case EventBody::BenefitGranted:
      case EventBody::BenefitRefused:
      case EventBody::BenefitPaid:
      case EventBody::OverpaymentClaimed:
        return corrupt("NotACompanyEvent", std::string(schemas::EnumNameEventBody(e_.body_type())) +
                                               " is not folded into a company's state");
    }
    return corrupt(evolve_rules::kMalformedEvent, "unknown event type");
  }

 private:
  Status on(const schemas::CompanyRegistered& b) {
    if (s_.registered) return corrupt("CompanyAlreadyRegistered", "a second CompanyRegistered");
    s_.registered = true;
    s_.company_number = str(b.company_number());
    s_.name = str(b.name());
    s_.legal_form = str(b.legal_form());
    s_.incorporation = Date::from_days(b.incorporation_days());
    s_.registered_on = Date::from_days(b.registered_days());
    s_.member_number = b.member_number();
    return {};
  }

  // Lines name a year's debt by its Q4 code.
  Status on(const schemas::PaymentAllocated& b) {
    std::vector<std::pair<CompanyDebt*, const schemas::AllocationLine*>> targets;
    if (b.lines() != nullptr) {
      for (const auto* l : *b.lines()) {
        auto it = s_.debts.find(static_cast<int>(l->quarter() / 10));
        if (it == s_.debts.end()) {
          return corrupt(evolve_rules::kUnknownDebtLine, "allocation to no company debt");
        }
        targets.emplace_back(&it->second, l);
      }
    }
    Date value = Date::from_days(e_.effective_days());
    AccountEntry entry;
    entry.kind = EntryKind::kAllocation;
    entry.date = value;
    for (auto& [debt, l] : targets) {
      if (l->kind() == schemas::DebtKind::Surcharge) {
        debt->surcharges_paid = add(debt->surcharges_paid, cents(l->amount_cents()));
      } else {
        debt->paid = add(debt->paid, cents(l->amount_cents()));
        debt->payments.push_back({value, cents(l->amount_cents())});
      }
      s_.credit = sub(s_.credit, cents(l->amount_cents()));
      entry.allocation.push_back(
          {DebtRef::company_year(debt->year), l->kind(), cents(l->amount_cents())});
      if (entry.reference.empty() && debt->notice) entry.reference = debt->notice->communication;
    }
    for (auto& [debt, l] : targets) settle(*debt);
    entry.left_as_credit = cents(b.credit_cents());
    entries_.push_back(std::move(entry));
    return {};
  }

  void book(EntryKind kind, DebtRef debt, Date date, Money amount, std::string reference) {
    domain::book(entries_, kind, debt, date, amount, std::move(reference));
  }

  // Paid beyond what a year now charges goes back to credit.
  void settle(CompanyDebt& debt) {
    if (debt.paid > debt.amount) {
      s_.credit = add(s_.credit, sub(debt.paid, debt.amount));
      debt.paid = debt.amount;
    }
    if (debt.surcharges_paid > debt.surcharges_applied) {
      s_.credit = add(s_.credit, sub(debt.surcharges_paid, debt.surcharges_applied));
      debt.surcharges_paid = debt.surcharges_applied;
    }
  }

  CompanyState& s_;
  const schemas::Envelope& e_;
  const Date decided_;
  Entries entries_;
};

}  // namespace

Money CompanyState::balance() const {
  return Money::from_cents(total_open().cents() - credit.cents());
}

Status evolve(CompanyState& state, const schemas::Envelope& envelope, Entries* entries) {
  if (envelope.aggregate_kind() != schemas::AggregateKind::Company) {
    return Error::corrupt(evolve_rules::kWrongAggregate, "not a Company event");
  }
  if (envelope.sequence() != state.last_sequence + 1) {
    return Error::corrupt(evolve_rules::kSequenceGap,
                          "expected sequence " + std::to_string(state.last_sequence + 1) +
                              ", got " + std::to_string(envelope.sequence()));
  }
  if (state.registered && envelope.aggregate_key() != nullptr &&
      envelope.aggregate_key()->string_view() != state.company_number) {
    return Error::corrupt(evolve_rules::kWrongAggregate, "event of another company");
  }
  KASSA_TRY(amounts_in_range(envelope));
  FoldArithmetic::clear();
  CompanyFolder folder(state, envelope);
  KASSA_TRY(folder.apply());
  if (FoldArithmetic::overflowed()) {
    return Error::corrupt("MoneyOverflow", "a sum of the company's amounts leaves int64 cents");
  }
  state.last_sequence = envelope.sequence();
  if (entries != nullptr) {
    for (auto& e : folder.entries()) entries->push_back(std::move(e));
  }
  return {};
}

}  // namespace kassa::domain
