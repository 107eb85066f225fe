// evolve(): folds one recorded person event into PersonState.
#include <algorithm>
#include <map>
#include <string_view>

#include "domain/aggregate.h"
#include "domain/person_state.h"
#include "domain/schema_convert.h"

namespace kassa::domain {

// ---- evolve -----------------------------------------------------------------

namespace {

using schemas::EventBody;

Error corrupt(const char* rule, const std::string& message) {
  return Error::corrupt(rule, message);
}

Result<Quarter> quarter_of(std::uint16_t code, std::string_view field) {
  auto q = quarter_from_code(code);
  if (!q) {
    return corrupt(evolve_rules::kMalformedEvent,
                   std::string(field) + ": not a quarter code: " + std::to_string(code));
  }
  return *q;
}

Result<std::vector<Quarter>> quarters_of(const flatbuffers::Vector<std::uint16_t>* codes) {
  std::vector<Quarter> out;
  if (codes == nullptr) return out;
  for (auto code : *codes) {
    auto q = quarter_of(code, "quarters");
    KASSA_TRY(q);
    out.push_back(*q);
  }
  return out;
}

std::vector<std::uint16_t> codes_of(const flatbuffers::Vector<std::uint16_t>* codes) {
  std::vector<std::uint16_t> out;
  if (codes != nullptr) out.assign(codes->begin(), codes->end());
  return out;
}

std::string str(const flatbuffers::String* s) { return s == nullptr ? std::string() : s->str(); }

std::optional<AppealInfo> appeal_of(const schemas::Appeal* a) {
  return a != nullptr ? std::optional<AppealInfo>(from_schema(*a)) : std::nullopt;
}

Money cents(std::int64_t c) { return Money::from_cents(c); }
Money add(Money a, Money b) { return FoldArithmetic::add(a, b); }
Money sub(Money a, Money b) { return FoldArithmetic::sub(a, b); }

DebtRef ref_of(const DebtLine& line) {
  return line.kind == DebtLineKind::kQuarterly ? DebtRef::of_quarter(line.quarter)
                                               : DebtRef::regularisation(line.year);
}

// The notice's structured communication of a line, for its entries.
std::string communication_of(const DebtLine& line) {
  return line.notice ? line.notice->communication : std::string();
}

// Which line a surcharge event addresses: the quarter line when the year is
// the quarter's year, else the regularisation line of that statement quarter.
DebtLine* surcharge_target(PersonState& s, schemas::SurchargeKind kind, std::uint16_t quarter_code,
                           std::uint16_t year) {
  auto q = quarter_from_code(quarter_code);
  if (!q) return nullptr;
  if (kind == schemas::SurchargeKind::Yearly7 || year == 0 || static_cast<int>(year) == q->year()) {
    auto it = s.quarter_lines.find(*q);
    return it == s.quarter_lines.end() ? nullptr : &it->second;
  }
  auto it = s.regularisation_lines.find(year);
  if (it != s.regularisation_lines.end() && it->second.quarter == *q) return &it->second;
  return nullptr;
}

class Folder {
 public:
  Folder(PersonState& s, const schemas::Envelope& e) : s_(s), e_(e), decided_(decided_on(e)) {}

  // The entries of the event (valid after apply() succeeded).
  Entries& entries() { return entries_; }

