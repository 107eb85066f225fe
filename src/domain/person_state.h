#pragma once
// PersonState: what the fund knows about one self-employed person (the
// Person aggregate, key = PartyId), folded from that person's events by
// evolve(). decide() (person_decide.h) reads it, and so does the read side:
// every read model (statement, debt, work list, career, tax certificate) is
// a view of this state (person_views.h) plus the account entries evolve()
// records (account.h). snapshot.h stores it.
//
// Debts. A person owes on two kinds of debt lines:
//   * a quarter's provisional (or final) contribution + management fees,
//     keyed by that quarter;
//   * a regularisation supplement for a year, keyed by the quarter in which
//     its statement was sent (its surcharges start one quarter later).
// Events address a line by a quarter code (year*10+q). SurchargeApplied /
// SurchargeReduced / SurchargeWaived also carry `year`: the contribution
// year, which for a regularisation line always differs from the statement
// quarter's year, so the pair is unambiguous (Yearly7 always addresses the
// quarter's line). Allocation lines carry a DebtKind: Contribution/Fees = the
// quarter's line, Regularisation/RegularisationFees = the regularisation
// lines of that statement quarter (oldest year first, up to each one's open
// principal); Surcharge/Costs go to the open lines of that key in the same
// order as lines() lists them (quarter's line first).
// Collection steps (ReminderSent, FormalNoticeSent, ContrainteServed) list
// quarter codes and mark every open line of that code.
//
// Money. A payment is credit (unallocated money) until its allocation moves
// it onto debt lines. When what a line charges falls below what was paid on
// it (a cancellation, a lower reassessment, a reduced surcharge), the excess
// goes back to credit. So balance() = open debt - credit - refund_due is
// what the account entries add up to, event by event.
//
// Thread-safety: a plain value; evolve() mutates it, nothing else does.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "domain/account.h"
#include "domain/appeal.h"
#include "domain/category.h"
#include "domain/date.h"
#include "domain/money.h"
#include "domain/party_id.h"
#include "domain/quarter.h"
#include "domain/result.h"
#include "domain/surcharge.h"
#include "schemas/envelope_generated.h"

namespace kassa::domain {

// Error rules of evolve().
namespace evolve_rules {
inline constexpr const char* kSequenceGap = "SequenceGap";
inline constexpr const char* kWrongAggregate = "WrongAggregate";    // not a Person event
inline constexpr const char* kNotAPersonEvent = "NotAPersonEvent";  // company / fund body
inline constexpr const char* kPersonNotRegistered = "PersonNotRegistered";
inline constexpr const char* kAlreadyRegistered = "PersonAlreadyRegistered";
inline constexpr const char* kUnknownDebtLine = "UnknownDebtLine";
inline constexpr const char* kMalformedEvent = "MalformedEvent";
}  // namespace evolve_rules

// Defaults for value members that have no default constructor.
inline Date epoch() { return Date::from_days(0); }
inline Quarter epoch_quarter() { return Quarter::containing(epoch()); }

enum class DebtLineKind { kQuarterly, kRegularisation };

// Contributions prescribe 5 years from 1 January after the contribution
// year (DOMAIN §4): on a day of year Y, years before Y - 5 are not charged.
inline constexpr int kPrescriptionYears = 5;

// The first quarter a fund may still charge on `business_date` for an
// affiliation from `start`: the start, or `assess_from` when later (the
// previous fund assessed the quarters before), never a prescribed year.
Quarter first_chargeable_quarter(Quarter start, std::optional<Quarter> assess_from,
                                 Date business_date);

struct Notice {
  schemas::NoticeKind kind = schemas::NoticeKind::Quarterly;
  std::uint16_t quarter = 0;  // year*10+q; 0 = none
  int year = 0;
  std::string communication;  // 12 digits
  Money amount;
  Date sent = epoch();
  Date due = epoch();
};

enum class CollectionStage {
  kNone,              // assessed, no notice yet
  kNotice,            // payment notice sent
  kReminder,          // reminder sent
  kFormalNotice,      // registered formal notice sent
  kContrainteServed,  // a bailiff served a contrainte
};

// One debt line: a quarter's contribution, or a regularisation supplement.
struct DebtLine {
  DebtLineKind kind = DebtLineKind::kQuarterly;
  Quarter quarter = epoch_quarter();  // the key (see above)
  int year = 0;                       // the contribution year
  Category category = Category::kMain;
  schemas::AssessmentKind assessment = schemas::AssessmentKind::Provisional;
  Money base;          // annual base considered
  Money contribution;  // the legal contribution (after a primo reduction)
  Money fees;          // management fees
  Money primo_reduction;
  std::uint32_t fee_rate_bp = 0;
  Date due = epoch();
  bool cancelled = false;
  schemas::StarterStatus starter = schemas::StarterStatus::NotStarter;
  StarterGrace grace = StarterGrace::kNone;
  std::optional<Notice> notice;
  // Money in.
  Money principal_paid;
  std::vector<PrincipalPayment> principal_payments;  // value date + amount
  Money surcharges_applied;
  Money surcharges_reduced;
  Money surcharges_waived;
  Money surcharges_paid;
  Money surcharges_dispensed;
  std::vector<Date> quarterly_surcharge_dates;  // quarter-ends a 3 % was applied on
  bool yearly_surcharge_applied = false;
  Money costs;
  Money costs_paid;
  Money principal_written_off;  // cancelled on a contest
  // Collection.
  CollectionStage stage = CollectionStage::kNone;
  std::optional<Date> reminder_sent;
  std::optional<Date> formal_notice_sent;
  std::optional<Date> contrainte_served;
  bool dispensed = false;

