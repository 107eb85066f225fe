#pragma once
// Shared by the person_decide_*.cpp files; not part of the public API.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/person_decide.h"
#include "domain/schema_convert.h"

namespace kassa::domain::person_decide {

using Events = std::vector<NewEvent>;
using Decision = Result<Events>;

template <typename T>
NewEvent make(Date effective, T body, std::optional<Quarter> quarter = std::nullopt) {
  NewEvent e{effective, quarter, {}, std::nullopt};
  e.body.Set(std::move(body));
  return e;
}

inline Money cents(std::int64_t c) { return Money::from_cents(c); }
inline Money sum(Money a, Money b) { return Money::from_cents(a.cents() + b.cents()); }

std::vector<std::uint16_t> codes(const std::vector<Quarter>& quarters);

// ReasonRequired / AppealBodyRequired / AppealDeadlineRequired.
Status check_appeal(const AppealInfo& appeal);

Status require_registered(const PersonState& state);
Status require_quarters(const std::vector<Quarter>& quarters);

// The communication for the next notice(s) of this decision.
Result<std::string> next_communication(const PersonState& state, std::uint32_t already_in_decision);

// OK unless `ref` was recorded before: then <What>AlreadyRecorded (same
// amount) or <What>ReferenceConflict (another), both kConflict naming the
// amounts.
Status once_per_reference(const std::map<std::string, RecordedAmount>& recorded,
                          const std::string& ref, Money amount, const char* field,
                          const char* what);

// ContributionCancelled for every assessed, not cancelled quarter >= from.
Events cancel_from(const PersonState& state, Quarter from, schemas::CancellationReason reason);

// One decision per command (the file that holds it in brackets).
// person_decide.cpp: affiliation
Decision handle(const PersonState&, const RegisterPerson&, const DecisionContext&);
Decision handle(const PersonState&, const ChangeCategory&, const DecisionContext&);
Decision handle(const PersonState&, const CeaseActivity&, const DecisionContext&);
Decision handle(const PersonState&, const RecordDeath&, const DecisionContext&);
Decision handle(const PersonState&, const EraseRegistrationData&, const DecisionContext&);
Decision handle(const PersonState&, const ChangePersonalData&, const DecisionContext&);
// person_decide_assessment.cpp
Decision handle(const PersonState&, const NotifyIncome&, const DecisionContext&);
Decision handle(const PersonState&, const ChangeProvisionalBase&, const DecisionContext&);
Decision handle(const PersonState&, const AssessQuarter&, const DecisionContext&);
Decision handle(const PersonState&, const GrantContributionFreeQuarter&, const DecisionContext&);
Decision handle(const PersonState&, const RecordBirth&, const DecisionContext&);
// person_decide_collection.cpp: payments, surcharges, collection
Decision handle(const PersonState&, const RecordPayment&, const DecisionContext&);
Decision handle(const PersonState&, const IssueRefund&, const DecisionContext&);
Decision handle(const PersonState&, const ApplyQuarterEndSurcharges&, const DecisionContext&);
Decision handle(const PersonState&, const ApplyYearEndSurcharge&, const DecisionContext&);
Decision handle(const PersonState&, const RunReminders&, const DecisionContext&);
Decision handle(const PersonState&, const ServeContrainte&, const DecisionContext&);
Decision handle(const PersonState&, const RecordPersonalContact&, const DecisionContext&);
Decision handle(const PersonState&, const RequestPaymentPlan&, const DecisionContext&);
Decision handle(const PersonState&, const GrantPaymentPlan&, const DecisionContext&);
Decision handle(const PersonState&, const RefusePaymentPlan&, const DecisionContext&);
Decision handle(const PersonState&, const BreachPaymentPlan&, const DecisionContext&);
Decision handle(const PersonState&, const FileContest&, const DecisionContext&);
Decision handle(const PersonState&, const DecideContest&, const DecisionContext&);
// person_decide_requests.cpp: waivers, dispenses, benefits
Decision handle(const PersonState&, const RequestWaiver&, const DecisionContext&);
Decision handle(const PersonState&, const GrantWaiver&, const DecisionContext&);
Decision handle(const PersonState&, const RefuseWaiver&, const DecisionContext&);
Decision handle(const PersonState&, const RequestDispense&, const DecisionContext&);
Decision handle(const PersonState&, const GrantDispense&, const DecisionContext&);
Decision handle(const PersonState&, const RefuseDispense&, const DecisionContext&);
Decision handle(const PersonState&, const ClaimBenefit&, const DecisionContext&);
Decision handle(const PersonState&, const GrantBenefit&, const DecisionContext&);
Decision handle(const PersonState&, const RefuseBenefit&, const DecisionContext&);
Decision handle(const PersonState&, const PayBenefit&, const DecisionContext&);
Decision handle(const PersonState&, const ClaimOverpayment&, const DecisionContext&);

}  // namespace kassa::domain::person_decide