  Status apply() {
    switch (e_.body_type()) {
      case EventBody::NONE: return corrupt(evolve_rules::kMalformedEvent, "event without a body");
      case EventBody::PersonRegistered: return on(*e_.body_as_PersonRegistered());
      case EventBody::PersonalDataChanged:
        return registered([&] {
          ++s_.personal_data_changes;
          const auto* b = e_.body_as_PersonalDataChanged();
          if (b->reason_code() != nullptr &&
              b->reason_code()->string_view() == "BankAccountChanged") {
            s_.has_account = true;
          }
        });
      case EventBody::CategoryChanged: return on(*e_.body_as_CategoryChanged());
      case EventBody::ActivityCeased: return on(*e_.body_as_ActivityCeased());
      case EventBody::ActivityResumed: return on(*e_.body_as_ActivityResumed());
      case EventBody::PersonDied: return on(*e_.body_as_PersonDied());
      case EventBody::PersonalDataErased:
        return registered([&] { s_.personal_data_erased = true; });
      case EventBody::IncomeNotified: return on(*e_.body_as_IncomeNotified());
      case EventBody::ProvisionalBaseChanged: return on(*e_.body_as_ProvisionalBaseChanged());
      case EventBody::ContributionAssessed: return on(*e_.body_as_ContributionAssessed());
      case EventBody::ContributionCancelled: return on(*e_.body_as_ContributionCancelled());
      case EventBody::PaymentNoticeIssued: return on(*e_.body_as_PaymentNoticeIssued());
      case EventBody::RegularisationComputed: return on(*e_.body_as_RegularisationComputed());
      case EventBody::ContributionFreeQuarterGranted:
        return on(*e_.body_as_ContributionFreeQuarterGranted());
      case EventBody::PaymentReceived: return on(*e_.body_as_PaymentReceived());
      case EventBody::PaymentAllocated: return on(*e_.body_as_PaymentAllocated());
      case EventBody::RefundIssued: return on(*e_.body_as_RefundIssued());
      case EventBody::CostsCharged: return on(*e_.body_as_CostsCharged());
      case EventBody::SurchargeApplied: return on(*e_.body_as_SurchargeApplied());
      case EventBody::SurchargeReduced: return on(*e_.body_as_SurchargeReduced());
      case EventBody::SurchargeWaived: return on(*e_.body_as_SurchargeWaived());
      case EventBody::ReminderSent: return on(*e_.body_as_ReminderSent());
      case EventBody::FormalNoticeSent: return on(*e_.body_as_FormalNoticeSent());
      case EventBody::PersonalContactRecorded: return on(*e_.body_as_PersonalContactRecorded());
      case EventBody::ContrainteServed: return on(*e_.body_as_ContrainteServed());
      case EventBody::PaymentPlanRequested: return on(*e_.body_as_PaymentPlanRequested());
      case EventBody::PaymentPlanGranted: return on(*e_.body_as_PaymentPlanGranted());
      case EventBody::PaymentPlanRefused:
        return registered([&] {
          const auto* b = e_.body_as_PaymentPlanRefused();
          s_.plan_refused = Date::from_days(b->decided_days());
          request_decided(RequestKind::kPaymentPlan, {}, RequestStatus::kRefused, *s_.plan_refused,
                          {}, appeal_of(b->appeal()));
        });
      case EventBody::PaymentPlanBreached: return on(*e_.body_as_PaymentPlanBreached());
      case EventBody::WaiverRequested: return on(*e_.body_as_WaiverRequested());
      case EventBody::WaiverGranted: {
        const auto* b = e_.body_as_WaiverGranted();
        return waiver_decision(b->quarters(), RequestStatus::kGranted, b->decided_days(),
                               b->decision_ref(), nullptr, cents(b->amount_cents()));
      }
      case EventBody::WaiverRefused: {
        const auto* b = e_.body_as_WaiverRefused();
        return waiver_decision(b->quarters(), RequestStatus::kRefused, b->decided_days(),
                               b->decision_ref(), b->appeal());
      }
      case EventBody::DispenseRequested: return on(*e_.body_as_DispenseRequested());
      case EventBody::DispenseGranted: {
        const auto* b = e_.body_as_DispenseGranted();
        return dispense_decision(b->quarters(), RequestStatus::kGranted, b->decided_days(),
                                 b->decision_ref(), nullptr, cents(b->amount_cents()));
      }
      case EventBody::DispenseRefused: {
        const auto* b = e_.body_as_DispenseRefused();
        return dispense_decision(b->quarters(), RequestStatus::kRefused, b->decided_days(),
                                 b->decision_ref(), b->appeal());
      }
      case EventBody::ContestFiled: return on(*e_.body_as_ContestFiled());
      case EventBody::ContestDecided: return on(*e_.body_as_ContestDecided());
      case EventBody::BenefitClaimed: return on(*e_.body_as_BenefitClaimed());
      case EventBody::BenefitGranted: return on(*e_.body_as_BenefitGranted());
      case EventBody::BenefitRefused: return on(*e_.body_as_BenefitRefused());
      case EventBody::BenefitPaid: return on(*e_.body_as_BenefitPaid());
      case EventBody::OverpaymentClaimed: return on(*e_.body_as_OverpaymentClaimed());
      case EventBody::SuspenseItemRecorded:
      case EventBody::SuspenseItemMatched:
      case EventBody::CompanyRegistered:
      case EventBody::CompanyDirectorAdded:
      case EventBody::CompanyDirectorRemoved:
      case EventBody::BalanceSheetReported:
      case EventBody::CompanyContributionAssessed:
        return corrupt(
            evolve_rules::kNotAPersonEvent,
            std::string(schemas::EnumNameEventBody(e_.body_type())) + " does not concern a person");
    }
    return corrupt(evolve_rules::kMalformedEvent, "unknown event type");
  }

 private:
  Date effective() const { return Date::from_days(e_.effective_days()); }

  void book(EntryKind kind, DebtRef debt, Date date, Money amount, std::string reference) {
    domain::book(entries_, kind, debt, date, amount, std::move(reference));
  }
  void book_credit(EntryKind kind, DebtRef debt, Date date, Money amount, std::string reference) {
    book(kind, debt, date, cents(-amount.cents()), std::move(reference));
  }

  PaidInYear& paid_in(Date date) { return s_.paid_by_year[date.year()]; }

  // What a line charges moved from `before` to `after` (principal()): the
  // fees part as the fees changed, the contribution part the rest (a
  // written-off principal floors at 0).
  void book_principal(EntryKind contribution_kind, EntryKind fees_kind, DebtRef ref, Date date,
                      Money before, Money after, Money fees_before, Money fees_after) {
    const Money total = sub(after, before);
    const Money fees = sub(fees_after, fees_before);
    book(contribution_kind, ref, date, sub(total, fees), "");
    book(fees_kind, ref, date, fees, "");
  }

  // Adds `amount` paid on `component` of `line` to the year of `date`.
  void count_paid(const DebtLine& line, schemas::DebtKind component, Money amount, Date date) {
    PaidInYear& y = paid_in(date);
    const bool regularisation = line.kind == DebtLineKind::kRegularisation;
    switch (component) {
      case schemas::DebtKind::Contribution:
      case schemas::DebtKind::Regularisation:
        if (regularisation) {
          y.regularisation = add(y.regularisation, amount);
        } else {
          y.contributions = add(y.contributions, amount);
        }
        break;
      case schemas::DebtKind::Fees:
      case schemas::DebtKind::RegularisationFees:
        if (regularisation) {
          y.regularisation = add(y.regularisation, amount);
        } else {
          y.fees = add(y.fees, amount);
        }
        break;
      case schemas::DebtKind::Surcharge: y.surcharges = add(y.surcharges, amount); break;
      case schemas::DebtKind::Costs:
      case schemas::DebtKind::CompanyContribution: y.costs = add(y.costs, amount); break;
    }
  }

  // What was paid on a line beyond what it now charges goes back to credit,
  // and leaves the paid totals of the year in which it moved. A dispensed
  // line keeps what was paid (it may still be paid for the pension).
  // `paid_contribution_before`: what the paid principal counted as
  // contribution before the line changed (a reassessment changes the split).
  void settle(DebtLine& line, const Money* paid_contribution_before = nullptr) {
    if (!line.dispensed && line.principal_paid > line.principal()) {
      const Money excess = sub(line.principal_paid, line.principal());
      const Money contribution_before = paid_contribution_before != nullptr
                                            ? *paid_contribution_before
                                            : line.contribution_paid();
      const Money fees_before = sub(line.principal_paid, contribution_before);
      line.principal_paid = line.principal();
      const Money contribution_after = line.contribution_paid();
      const Money fees_after = sub(line.principal_paid, contribution_after);
      count_paid(line, schemas::DebtKind::Contribution,
                 sub(contribution_after, contribution_before), decided_);
      count_paid(line, schemas::DebtKind::Fees, sub(fees_after, fees_before), decided_);
      s_.credit = add(s_.credit, excess);
    }
    const Money surcharges = max(line.charged_surcharges(), Money::zero());
    if (line.surcharges_paid > surcharges) {
      const Money excess = sub(line.surcharges_paid, surcharges);
      line.surcharges_paid = surcharges;
      count_paid(line, schemas::DebtKind::Surcharge, cents(-excess.cents()), decided_);
      s_.credit = add(s_.credit, excess);
    }
    if (!line.dispensed && line.costs_paid > line.costs) {
      const Money excess = sub(line.costs_paid, line.costs);
      line.costs_paid = line.costs;
      count_paid(line, schemas::DebtKind::Costs, cents(-excess.cents()), decided_);
      s_.credit = add(s_.credit, excess);
    }
  }