  Money principal() const;           // contribution + fees - written off (0 once cancelled)
  Money open_principal() const;      // principal - paid, never below 0
  Money charged_surcharges() const;  // applied - reduced - waived - dispensed
  Money open_surcharges() const;
  Money open_costs() const;
  Money open_total() const;
  // What was paid of the contribution proper: allocation fills a line's
  // contribution before its fees (person_decide_collection.cpp).
  Money contribution_paid() const;
  bool principal_settled() const { return open_principal().is_zero(); }
  bool has_quarterly_surcharge_on(Date quarter_end) const;
  // The collection stage that still applies: none once nothing is open.
  CollectionStage current_stage() const;
};

enum class RequestStatus { kNone, kPending, kGranted, kRefused };

// A request staff recorded for the person and, once decided, the decision:
// a payment plan, a waiver of surcharges or a dispense of contributions.
// A decision names its own quarters; the quarters it decides leave the
// pending requests that held them (a pending request left with none is
// gone), so the list holds what is still to decide and every decision.
enum class RequestKind : std::uint8_t { kPaymentPlan, kWaiver, kDispense };
struct RequestRecord {
  RequestKind kind = RequestKind::kPaymentPlan;
  Date requested = epoch();  // of the request it decides (the decision's date if none)
  std::vector<std::uint16_t> quarters;
  RequestStatus status = RequestStatus::kPending;
  std::optional<Date> decided;
  std::string decision_ref;          // the plan's or the decision's reference
  std::optional<AppealInfo> appeal;  // refusals
  // Plans: what was asked for, then the plan's total; waivers: the
  // surcharges asked to waive (none once part of the request was decided),
  // then what was waived; dispenses: what was dispensed (none while
  // pending); refusals of waivers and dispenses: none.
  Money amount;
  // A plan request's proposed number of instalments (0 for the rest).
  std::uint16_t proposed_instalments = 0;
};

// Per calendar quarter: what is not a debt (rights, requests).
struct QuarterFacts {
  std::optional<schemas::FreeQuarterReason> free_reason;  // contribution-free
  RequestStatus waiver = RequestStatus::kNone;
  std::optional<Date> waiver_requested;
  RequestStatus dispense = RequestStatus::kNone;
  std::optional<Date> dispense_requested;
};

struct AffiliationPeriod {
  Date start = epoch();
  Quarter start_quarter = epoch_quarter();
  std::optional<Date> end;
  std::optional<Quarter> end_quarter;
  schemas::CessationReason end_reason = schemas::CessationReason::Stopped;
};

struct CategoryChange {
  Quarter from = epoch_quarter();
  Category to = Category::kMain;
};

struct IncomeFact {
  Money net_income;
  schemas::IncomeSource source = schemas::IncomeSource::TaxAuthority;
  Date notified = epoch();
};

struct ProvisionalBase {
  Money base;
  schemas::ProvisionalBasis basis = schemas::ProvisionalBasis::ChosenHigher;
  std::string reason_code;
};

// A regularised quarter's final figures (RegularisationComputed.quarters).
struct RegularisedQuarter {
  Quarter quarter = epoch_quarter();
  Money contribution;
  Money fees;
};

struct RegularisationFact {
  int year = 0;
  Money final_income;
  Money provisional_contribution;
  Money provisional_fees;
  Money final_contribution;
  Money final_fees;
  Money difference;  // > 0 supplement, < 0 refund
  Date statement = epoch();
  Date due = epoch();
  std::vector<RegularisedQuarter> quarters;
};

// What was paid in a calendar year, by the payments' value dates (the tax
// certificate): allocations add, money moved back to credit subtracts in the
// year it moved, regularisation refunds count in the year they were paid.
struct PaidInYear {
  Money contributions;
  Money fees;
  Money regularisation;  // supplements with their fees
  Money surcharges;
  Money costs;
  Money refunded;            // regularisation refunds paid
  Money deductible() const;  // contributions + fees + regularisation - refunded
  Money total_paid() const;  // everything allocated, refunds aside
};

struct PaymentFact {
  std::string bank_ref;
  Money amount;
  Date value_date = epoch();
  std::string communication;
  schemas::PaymentChannel channel = schemas::PaymentChannel::Coda;
};

// A refund or a benefit payment as recorded under its reference.
struct RecordedAmount {
  Money amount;
  Date on = epoch();
};

struct PaymentPlan {
  std::string ref;
  Date granted = epoch();
  std::vector<std::uint16_t> quarters;
  Money total;
  std::vector<std::pair<Date, Money>> instalments;
  bool breached = false;
  std::optional<Date> breached_on;
};

struct Contest {
  std::string case_ref;
  Date filed = epoch();
  std::vector<std::uint16_t> quarters;
  Money amount;
  std::optional<schemas::ContestOutcome> outcome;  // nullopt = pending
  std::optional<Date> decided;
  Money cancelled;
};

enum class BenefitStatus { kClaimed, kGranted, kRefused };

struct Benefit {
  schemas::BenefitKind kind = schemas::BenefitKind::BridgingRight;
  std::string claim_ref;
  Date claimed = epoch();
  schemas::BridgingGround ground = schemas::BridgingGround::NotApplicable;
  std::optional<Date> event_date;  // bankruptcy / interruption / birth
  BenefitStatus status = BenefitStatus::kClaimed;
  std::optional<Date> decided;
  std::optional<Date> start;
  int months = 0;
  Money monthly_amount;
  bool family_charge = false;
  int service_vouchers = 0;
  Money paid;
  std::optional<AppealInfo> appeal;  // refused: what the refusal said
};

struct OverpaymentClaim {
  schemas::BenefitKind kind = schemas::BenefitKind::BridgingRight;
  Money amount;
  Date claimed = epoch();
  std::string reason_code;
};

struct PersonState {
  // Identity and affiliation.
  bool registered = false;
  std::optional<PartyId> party_id;  // the aggregate key, once registered
  std::uint32_t member_number = 0;
  Date registered_on = epoch();
  Category initial_category = Category::kMain;
  schemas::StarterStatus starter = schemas::StarterStatus::NotStarter;
  bool affiliated_before_start = false;
  std::string previous_fund;
  // The first quarter this fund assesses, when later than the start: the
  // previous fund (or the ledger this one took over) assessed the ones before.
  std::optional<Quarter> assess_from;
  std::vector<AffiliationPeriod> periods;        // in order; the last may be open
  std::vector<CategoryChange> category_changes;  // in order of from-quarter
  std::optional<Date> death;
  bool personal_data_erased = false;
  int personal_data_changes = 0;

