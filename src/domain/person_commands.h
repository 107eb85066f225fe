#pragma once
// The commands a person's aggregate decides on: plain structs in one
// std::variant. Dates are inputs (the domain reads no clock); batch runs are
// commands with an explicit quarter, year or date. decide() (person_decide.h)
// turns one into events or a named rejection.
//
// Thread-safety: plain values.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "domain/appeal.h"
#include "domain/category.h"
#include "domain/date.h"
#include "domain/iban.h"
#include "domain/money.h"
#include "domain/niss.h"
#include "domain/quarter.h"
#include "domain/structured_communication.h"
#include "schemas/envelope_generated.h"

namespace kassa::domain {

// ---- affiliation -------------------------------------------------------------

struct RegisterPerson {
  static constexpr std::string_view kName = "RegisterPerson";
  Niss niss;
  std::string first_name;
  std::string last_name;
  std::optional<schemas::AddressT> address;
  std::optional<Iban> iban;
  std::optional<Date> birth_date;  // from the register, never from the niss
  Date start;
  Category category = Category::kMain;
  schemas::StarterStatus starter = schemas::StarterStatus::NotStarter;
  bool affiliated_before_start = false;
  std::uint32_t member_number = 0;  // 1..9'999'999, assigned by the pipeline
  std::string previous_fund;
  // The first quarter this fund assesses, for a member transferred in or
  // taken over from another ledger (the quarters before were assessed
  // there). Not before the start quarter, not after the business date's
  // quarter. Without it every quarter from the start is assessed.
  std::optional<Quarter> assess_from;
};

// Takes effect on the first day of `from`. A change at or before the last
// assessed quarter is only accepted as a correction, which cancels the
// quarters assessed from `from` on (they are assessed again).
struct ChangeCategory {
  static constexpr std::string_view kName = "ChangeCategory";
  Category to = Category::kMain;
  Quarter from;
  std::string reason_code;
  bool correction = false;
};

struct CeaseActivity {
  static constexpr std::string_view kName = "CeaseActivity";
  Date end;
  schemas::CessationReason reason = schemas::CessationReason::Stopped;
};

struct RecordDeath {
  static constexpr std::string_view kName = "RecordDeath";
  Date death;
};

struct EraseRegistrationData {
  static constexpr std::string_view kName = "EraseRegistrationData";
  std::string key_id;       // the erased key (the PartyId)
  std::string legal_basis;  // e.g. "GDPR art. 17"
};

// A change of a registered person's identity, as staff record it: the name,
// the address, the bank account (refunds and benefits are paid to it, bank
// lines from it are matched to the person), the e-mail address or the
// telephone. Only the fields given change. Each kind of change is one
// PersonalDataChanged carrying only its own fields, sealed with the
// person's key: NameChanged, AddressChanged, BankAccountChanged,
// ContactDetailsChanged (in that order). A field cannot be emptied: the
// identity overlays what a change gives on what was known, and an empty
// value is refused (an e-mail address or a telephone number the person
// withdraws stays until replaced; erasure removes everything). Rules:
// "NothingToChange" (no field; field "body"), "NameFormat" (a name of at
// most 100 characters holding a letter or a digit), "AddressFormat" (field
// address.<part>), "EmailFormat", "PhoneFormat" (kInvalidArgument);
// "PersonalDataErased" (kConflict) once the person's data was erased.
// Text is UTF-8 without control or invisible characters; RegisterPerson's
// names and address are held to the same rules.
struct ChangePersonalData {
  static constexpr std::string_view kName = "ChangePersonalData";
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  std::optional<schemas::AddressT> address;  // street, postal_code, city, country required
  std::optional<Iban> iban;
  std::optional<std::string> email;
  std::optional<std::string> phone;
};

// ---- assessment --------------------------------------------------------------

// Income notified for `year`. From the tax authority, for a year assessed
// provisionally, it triggers the regularisation decision.
struct NotifyIncome {
  static constexpr std::string_view kName = "NotifyIncome";
  int year = 0;
  Money net_income;
  schemas::IncomeSource source = schemas::IncomeSource::TaxAuthority;
};

// A provisional base chosen by the person for `year`: never below the
// category minimum; a lower base than the one in force needs a reason code.
// Already assessed quarters are assessed again; booked surcharges are reduced
// in proportion when the contribution goes down.
struct ChangeProvisionalBase {
  static constexpr std::string_view kName = "ChangeProvisionalBase";
  int year = 0;
  Money base;
  schemas::ProvisionalBasis basis = schemas::ProvisionalBasis::ChosenHigher;
  std::string reason_code;
};

// The quarterly run: assesses `quarter` and every earlier quarter that is
// due and no run has assessed (a registration after that quarter's run, a
// start in the past, a correction back in time), each once. A quarter
// assessed after its own due date is due at the end of the quarter of the
// notice, and its 3 % runs from there (DOMAIN §4, our policy).
struct AssessQuarter {
  static constexpr std::string_view kName = "AssessQuarter";
  Quarter quarter;
};

// Contribution-free quarter (sickness, birth, bridging right).
struct GrantContributionFreeQuarter {
  static constexpr std::string_view kName = "GrantContributionFreeQuarter";
  Quarter quarter;
  schemas::FreeQuarterReason reason = schemas::FreeQuarterReason::Sickness;
};

// A birth: the quarter after it (from 2026 the two quarters after) become
// contribution-free and maternity aid (105 service vouchers) is granted,
// proactively.
struct RecordBirth {
  static constexpr std::string_view kName = "RecordBirth";
  Date birth;
  // Twins and more, or a birth within 180 days of another for this person
  // that really is a second one (else BirthTooSoon).
  bool multiple = false;
};

// ---- payments ------------------------------------------------------------------

struct RecordPayment {
  static constexpr std::string_view kName = "RecordPayment";
  Money amount;
  Date value_date;
  std::optional<StructuredCommunication> communication;
  std::string bank_ref;  // idempotency: a bank reference already seen is ignored
  schemas::PaymentChannel channel = schemas::PaymentChannel::Coda;
  std::optional<schemas::PersonalDataT> payer;  // counterparty name / iban, sealed
  // The communication is another member's notice and staff book it on this
  // member on purpose (else CommunicationOfAnotherMember).
  bool other_member_communication_accepted = false;
};

struct IssueRefund {
  static constexpr std::string_view kName = "IssueRefund";
  Money amount;
  schemas::RefundReason reason = schemas::RefundReason::OnRequest;
  std::string refund_ref;
  std::optional<Iban> account;
};

// ---- surcharges and collection ---------------------------------------------------

struct ApplyQuarterEndSurcharges {
  static constexpr std::string_view kName = "ApplyQuarterEndSurcharges";
  Quarter quarter;  // the quarter whose last day the 3 % falls on
};

struct ApplyYearEndSurcharge {
  static constexpr std::string_view kName = "ApplyYearEndSurcharge";
  int year = 0;  // the 7 % on 1 January of year + 1
};

struct RunReminders {
  static constexpr std::string_view kName = "RunReminders";
  Date on;
};

struct ServeContrainte {
  static constexpr std::string_view kName = "ServeContrainte";
  Date on;
  std::string bailiff_ref;
};

struct RecordPersonalContact {
  static constexpr std::string_view kName = "RecordPersonalContact";
  Date on;
  schemas::ContactChannel channel = schemas::ContactChannel::Phone;
  bool reached = true;
  std::string notes_ref;
};

struct RequestPaymentPlan {
  static constexpr std::string_view kName = "RequestPaymentPlan";
  std::vector<Quarter> quarters;
  std::uint16_t instalments = 0;
};

struct Instalment {
  Date due;
  Money amount;
};

struct GrantPaymentPlan {
  static constexpr std::string_view kName = "GrantPaymentPlan";
  std::string plan_ref;
  std::vector<Instalment> instalments;  // must add up to the requested amount
};

struct RefusePaymentPlan {
  static constexpr std::string_view kName = "RefusePaymentPlan";
  AppealInfo appeal;
};

struct BreachPaymentPlan {
  static constexpr std::string_view kName = "BreachPaymentPlan";
  std::string plan_ref;
  Date missed_due;
  Money missed_amount;
};

struct FileContest {
  static constexpr std::string_view kName = "FileContest";
  std::vector<Quarter> quarters;
  Money amount;
  std::string forum;
  std::string case_ref;
};

struct DecideContest {
  static constexpr std::string_view kName = "DecideContest";
  std::string case_ref;
  schemas::ContestOutcome outcome = schemas::ContestOutcome::Rejected;
  Money cancelled;
};

// ---- requests to INASTI --------------------------------------------------------------

struct RequestWaiver {
  static constexpr std::string_view kName = "RequestWaiver";
  std::vector<Quarter> quarters;
  schemas::WaiverGround ground = schemas::WaiverGround::GoodFaith;
};

struct GrantWaiver {
  static constexpr std::string_view kName = "GrantWaiver";
  std::vector<Quarter> quarters;
  std::string decision_ref;
  std::uint32_t share_bp = 10000;  // share of the surcharges waived, 10000 = all
};

struct RefuseWaiver {
  static constexpr std::string_view kName = "RefuseWaiver";
  std::vector<Quarter> quarters;
  std::string decision_ref;
  AppealInfo appeal;
};

struct RequestDispense {
  static constexpr std::string_view kName = "RequestDispense";
  std::vector<Quarter> quarters;
};

struct GrantDispense {
  static constexpr std::string_view kName = "GrantDispense";
  std::vector<Quarter> quarters;
  std::string decision_ref;
};

struct RefuseDispense {
  static constexpr std::string_view kName = "RefuseDispense";
  std::vector<Quarter> quarters;
  std::string decision_ref;
  AppealInfo appeal;
};

// ---- benefits ---------------------------------------------------------------------

struct ClaimBenefit {
  static constexpr std::string_view kName = "ClaimBenefit";
  schemas::BenefitKind kind = schemas::BenefitKind::BridgingRight;
  schemas::BridgingGround ground = schemas::BridgingGround::NotApplicable;
  std::optional<Date> event_date;  // bankruptcy / interruption / birth
  std::string claim_ref;
};

// Bridging right: 3, 6 or 12 months for 8, 20 or 60 quarters of
// contributions; the monthly amount defaults to the 1 March 2022 figures
// (1,398.17, or 1,747.16 with family charge) unless the command gives the
// index-linked amount in force. Maternity aid: 105 service vouchers.
struct GrantBenefit {
  static constexpr std::string_view kName = "GrantBenefit";
  std::string claim_ref;
  Date start;
  bool family_charge = false;
  std::optional<Money> monthly_amount;
};

struct RefuseBenefit {
  static constexpr std::string_view kName = "RefuseBenefit";
  std::string claim_ref;
  AppealInfo appeal;
};

struct PayBenefit {
  static constexpr std::string_view kName = "PayBenefit";
  std::string claim_ref;
  Date period_start;
  Date period_end;
  Money amount;
  std::string payment_ref;
  std::optional<Iban> account;
};

struct ClaimOverpayment {
  static constexpr std::string_view kName = "ClaimOverpayment";
  schemas::BenefitKind kind = schemas::BenefitKind::BridgingRight;
  Date period_start;
  Date period_end;
  Money amount;
  AppealInfo appeal;
};

using PersonCommand =
    std::variant<RegisterPerson, ChangeCategory, CeaseActivity, RecordDeath, EraseRegistrationData,
                 ChangePersonalData, NotifyIncome, ChangeProvisionalBase, AssessQuarter,
                 GrantContributionFreeQuarter, RecordBirth, RecordPayment, IssueRefund,
                 ApplyQuarterEndSurcharges, ApplyYearEndSurcharge, RunReminders, ServeContrainte,
                 RecordPersonalContact, RequestPaymentPlan, GrantPaymentPlan, RefusePaymentPlan,
                 BreachPaymentPlan, FileContest, DecideContest, RequestWaiver, GrantWaiver,
                 RefuseWaiver, RequestDispense, GrantDispense, RefuseDispense, ClaimBenefit,
                 GrantBenefit, RefuseBenefit, PayBenefit, ClaimOverpayment>;

}  // namespace kassa::domain