  Status require_registered() const {
    if (!s_.registered) {
      return corrupt(
          evolve_rules::kPersonNotRegistered,
          std::string(schemas::EnumNameEventBody(e_.body_type())) + " before PersonRegistered");
    }
    return {};
  }

  template <typename F>
  Status registered(F&& mutate) {
    KASSA_TRY(require_registered());
    mutate();
    return {};
  }

  Status on(const schemas::PersonRegistered& b) {
    if (s_.registered) {
      return corrupt(evolve_rules::kAlreadyRegistered, "a second PersonRegistered");
    }
    auto start_q = quarter_of(b.start_quarter(), "start_quarter");
    KASSA_TRY(start_q);
    std::optional<Quarter> assess_from;
    if (b.assess_from() != 0) {
      auto from = quarter_of(b.assess_from(), "assess_from");
      KASSA_TRY(from);
      assess_from = *from;
    }
    auto party = PartyId::parse(str(e_.aggregate_key()), "aggregate_key");
    if (!party) return corrupt(evolve_rules::kMalformedEvent, party.error().message);
    s_.registered = true;
    s_.party_id = std::move(party).value();
    s_.member_number = b.member_number();
    s_.registered_on = effective();
    s_.initial_category = from_schema(b.category());
    s_.starter = b.starter();
    s_.affiliated_before_start = b.affiliated_before_start();
    s_.previous_fund = str(b.previous_fund());
    s_.has_account = b.has_account();
    s_.assess_from = assess_from;
    s_.periods.push_back({Date::from_days(b.start_days()), *start_q, std::nullopt, std::nullopt,
                          schemas::CessationReason::Stopped});
    return {};
  }

  Status on(const schemas::CategoryChanged& b) {
    KASSA_TRY(require_registered());
    auto from = quarter_of(b.from_quarter(), "from_quarter");
    KASSA_TRY(from);
    // A correction replaces a change from the same quarter; keep the order.
    auto& changes = s_.category_changes;
    changes.erase(std::remove_if(changes.begin(), changes.end(),
                                 [&](const CategoryChange& c) { return c.from == *from; }),
                  changes.end());
    changes.push_back({*from, from_schema(b.to_category())});
    std::stable_sort(
        changes.begin(), changes.end(),
        [](const CategoryChange& a, const CategoryChange& c) { return a.from < c.from; });
    return {};
  }

  Status on(const schemas::ActivityCeased& b) {
    KASSA_TRY(require_registered());
    auto end_q = quarter_of(b.end_quarter(), "end_quarter");
    KASSA_TRY(end_q);
    auto& period = s_.periods.back();
    period.end = Date::from_days(b.end_days());
    period.end_quarter = *end_q;
    period.end_reason = b.reason();
    return {};
  }

  Status on(const schemas::ActivityResumed& b) {
    KASSA_TRY(require_registered());
    auto start_q = quarter_of(b.start_quarter(), "start_quarter");
    KASSA_TRY(start_q);
    s_.periods.push_back({Date::from_days(b.start_days()), *start_q, std::nullopt, std::nullopt,
                          schemas::CessationReason::Stopped});
    s_.category_changes.push_back({*start_q, from_schema(b.category())});
    s_.starter = b.starter();
    return {};
  }

  Status on(const schemas::PersonDied& b) {
    return registered([&] { s_.death = Date::from_days(b.death_days()); });
  }

  Status on(const schemas::IncomeNotified& b) {
    return registered([&] {
      s_.incomes[b.income_year()] = {cents(b.net_income_cents()), b.source(),
                                     Date::from_days(b.notified_days())};
    });
  }

  Status on(const schemas::ProvisionalBaseChanged& b) {
    return registered([&] {
      s_.provisional_bases[b.year()] = {cents(b.base_cents()), b.basis(), str(b.reason_code())};
    });
  }

  Status on(const schemas::ContributionAssessed& b) {
    KASSA_TRY(require_registered());
    auto q = quarter_of(b.quarter(), "quarter");
    KASSA_TRY(q);
    DebtLine line;
    Money old_principal, old_fees, old_paid_contribution;
    auto existing = s_.quarter_lines.find(*q);
    if (existing != s_.quarter_lines.end()) {  // a reassessment
      line = existing->second;
      old_principal = line.principal();
      if (!line.cancelled && !line.dispensed) old_fees = line.fees;
      old_paid_contribution = line.contribution_paid();
    }
    line.kind = DebtLineKind::kQuarterly;
    line.quarter = *q;
    line.year = q->year();
    line.category = from_schema(b.category());
    line.assessment = b.kind();
    line.base = cents(b.base_cents());
    line.contribution = cents(b.contribution_cents());
    line.fees = cents(b.fees_cents());
    line.primo_reduction = cents(b.primo_reduction_cents());
    line.fee_rate_bp = b.fees_rate_bp();
    line.due = Date::from_days(b.due_days());
    line.cancelled = false;
    line.starter = s_.starter;
    line.grace = grace_for(*q);
    if (!line.dispensed) {
      book_principal(EntryKind::kContribution, EntryKind::kFees, DebtRef::of_quarter(*q), decided_,
                     old_principal, line.principal(), old_fees, line.fees);
    }
    DebtLine& stored = s_.quarter_lines[*q] = std::move(line);
    settle(stored, &old_paid_contribution);
    return {};
  }