  // Contributions.
  std::map<int, IncomeFact> incomes;                  // by income year
  std::map<int, ProvisionalBase> provisional_bases;   // by contribution year
  std::map<Quarter, DebtLine> quarter_lines;          // by contribution quarter
  std::map<int, DebtLine> regularisation_lines;       // by contribution year
  std::map<int, RegularisationFact> regularisations;  // by contribution year
  std::map<Quarter, QuarterFacts> quarter_facts;
  std::vector<Notice> notices;       // every notice, in order
  std::uint32_t notices_issued = 0;  // the per-person notice counter

  // Money.
  std::vector<PaymentFact> payments;
  std::set<std::string> bank_refs;
  Money credit;      // unallocated money
  Money refund_due;  // regularisation refunds owed to the person
  Money refunded;
  std::map<std::string, RecordedAmount> refunds_by_ref;  // refund_ref -> what was paid back
  bool has_account = false;  // registered with an IBAN, or gave one since
  Money costs_charged;
  std::map<int, PaidInYear> paid_by_year;  // by calendar year of the value date

  // Collection and requests.
  std::vector<PaymentPlan> plans;
  std::optional<Date> plan_refused;  // the latest refusal
  std::vector<Contest> contests;
  std::vector<RequestRecord> requests;  // plans, waivers, dispenses: asked and decided
  int personal_contacts = 0;
  int personal_contacts_reached = 0;
  std::optional<Date> last_personal_contact;
  int contraintes_served = 0;

