#pragma once
// The read side's views of a person, computed from PersonState alone: the
// debt per line with its notice and stage, the collection outlook the work
// list and ServeContrainte share, the pension career, and the tax
// certificate. The projector stores them once per aggregate per batch;
// `kassa check` recomputes them from the stored state and compares. Nothing
// outside src/domain decides how money is allocated, which quarter or year
// a debt belongs to, how it ages, or when a contrainte may be served.
//
// Thread-safety: pure functions.

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/account.h"
#include "domain/career.h"
#include "domain/company_state.h"
#include "domain/enforcement.h"
#include "domain/fund_config.h"
#include "domain/person_state.h"
#include "domain/rulebook.h"

namespace kassa::domain {

std::string_view to_string(CollectionStage stage);  // "none", "notice", ... "contrainte-served"
std::string_view to_string(RequestStatus status);   // "none", "pending", "granted", "refused"

enum class PlanStatus : std::uint8_t { kNone = 0, kRequested, kGranted, kRefused, kBreached };
std::string_view to_string(PlanStatus status);

// One debt line as staff read it.
struct DebtLineView {
  DebtRef debt;                   // "2025-Q1" or "2023 regularisation"
  Quarter key = epoch_quarter();  // the quarter events address it by
  Category category = Category::kMain;
  schemas::AssessmentKind assessment = schemas::AssessmentKind::Provisional;
  Date due = epoch();
  std::string communication;  // the notice's structured communication; empty: none
  std::optional<Date> notice_sent;
  Money contribution;
  Money fees;
  Money principal;  // what the line charges now (0 once cancelled or dispensed)
  Money principal_paid;
  Money surcharges;  // applied - reduced - waived - dispensed
  Money surcharges_paid;
  Money costs;
  Money costs_paid;
  Money open_principal;
  Money open_surcharges;
  Money open_costs;
  Money open_total;
  CollectionStage stage = CollectionStage::kNone;  // current: none once nothing is open
  std::optional<Date> stage_date;
  bool cancelled = false;
  bool dispensed = false;
  RequestStatus dispense = RequestStatus::kNone;
  RequestStatus waiver = RequestStatus::kNone;
};

struct DebtView {
  std::vector<DebtLineView> lines;  // PersonState::lines() order
  Money outstanding;                // total_open()
  Money credit;                     // owed_to_member(): unallocated + regularisation refunds
  Money balance;                    // outstanding - credit
  CollectionStage stage = CollectionStage::kNone;
  PlanStatus plan = PlanStatus::kNone;
  std::string plan_ref;
  std::optional<Date> plan_date;
  Money plan_total;
  std::uint32_t contests_pending = 0;
  Money contest_cancelled;
  bool personal_contact = false;  // a contact that reached the person
  std::uint32_t contraintes_served = 0;
  std::optional<Date> last_formal_notice;
};

DebtView debt_view(const PersonState& state);

// What a contrainte's eligibility depends on apart from the day it is
// asked for, from the lines that may be enforced: open, not cancelled or
// dispensed, under a formal notice, no contrainte served on them yet.
struct ContrainteOutlook {
  std::optional<Date> earliest_formal_notice;
  std::optional<Date> latest_formal_notice;
  bool payment_plan_respected = false;
  bool contest_pending = false;
  ContrainteHistory history = ContrainteHistory::kFirstEver;
  bool personal_contact_recorded = false;
};
ContrainteOutlook contrainte_outlook(const PersonState& state);
// The facts may_serve_contrainte judges on `on`: the latest formal notice
// old enough when one is, else the latest one.
ContrainteFacts contrainte_facts(const ContrainteOutlook& outlook, const ReminderPolicy& policy,
                                 Date on);
// OK when a contrainte may be served on `on` (the rule ServeContrainte enforces).
Status may_serve_contrainte(const ContrainteOutlook& outlook, const ReminderPolicy& policy,
                            Date on);

// The collection work list's entry for a person: listed while something is
// open under a notice or a later step.
struct WorkListEntry {
  CollectionStage stage = CollectionStage::kNone;
  Money outstanding;
  ContrainteOutlook outlook;
  PlanStatus plan = PlanStatus::kNone;
  std::uint32_t contests_pending = 0;
};
std::optional<WorkListEntry> work_list_entry(const PersonState& state);

// The person's requests and what was decided, as staff and the person read
// them (DOMAIN §1: reasoned refusals with appeal information): payment
// plans, waivers and dispenses (PersonState::requests), contests and benefit
// claims. Ordered by the request's date; on one date, plans, waivers and
// dispenses as recorded, then contests, then benefits.
enum class RequestViewKind : std::uint8_t { kPaymentPlan, kWaiver, kDispense, kContest, kBenefit };
std::string_view to_string(RequestViewKind kind);  // "payment-plan", "waiver", ... "benefit"
struct RequestView {
  RequestViewKind kind = RequestViewKind::kPaymentPlan;
  std::optional<schemas::BenefitKind> benefit;  // benefits: which one
  std::string reference;  // the decision's, plan's, case's or claim's; empty while none
  std::vector<Quarter> quarters;
  Date requested = epoch();  // filed, claimed, or asked for
  // "pending", "granted", "refused", "breached" (a granted plan since
  // broken); contests: "pending", "upheld", "partly-upheld", "rejected",
  // "withdrawn".
  std::string_view status;
  std::optional<Date> decided;
  std::optional<AppealInfo> appeal;  // refusals
  // Plans: asked for, then granted; contests: contested; waivers: the
  // surcharges asked to waive, then waived; dispenses: dispensed. None
  // for benefits, a pending dispense, what is left pending of a request
  // partly decided, and a refused waiver or dispense.
  std::optional<Money> amount;
};
std::vector<RequestView> requests_view(const PersonState& state);

// One quarter of the pension career (DOMAIN §8). A regularised year's
// quarters owe their final contributions, and what was paid for the year
// (the provisional quarters and the supplement) counts in quarter order.
struct CareerQuarterView {
  Quarter quarter = epoch_quarter();
  Category category = Category::kMain;
  QuarterSituation situation = QuarterSituation::kNormal;
  Money contribution_due;
  Money contribution_paid;
  bool status_known = false;  // false: the rulebook does not know the year
  CareerStatus status = CareerStatus::kNotCounted;
  CareerReason reason = CareerReason::kUnpaid;
};
std::vector<CareerQuarterView> career_view(const PersonState& state, const Rulebook& rulebook);

// What one person adds to the statistics of a quarter (DOMAIN §1: figures
// for the authorities): their lines keyed by quarter, a regularisation
// supplement by its year (year*10), payments by the quarter of their value
// date. The statistics are the sums of these over every aggregate.
struct QuarterFigures {
  std::array<std::int64_t, 5> assessed_by_category{};  // lines not cancelled, by Category
  std::int64_t cancelled_quarters = 0;
  Money contribution;  // of the lines not cancelled
  Money fees;
  Money cancelled;  // contribution + fees of cancelled lines
  Money principal_paid;
  Money principal_open;
  Money surcharges;  // charged: applied - reduced - waived - dispensed
  Money surcharges_paid;
  std::int64_t dispensed_quarters = 0;
  Money dispensed;  // what a dispense left unpaid: principal, surcharges, costs
  std::int64_t payments = 0;
  Money collected;             // payments received, by value date
  Money company_contribution;  // companies' yearly contributions (year*10)
  Money company_paid;
  Money company_open;

  // Checked: rule "MoneyOverflow" when a sum leaves int64 (nothing is
  // changed then).
  Status add(const QuarterFigures& other);
  Status subtract(const QuarterFigures& other);
  bool operator==(const QuarterFigures&) const = default;
};
using Figures = std::map<std::uint16_t, QuarterFigures>;  // by quarter code; year*10 = yearly
Figures quarter_figures(const PersonState& state);
Figures quarter_figures(const CompanyState& state);

}  // namespace kassa::domain