  // A starter affiliated before starting: one extra quarter on each of the
  // first two contributions (DOMAIN §4).
  StarterGrace grace_for(Quarter q) const {
    auto start = s_.start_quarter();
    if (!s_.affiliated_before_start || !start) return StarterGrace::kNone;
    return q.quarters_since(*start) < 2 && q >= *start ? StarterGrace::kExtraQuarter
                                                       : StarterGrace::kNone;
  }

  Status on(const schemas::ContributionCancelled& b) {
    KASSA_TRY(require_registered());
    auto q = quarter_of(b.quarter(), "quarter");
    KASSA_TRY(q);
    auto it = s_.quarter_lines.find(*q);
    if (it == s_.quarter_lines.end()) {
      return corrupt(evolve_rules::kUnknownDebtLine, "cancelling unassessed " + q->format());
    }
    const Money before = it->second.principal();
    it->second.cancelled = true;
    book_credit(EntryKind::kCancellation, DebtRef::of_quarter(*q), decided_, before,
                schemas::EnumNameCancellationReason(b.reason()));
    settle(it->second);
    return {};
  }

  Status on(const schemas::PaymentNoticeIssued& b) {
    KASSA_TRY(require_registered());
    Notice notice{b.kind(),
                  b.quarter(),
                  b.year(),
                  str(b.structured_communication()),
                  cents(b.amount_cents()),
                  Date::from_days(b.sent_days()),
                  Date::from_days(b.due_days())};
    DebtLine* line = nullptr;
    if (b.kind() == schemas::NoticeKind::Quarterly ||
        b.kind() == schemas::NoticeKind::Regularisation) {
      auto q = quarter_of(b.quarter(), "quarter");
      KASSA_TRY(q);
      if (b.kind() == schemas::NoticeKind::Quarterly) {
        auto it = s_.quarter_lines.find(*q);
        if (it != s_.quarter_lines.end()) line = &it->second;
      } else {
        auto it = s_.regularisation_lines.find(b.year());
        if (it != s_.regularisation_lines.end() && it->second.quarter == *q) line = &it->second;
      }
      if (line == nullptr) {
        return corrupt(evolve_rules::kUnknownDebtLine, "a notice for no debt in " + q->format());
      }
    } else if (b.kind() == schemas::NoticeKind::CompanyContribution) {
      return corrupt(evolve_rules::kNotAPersonEvent, "a company notice on a person");
    }
    if (line != nullptr) {
      line->notice = notice;
      if (line->stage == CollectionStage::kNone) line->stage = CollectionStage::kNotice;
    }
    s_.notices.push_back(std::move(notice));
    ++s_.notices_issued;
    return {};
  }

  Status on(const schemas::RegularisationComputed& b) {
    KASSA_TRY(require_registered());
    if (!quarter_from_code(b.year() * 10u + 4u)) {
      return corrupt(evolve_rules::kMalformedEvent, "regularisation of no year");
    }
    RegularisationFact fact{b.year(),
                            cents(b.final_income_cents()),
                            cents(b.provisional_contribution_cents()),
                            cents(b.provisional_fees_cents()),
                            cents(b.final_contribution_cents()),
                            cents(b.final_fees_cents()),
                            cents(b.difference_cents()),
                            Date::from_days(b.statement_days()),
                            Date::from_days(b.due_days()),
                            {}};
    if (b.quarters() != nullptr) {
      for (const auto* qa : *b.quarters()) {
        auto q = quarter_of(qa->quarter(), "quarters.quarter");
        KASSA_TRY(q);
        fact.quarters.push_back({*q, cents(qa->contribution_cents()), cents(qa->fees_cents())});
      }
    }
    const DebtRef ref = DebtRef::regularisation(b.year());
    // A second statement for the year replaces the first: its line keeps
    // what was paid, surcharged and charged on it, and books the change.
    auto old = s_.regularisation_lines.find(b.year());
    const bool replaces = old != s_.regularisation_lines.end();
    const Money old_principal = replaces ? old->second.principal() : Money::zero();
    const Money old_fees = replaces && !old->second.cancelled ? old->second.fees : Money::zero();
    const Money old_paid_contribution = replaces ? old->second.contribution_paid() : Money::zero();
    if (fact.difference.is_positive()) {
      DebtLine line = replaces ? old->second : DebtLine{};
      line.cancelled = false;
      line.kind = DebtLineKind::kRegularisation;
      line.quarter = Quarter::containing(fact.statement);
      line.year = b.year();
      if (auto q4 = quarter_from_code(b.year() * 10u + 4u)) line.category = s_.category_in(*q4);
      line.assessment = schemas::AssessmentKind::Final;
      line.base = fact.final_income;
      line.contribution =
          max(cents(fact.final_contribution.cents() - fact.provisional_contribution.cents()),
              Money::zero());
      line.fees = cents(fact.difference.cents() - line.contribution.cents());
      line.due = fact.due;
      book_principal(EntryKind::kRegularisation, EntryKind::kRegularisationFees, ref,
                     fact.statement, old_principal, line.principal(), old_fees, line.fees);
      DebtLine& stored = s_.regularisation_lines[b.year()] = std::move(line);
      settle(stored, &old_paid_contribution);
    } else {
      if (replaces && !old->second.cancelled) {
        book_principal(EntryKind::kRegularisation, EntryKind::kRegularisationFees, ref,
                       fact.statement, old_principal, Money::zero(), old_fees, Money::zero());
        old->second.cancelled = true;
        settle(old->second);
      }
      if (fact.difference.is_negative()) {
        s_.refund_due = add(s_.refund_due, cents(-fact.difference.cents()));
        book_credit(EntryKind::kRegularisationRefund, ref, fact.statement,
                    cents(-fact.difference.cents()), "");
      }
    }
    s_.regularisations[b.year()] = fact;
    return {};
  }

  Status on(const schemas::ContributionFreeQuarterGranted& b) {
    KASSA_TRY(require_registered());
    auto q = quarter_of(b.quarter(), "quarter");
    KASSA_TRY(q);
    s_.quarter_facts[*q].free_reason = b.reason();
    return {};
  }