  // Benefits.
  std::vector<Benefit> benefits;
  std::vector<OverpaymentClaim> overpayments;
  std::map<std::string, RecordedAmount> benefit_payments_by_ref;  // payment_ref -> paid

  std::uint64_t last_sequence = 0;

  // Queries used by decide() and the read side.
  // The category in force in `q` (initial, then changes at quarter starts).
  Category category_in(Quarter q) const;
  // Affiliated during `q`: within a period, not after death.
  bool affiliated_in(Quarter q) const;
  // Quarters of affiliation in `year` (0..4).
  int affiliated_quarters(int year) const;
  // A contribution is due for `q`: affiliated, not the quarter of death,
  // not contribution-free.
  bool contribution_due(Quarter q) const;
  std::optional<Quarter> start_quarter() const;
  std::optional<Quarter> last_assessed_quarter() const;
  // The above for this person (nullopt before registration).
  std::optional<Quarter> first_chargeable_quarter(Date business_date) const;
  // The quarters up to `up_to` whose contribution is due and that no live
  // line assesses (never assessed, or cancelled by a correction): what an
  // assessment run assesses, in order.
  std::vector<Quarter> unassessed_quarters(Quarter up_to, Date business_date) const;
  // Lines in key order (quarterly before regularisation at an equal key,
  // regularisations by year): the order allocation and evolve fill them.
  std::vector<const DebtLine*> lines() const;
  // The payment plan request still to decide (at most one is pending), in
  // `requests`; nullptr when none is.
  const RequestRecord* pending_plan_request() const;
  std::vector<DebtLine*> lines_for(Quarter key);
  // The quarter's line, or the first regularisation line of that key.
  const DebtLine* find_line(DebtLineKind kind, Quarter key) const;
  const DebtLine* find_regularisation(int year) const;
  Money total_open() const;
  // What the fund owes the member: unallocated credit + regularisation refunds.
  Money owed_to_member() const;
  // total_open() - owed_to_member(): what the account entries add up to.
  Money balance() const;
  // The highest current stage of a line with something open.
  CollectionStage collection_stage() const;
  bool contest_pending() const;
  // A granted, unbroken plan.
  bool payment_plan_respected() const;
  bool any_contrainte_served() const { return contraintes_served > 0; }
  const QuarterFacts* facts(Quarter q) const;
  const Benefit* find_benefit(const std::string& claim_ref) const;
};

// Folds one verified event into `state`. Checks that the envelope is a
// Person event, that its sequence is last_sequence + 1 (rule SequenceGap)
// and that the body concerns a person (NotAPersonEvent for company and
// fund bodies). On error `state` is unchanged and the error is kCorrupt.
// When `entries` is given, the account entries of the event are appended
// to it (account.h).
Status evolve(PersonState& state, const schemas::Envelope& envelope, Entries* entries = nullptr);

}  // namespace kassa::domain