  Status on(const schemas::PaymentReceived& b) {
    return registered([&] {
      PaymentFact p{str(b.bank_ref()), cents(b.amount_cents()), Date::from_days(b.value_days()),
                    str(b.structured_communication()), b.channel()};
      if (!p.bank_ref.empty()) s_.bank_refs.insert(p.bank_ref);
      // Unallocated until its PaymentAllocated moves it onto debts.
      s_.credit = add(s_.credit, p.amount);
      book_credit(EntryKind::kPayment, DebtRef::none(), p.value_date, p.amount,
                  !p.communication.empty() ? p.communication : p.bank_ref);
      s_.payments.push_back(std::move(p));
    });
  }

  // The payment's value date is the allocation's effective date. A line
  // naming a key with several candidate debts fills them in lines() order up
  // to each one's open amount; the last candidate takes any rest.
  Status on(const schemas::PaymentAllocated& b) {
    KASSA_TRY(require_registered());
    struct Target {
      DebtLine* line;
      schemas::DebtKind kind;
      Money amount;
    };
    std::vector<Target> targets;
    // Open amounts as this allocation fills them.
    std::map<const DebtLine*, std::int64_t> principal_filled, surcharge_filled, cost_filled;
    if (b.lines() != nullptr) {
      for (const auto* l : *b.lines()) {
        auto q = quarter_of(l->quarter(), "lines.quarter");
        KASSA_TRY(q);
        std::vector<DebtLine*> candidates;
        for (auto* c : s_.lines_for(*q)) {
          bool quarterly = c->kind == DebtLineKind::kQuarterly;
          switch (l->kind()) {
            case schemas::DebtKind::Contribution:
            case schemas::DebtKind::Fees:
              if (quarterly) candidates.push_back(c);
              break;
            case schemas::DebtKind::Regularisation:
            case schemas::DebtKind::RegularisationFees:
              if (!quarterly) candidates.push_back(c);
              break;
            case schemas::DebtKind::Surcharge:
            case schemas::DebtKind::Costs: candidates.push_back(c); break;
            case schemas::DebtKind::CompanyContribution:
              return corrupt(evolve_rules::kNotAPersonEvent, "a company debt on a person");
          }
        }
        if (candidates.empty()) {
          return corrupt(evolve_rules::kUnknownDebtLine, "allocation to no debt in " + q->format());
        }
        std::int64_t rest = l->amount_cents();
        for (std::size_t i = 0; i < candidates.size() && rest > 0; ++i) {
          DebtLine* c = candidates[i];
          std::int64_t open = 0;
          std::map<const DebtLine*, std::int64_t>* filled = nullptr;
          if (l->kind() == schemas::DebtKind::Surcharge) {
            open = c->open_surcharges().cents();
            filled = &surcharge_filled;
          } else if (l->kind() == schemas::DebtKind::Costs) {
            open = c->open_costs().cents();
            filled = &cost_filled;
          } else {
            open = c->open_principal().cents();
            filled = &principal_filled;
          }
          open -= (*filled)[c];
          std::int64_t take =
              i + 1 == candidates.size() ? rest : std::min(rest, std::max<std::int64_t>(open, 0));
          if (take <= 0) continue;
          (*filled)[c] += take;
          rest -= take;
          targets.push_back({c, l->kind(), cents(take)});
        }
      }
    }
    AccountEntry entry;
    entry.kind = EntryKind::kAllocation;
    entry.date = effective();
    for (auto& t : targets) {
      // A dispensed line is owed nothing: what an allocation names for it
      // stays credit (decide never names one; a hand-made log may).
      if (t.line->dispensed && t.kind != schemas::DebtKind::Surcharge) continue;
      switch (t.kind) {
        case schemas::DebtKind::Contribution:
        case schemas::DebtKind::Fees:
        case schemas::DebtKind::Regularisation:
        case schemas::DebtKind::RegularisationFees:
          t.line->principal_paid = add(t.line->principal_paid, t.amount);
          t.line->principal_payments.push_back({effective(), t.amount});
          break;
        case schemas::DebtKind::Surcharge:
          t.line->surcharges_paid = add(t.line->surcharges_paid, t.amount);
          break;
        case schemas::DebtKind::Costs:
        case schemas::DebtKind::CompanyContribution:
          t.line->costs_paid = add(t.line->costs_paid, t.amount);
          break;
      }
      count_paid(*t.line, t.kind, t.amount, effective());
      s_.credit = sub(s_.credit, t.amount);
      entry.allocation.push_back({ref_of(*t.line), t.kind, t.amount});
      if (entry.reference.empty()) entry.reference = communication_of(*t.line);
    }
    // A line filled beyond what it charges (the last candidate takes any
    // rest) gives the excess back to credit.
    for (auto& t : targets) settle(*t.line);
    entry.left_as_credit = cents(b.credit_cents());
    entries_.push_back(std::move(entry));
    return {};
  }

  Status on(const schemas::RefundIssued& b) {
    return registered([&] {
      Money amount = cents(b.amount_cents());
      // A regularisation refund is paid from what the fund owes first.
      Money from_due = min(amount, s_.refund_due);
      s_.refund_due = cents(s_.refund_due.cents() - from_due.cents());
      s_.credit = cents(s_.credit.cents() - (amount.cents() - from_due.cents()));
      s_.refunded = add(s_.refunded, amount);
      const Date paid = Date::from_days(b.paid_days());
      if (!str(b.refund_ref()).empty()) s_.refunds_by_ref[str(b.refund_ref())] = {amount, paid};
      // What was paid back of a regularisation (from refund_due) reduces the
      // year's deductible contributions, whatever reason the refund gives.
      paid_in(paid).refunded = add(paid_in(paid).refunded, from_due);
      book(EntryKind::kRefund, DebtRef::none(), paid, amount, str(b.refund_ref()));
    });
  }

  Status on(const schemas::CostsCharged& b) {
    KASSA_TRY(require_registered());
    auto q = quarter_of(b.quarter(), "quarter");
    KASSA_TRY(q);
    auto candidates = s_.lines_for(*q);
    if (candidates.empty()) {
      return corrupt(evolve_rules::kUnknownDebtLine, "costs on no debt in " + q->format());
    }
    DebtLine& line = *candidates.front();
    const Money before = line.open_costs();
    line.costs = add(line.costs, cents(b.amount_cents()));
    s_.costs_charged = add(s_.costs_charged, cents(b.amount_cents()));
    // A dispensed line owes no costs.
    book(EntryKind::kCosts, ref_of(line), Date::from_days(b.charged_days()),
         sub(line.open_costs(), before), communication_of(line));
    return {};
  }

  Status on(const schemas::SurchargeApplied& b) {
    KASSA_TRY(require_registered());
    DebtLine* line = surcharge_target(s_, b.kind(), b.quarter(), b.year());
    if (line == nullptr) {
      return corrupt(evolve_rules::kUnknownDebtLine,
                     "a surcharge on no debt: " + std::to_string(b.quarter()));
    }
    line->surcharges_applied = add(line->surcharges_applied, cents(b.amount_cents()));
    if (b.kind() == schemas::SurchargeKind::Yearly7) {
      line->yearly_surcharge_applied = true;
    } else {
      line->quarterly_surcharge_dates.push_back(Date::from_days(b.applied_days()));
    }
    book(b.kind() == schemas::SurchargeKind::Yearly7 ? EntryKind::kYearlySurcharge
                                                     : EntryKind::kQuarterlySurcharge,
         ref_of(*line), Date::from_days(b.applied_days()), cents(b.amount_cents()),
         communication_of(*line));
    return {};
  }

  Status on(const schemas::SurchargeReduced& b) {
    KASSA_TRY(require_registered());
    DebtLine* line = surcharge_target(s_, b.kind(), b.quarter(), b.year());
    if (line == nullptr) return corrupt(evolve_rules::kUnknownDebtLine, "reduction of no debt");
    line->surcharges_reduced = add(line->surcharges_reduced, cents(b.amount_cents()));
    book_credit(EntryKind::kSurchargeReduction, ref_of(*line), decided_, cents(b.amount_cents()),
                str(b.reason_code()));
    settle(*line);
    return {};
  }

  Status on(const schemas::SurchargeWaived& b) {
    KASSA_TRY(require_registered());
    DebtLine* line = surcharge_target(s_, b.kind(), b.quarter(), b.year());
    if (line == nullptr) return corrupt(evolve_rules::kUnknownDebtLine, "waiver of no debt");
    line->surcharges_waived = add(line->surcharges_waived, cents(b.amount_cents()));
    book_credit(EntryKind::kSurchargeWaiver, ref_of(*line), decided_, cents(b.amount_cents()),
                communication_of(*line));
    settle(*line);
    return {};
  }

  template <typename F>
  Status for_quarters(const flatbuffers::Vector<std::uint16_t>* codes, F&& mutate_line) {
    KASSA_TRY(require_registered());
    auto quarters = quarters_of(codes);
    KASSA_TRY(quarters);
    for (auto q : *quarters) {
      for (auto* line : s_.lines_for(q)) mutate_line(*line);
    }
    return {};
  }

  Status on(const schemas::ReminderSent& b) {
    Date sent = Date::from_days(b.sent_days());
    return for_quarters(b.quarters(), [&](DebtLine& line) {
      if (line.open_principal().is_zero()) return;
      line.reminder_sent = sent;
      if (line.stage < CollectionStage::kReminder) line.stage = CollectionStage::kReminder;
    });
  }

  Status on(const schemas::FormalNoticeSent& b) {
    Date sent = Date::from_days(b.sent_days());
    return for_quarters(b.quarters(), [&](DebtLine& line) {
      if (line.open_total().is_zero()) return;
      line.formal_notice_sent = sent;
      if (line.stage < CollectionStage::kFormalNotice) line.stage = CollectionStage::kFormalNotice;
    });
  }

  Status on(const schemas::PersonalContactRecorded& b) {
    return registered([&] {
      ++s_.personal_contacts;
      if (b.reached()) ++s_.personal_contacts_reached;
      s_.last_personal_contact = Date::from_days(b.contact_days());
    });
  }

  Status on(const schemas::ContrainteServed& b) {
    Date served = Date::from_days(b.served_days());
    KASSA_TRY(for_quarters(b.quarters(), [&](DebtLine& line) {
      if (line.open_total().is_zero()) return;
      line.contrainte_served = served;
      line.stage = CollectionStage::kContrainteServed;
    }));
    ++s_.contraintes_served;
    return {};
  }

  // A request recorded: pending until a decision takes its quarters.
  void request_made(RequestKind kind, Date on, std::vector<std::uint16_t> quarters,
                    Money amount = {}) {
    s_.requests.push_back({kind,
                           on,
                           std::move(quarters),
                           RequestStatus::kPending,
                           std::nullopt,
                           {},
                           std::nullopt,
                           amount});
  }

  // A decision on `kind` for `quarters`: they leave the pending requests
  // that held them (one plan request is pending at a time: a plan's
  // decision takes it whole, and a refusal, which names no quarters,
  // decides the request's), and the decision is recorded with the date of
  // the request it answers (its own date when there was none). `amount`:
  // a granted plan's total, what a granted waiver or dispense relieves; a
  // plan's refusal keeps the request's (a waiver's or dispense's records
  // none: its request's amount covered quarters it may not decide).
  void request_decided(RequestKind kind, std::vector<std::uint16_t> quarters, RequestStatus status,
                       Date on, std::string ref, std::optional<AppealInfo> appeal,
                       std::optional<Money> amount = std::nullopt) {
    const bool plan = kind == RequestKind::kPaymentPlan;
    std::optional<Date> requested;
    Money asked;
    for (RequestRecord& r : s_.requests) {
      if (r.kind != kind || r.status != RequestStatus::kPending) continue;
      const std::size_t before = r.quarters.size();
      if (plan) {
        if (quarters.empty()) quarters = r.quarters;
        asked = r.amount;
        r.quarters.clear();
      } else {
        std::erase_if(r.quarters, [&](std::uint16_t q) {
          return std::find(quarters.begin(), quarters.end(), q) != quarters.end();
        });
        // What the request asked covered its quarters together: for the
        // ones still pending it is not known (a waiver's amount of zero).
        if (r.quarters.size() != before) r.amount = Money{};
      }
      if (r.quarters.size() != before || plan) {
        requested = requested ? std::min(*requested, r.requested) : r.requested;
      }
    }
    std::erase_if(s_.requests, [&](const RequestRecord& r) {
      return r.kind == kind && r.status == RequestStatus::kPending && r.quarters.empty();
    });
    s_.requests.push_back({kind, requested.value_or(on), std::move(quarters), status, on,
                           std::move(ref), std::move(appeal), amount.value_or(asked)});
  }

  Status on(const schemas::PaymentPlanRequested& b) {
    return registered([&] {
      request_made(RequestKind::kPaymentPlan, Date::from_days(b.requested_days()),
                   codes_of(b.quarters()), cents(b.amount_cents()));
      s_.requests.back().proposed_instalments = b.proposed_instalments();
    });
  }

  Status on(const schemas::PaymentPlanGranted& b) {
    return registered([&] {
      PaymentPlan plan;
      plan.ref = str(b.plan_ref());
      plan.granted = Date::from_days(b.granted_days());
      plan.quarters = codes_of(b.quarters());
      plan.total = cents(b.total_cents());
      if (b.instalments() != nullptr) {
        for (const auto* i : *b.instalments()) {
          plan.instalments.emplace_back(Date::from_days(i->due_days()), cents(i->amount_cents()));
        }
      }
      request_decided(RequestKind::kPaymentPlan, plan.quarters, RequestStatus::kGranted,
                      plan.granted, plan.ref, std::nullopt, plan.total);
      s_.plans.push_back(std::move(plan));
    });
  }

  Status on(const schemas::PaymentPlanBreached& b) {
    return registered([&] {
      std::string ref = str(b.plan_ref());
      for (auto& plan : s_.plans) {
        if (plan.ref == ref && !plan.breached) {
          plan.breached = true;
          plan.breached_on = Date::from_days(b.breached_days());
        }
      }
    });
  }

  Status on(const schemas::WaiverRequested& b) {
    KASSA_TRY(require_registered());
    auto quarters = quarters_of(b.quarters());
    KASSA_TRY(quarters);
    for (auto q : *quarters) {
      auto& f = s_.quarter_facts[q];
      f.waiver = RequestStatus::kPending;
      f.waiver_requested = Date::from_days(b.requested_days());
    }
    // The surcharges the request asks to waive, for all its quarters.
    request_made(RequestKind::kWaiver, Date::from_days(b.requested_days()), codes_of(b.quarters()),
                 cents(b.surcharges_cents()));
    return {};
  }

  // `amount`: what a grant waives.
  Status waiver_decision(const flatbuffers::Vector<std::uint16_t>* codes, RequestStatus status,
                         std::int32_t decided_days, const flatbuffers::String* ref,
                         const schemas::Appeal* appeal,
                         std::optional<Money> amount = std::nullopt) {
    KASSA_TRY(require_registered());
    auto quarters = quarters_of(codes);
    KASSA_TRY(quarters);
    for (auto q : *quarters) s_.quarter_facts[q].waiver = status;
    request_decided(RequestKind::kWaiver, codes_of(codes), status, Date::from_days(decided_days),
                    str(ref), appeal_of(appeal), amount.value_or(Money{}));
    return {};
  }

  Status on(const schemas::DispenseRequested& b) {
    KASSA_TRY(require_registered());
    auto quarters = quarters_of(b.quarters());
    KASSA_TRY(quarters);
    for (auto q : *quarters) {
      auto& f = s_.quarter_facts[q];
      f.dispense = RequestStatus::kPending;
      f.dispense_requested = Date::from_days(b.requested_days());
    }
    request_made(RequestKind::kDispense, Date::from_days(b.requested_days()),
                 codes_of(b.quarters()));
    return {};
  }

  // A dispense covers whole quarters: contribution, fees, surcharges, costs
  // (`amount`: what a grant dispenses).
  Status dispense_decision(const flatbuffers::Vector<std::uint16_t>* codes, RequestStatus status,
                           std::int32_t decided_days, const flatbuffers::String* ref,
                           const schemas::Appeal* appeal,
                           std::optional<Money> amount = std::nullopt) {
    KASSA_TRY(require_registered());
    auto quarters = quarters_of(codes);
    KASSA_TRY(quarters);
    request_decided(RequestKind::kDispense, codes_of(codes), status, Date::from_days(decided_days),
                    str(ref), appeal_of(appeal), amount.value_or(Money{}));
    for (auto q : *quarters) {
      s_.quarter_facts[q].dispense = status;
      if (status != RequestStatus::kGranted) continue;
      auto it = s_.quarter_lines.find(q);
      if (it == s_.quarter_lines.end() || it->second.dispensed) continue;
      auto& line = it->second;
      const Money open = line.open_total();
      line.surcharges_dispensed = line.open_surcharges();
      line.dispensed = true;
      book_credit(EntryKind::kDispense, DebtRef::of_quarter(q), decided_, open,
                  communication_of(line));
    }
    return {};
  }

  Status on(const schemas::ContestFiled& b) {
    return registered([&] {
      Contest c;
      c.case_ref = str(b.case_ref());
      c.filed = Date::from_days(b.filed_days());
      c.quarters = codes_of(b.quarters());
      c.amount = cents(b.amount_cents());
      s_.contests.push_back(std::move(c));
    });
  }

  // What a decision cancels comes off the open principal of the contested
  // quarters' lines (in lines() order); what was already paid of it goes
  // back to credit.
  Status on(const schemas::ContestDecided& b) {
    return registered([&] {
      std::string ref = str(b.case_ref());
      Contest* contest = nullptr;
      for (auto& c : s_.contests) {
        if (c.case_ref == ref && !c.outcome) {
          contest = &c;
          break;
        }
      }
      const Money cancelled = cents(b.cancelled_cents());
      if (contest != nullptr) {
        contest->outcome = b.outcome();
        contest->decided = Date::from_days(b.decided_days());
        contest->cancelled = cancelled;
      }
      if (!cancelled.is_positive()) return;
      // Off the contested lines' principal; what was already paid of it
      // goes back to credit (settle) and out of the paid totals.
      Money rest = cancelled;
      if (contest != nullptr) {
        for (std::uint16_t code : contest->quarters) {
          auto q = quarter_from_code(code);
          if (!q) continue;
          for (DebtLine* line : s_.lines_for(*q)) {
            const Money take = min(rest, line->principal());
            if (!take.is_positive()) continue;
            line->principal_written_off = add(line->principal_written_off, take);
            rest = sub(rest, take);
            settle(*line);
          }
        }
      }
      // Beyond what the lines charge (decide refuses it; a hand-made log).
      s_.credit = add(s_.credit, rest);
      book_credit(EntryKind::kContestCancellation, DebtRef::none(),
                  Date::from_days(b.decided_days()), cancelled, ref);
    });
  }

  Status on(const schemas::BenefitClaimed& b) {
    return registered([&] {
      Benefit benefit;
      benefit.kind = b.kind();
      benefit.claim_ref = str(b.claim_ref());
      benefit.claimed = Date::from_days(b.claimed_days());
      benefit.ground = b.ground();
      if (b.event_days() != 0) benefit.event_date = Date::from_days(b.event_days());
      s_.benefits.push_back(std::move(benefit));
    });
  }

  Benefit* benefit_by_ref(const flatbuffers::String* ref, schemas::BenefitKind kind) {
    std::string r = str(ref);
    for (auto& b : s_.benefits) {
      if (b.claim_ref == r && b.kind == kind) return &b;
    }
    return nullptr;
  }

  Status on(const schemas::BenefitGranted& b) {
    KASSA_TRY(require_registered());
    Benefit* benefit = benefit_by_ref(b.claim_ref(), b.kind());
    if (benefit == nullptr) {
      // Granted proactively (maternity aid after a birth): no claim first.
      s_.benefits.push_back({});
      benefit = &s_.benefits.back();
      benefit->kind = b.kind();
      benefit->claim_ref = str(b.claim_ref());
      benefit->claimed = Date::from_days(b.decided_days());
    }
    benefit->status = BenefitStatus::kGranted;
    benefit->decided = Date::from_days(b.decided_days());
    benefit->start = Date::from_days(b.start_days());
    benefit->months = b.months();
    benefit->monthly_amount = cents(b.monthly_amount_cents());
    benefit->family_charge = b.family_charge();
    benefit->service_vouchers = b.service_vouchers();
    return {};
  }

  Status on(const schemas::BenefitRefused& b) {
    KASSA_TRY(require_registered());
    Benefit* benefit = benefit_by_ref(b.claim_ref(), b.kind());
    if (benefit == nullptr) {
      return corrupt(evolve_rules::kMalformedEvent, "refusal of an unknown claim");
    }
    benefit->status = BenefitStatus::kRefused;
    benefit->decided = Date::from_days(b.decided_days());
    benefit->appeal = appeal_of(b.appeal());
    return {};
  }

  Status on(const schemas::BenefitPaid& b) {
    return registered([&] {
      // The latest granted benefit of that kind.
      if (!str(b.payment_ref()).empty()) {
        s_.benefit_payments_by_ref[str(b.payment_ref())] = {cents(b.amount_cents()),
                                                            Date::from_days(b.paid_days())};
      }
      AccountEntry e;
      e.kind = EntryKind::kBenefitPaid;
      e.date = Date::from_days(b.paid_days());
      e.amount = cents(b.amount_cents());
      e.reference = str(b.payment_ref());
      entries_.push_back(std::move(e));
      for (auto it = s_.benefits.rbegin(); it != s_.benefits.rend(); ++it) {
        if (it->kind == b.kind() && it->status == BenefitStatus::kGranted) {
          it->paid = add(it->paid, cents(b.amount_cents()));
          return;
        }
      }
    });
  }

  Status on(const schemas::OverpaymentClaimed& b) {
    return registered([&] {
      s_.overpayments.push_back({b.kind(), cents(b.amount_cents()),
                                 Date::from_days(b.claimed_days()),
                                 b.appeal() != nullptr ? str(b.appeal()->reason_code()) : ""});
    });
  }

  PersonState& s_;
  const schemas::Envelope& e_;
  const Date decided_;
  Entries entries_;
};

}  // namespace

Status evolve(PersonState& state, const schemas::Envelope& envelope, Entries* entries) {
  if (envelope.aggregate_kind() != schemas::AggregateKind::Person) {
    return Error::corrupt(evolve_rules::kWrongAggregate, "not a Person event");
  }
  if (envelope.sequence() != state.last_sequence + 1) {
    return Error::corrupt(evolve_rules::kSequenceGap,
                          "expected sequence " + std::to_string(state.last_sequence + 1) +
                              ", got " + std::to_string(envelope.sequence()));
  }
  if (state.party_id && envelope.aggregate_key() != nullptr &&
      envelope.aggregate_key()->string_view() != state.party_id->str()) {
    return Error::corrupt(evolve_rules::kWrongAggregate, "event of another person");
  }
  // Handlers validate before they mutate; a failure leaves the state as is.
  KASSA_TRY(amounts_in_range(envelope));
  FoldArithmetic::clear();
  Folder folder(state, envelope);
  KASSA_TRY(folder.apply());
  if (FoldArithmetic::overflowed()) {
    // Amounts in range cannot add up this far but over an absurd history;
    // the state is then not to be trusted (the writer evicts it, the
    // projector records the refusal, kassa check reports it).
    return Error::corrupt("MoneyOverflow", "a sum of the person's amounts leaves int64 cents");
  }
  state.last_sequence = envelope.sequence();
  if (entries != nullptr) {
    for (auto& e : folder.entries()) entries->push_back(std::move(e));
  }
  return {};
}

}  // namespace kassa::domain
