#include "sample_stream.h"

#include <chrono>

#include "domain/result.h"

namespace kassa::log::testing {

namespace s = kassa::schemas;
using AK = s::AggregateKind;

std::int32_t days(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return static_cast<std::int32_t>(
      sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count());
}

const EncodedEvent& StreamWriter::append(AK kind, const std::string& key,
                                         std::int32_t effective_days,
                                         std::uint16_t effective_quarter, const BodyFn& make_body) {
  clock_us_ += 1'000'000;  // one event per second
  auto& tip = tips_[std::to_string(static_cast<int>(kind)) + key];
  EventHeader h;
  h.event_id = Uuid::v7(clock_us_ / 1000, random_);
  h.aggregate_kind = kind;
  h.aggregate_key = key;
  h.sequence = tip.first + 1;
  h.recorded_at_us = clock_us_;
  h.effective_days = effective_days;
  h.effective_quarter = effective_quarter;
  h.causation_id = events_.empty() ? Uuid() : Uuid::v7(clock_us_ / 1000 - 1, random_);
  if (correlation_.is_nil()) correlation_ = Uuid::v7(clock_us_ / 1000, random_);
  h.correlation_id = correlation_;
  h.actor = h.sequence % 2 == 0 ? "batch:quarterly-run" : "staff:u0042";
  h.prev_hash = tip.second;
  auto encoded = encode_event(h, make_body(h.event_id));
  KASSA_ASSERT(encoded.ok(), "sample event does not encode");
  tip = {h.sequence, encoded->hash};
  events_.push_back(std::move(encoded).value());
  return events_.back();
}

namespace {

std::unique_ptr<s::AppealT> appeal(const char* code, const char* reason, std::int32_t deadline) {
  auto a = std::make_unique<s::AppealT>();
  a->reason_code = code;
  a->reason = reason;
  a->appeal_body = "Tribunal du travail de Liège / Arbeidsrechtbank Luik";
  a->appeal_deadline_days = deadline;
  return a;
}

std::unique_ptr<s::SealedT> sealed(KeyStore& keys, Random& random, const std::string& subject,
                                   const Uuid& event_id, const s::PersonalDataT& data) {
  auto sealed_block = seal(keys, subject, event_id, data, random);
  KASSA_ASSERT(sealed_block.ok(), "sample seal failed");
  return std::make_unique<s::SealedT>(std::move(sealed_block).value());
}

s::PersonalDataT person_data() {
  s::PersonalDataT p;
  p.niss = kSampleNiss;
  p.first_name = "Anna";
  p.last_name = "Peeters";
  p.address = std::make_unique<s::AddressT>();
  p.address->street = "Rue de la Station";
  p.address->number = "12";
  p.address->postal_code = "4000";
  p.address->city = "Liège";
  p.address->country = "BE";
  p.iban = "BE68539007547034";
  p.email = "anna@example.invalid";
  return p;
}

s::PersonalDataT account_only() {
  s::PersonalDataT p;
  p.iban = "BE68539007547034";
  return p;
}

}  // namespace

SampleStream build_sample_stream(KeyStore& keys, Random& random) {
  SampleStream out;
  const Uuid party = Uuid::v7(1735689600000, random);  // 2025-01-01
  out.person = "P" + party.hex();
  const std::string& p = out.person;
  KASSA_ASSERT(keys.create_key(p).ok(), "sample key");
  KASSA_ASSERT(keys.create_key(kCompanyNumber).ok(), "sample key");
  out.subjects = {p, kCompanyNumber};

  // 2025-01-06T08:00:00Z
  StreamWriter w(random, std::int64_t{1736150400} * 1'000'000);
  const std::uint16_t q1 = 20251, q2 = 20252, q3 = 20253, q4 = 20254;
  Uuid formal_notice_id, contest_id, waiver_id, payment_id;

  // ---- person lifecycle, contributions, payments ----------------------------
  w.append(AK::Person, p, days(2025, 1, 2), q1, [&](const Uuid& id) {
    s::PersonRegisteredT e;
    e.personal = sealed(keys, random, p, id, person_data());
    e.category = s::Category::Main;
    e.start_days = days(2025, 1, 2);
    e.start_quarter = q1;
    e.starter = s::StarterStatus::PrimoStarter;
    e.affiliated_before_start = true;
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2025, 2, 1), 0, [&](const Uuid& id) {
    s::PersonalDataChangedT e;
    s::PersonalDataT d;
    d.address = std::make_unique<s::AddressT>();
    d.address->street = "Place Saint-Lambert";
    d.address->number = "1";
    d.address->postal_code = "4000";
    d.address->city = "Liège";
    d.address->country = "BE";
    e.personal = sealed(keys, random, p, id, d);
    e.reason_code = "AddressChanged";
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2025, 1, 10), 0, [&](const Uuid&) {
    s::IncomeNotifiedT e;
    e.income_year = 2022;
    e.net_income_cents = 3'000'000;
    e.source = s::IncomeSource::TaxAuthority;
    e.notified_days = days(2025, 1, 10);
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2025, 1, 1), q1, [&](const Uuid&) {
    s::ProvisionalBaseChangedT e;
    e.year = 2025;
    e.base_cents = 4'000'000;
    e.basis = s::ProvisionalBasis::ChosenHigher;
    e.reason_code = "RequestedHigherBase";
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2025, 3, 31), q1, [&](const Uuid&) {
    s::ContributionAssessedT e;
    e.quarter = q1;
    e.category = s::Category::Main;
    e.kind = s::AssessmentKind::Provisional;
    e.rulebook_year = 2025;
    e.base_cents = 4'000'000;
    e.contribution_cents = 205'000;  // DOMAIN.md §10 example 1
    e.fees_rate_bp = 395;
    e.fees_cents = 8'098;
    e.due_days = days(2025, 3, 31);
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2025, 1, 6), q1, [&](const Uuid&) {
    s::PaymentNoticeIssuedT e;
    e.kind = s::NoticeKind::Quarterly;
    e.quarter = q1;
    e.year = 2025;
    e.structured_communication = "312401398067";
    e.amount_cents = 213'098;
    e.sent_days = days(2025, 1, 6);
    e.due_days = days(2025, 3, 31);
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2025, 3, 20), q1, [&](const Uuid& id) {
    payment_id = id;
    s::PaymentReceivedT e;
    e.bank_ref = "CODA-2025-03-20-0007";
    e.amount_cents = 100'000;
    e.value_days = days(2025, 3, 20);
    e.structured_communication = "312401398067";
    e.channel = s::PaymentChannel::Coda;
    s::PersonalDataT payer;
    payer.iban = "BE68539007547034";
    payer.counterparty_name = "A. Peeters";
    e.payer = sealed(keys, random, p, id, payer);
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2025, 3, 20), q1, [&](const Uuid&) {
    s::PaymentAllocatedT e;
    e.payment_event_id = std::make_unique<s::Uuid>(payment_id.to_schema());
    e.lines.emplace_back(q1, s::DebtKind::Contribution, 100'000);
    e.credit_cents = 0;
    e.policy = "communication-then-oldest.v1";
    return body(std::move(e));
  });

  // ---- surcharges and collection --------------------------------------------
  w.append(AK::Person, p, days(2025, 3, 31), q1, [&](const Uuid&) {
    s::SurchargeAppliedT e;
    e.kind = s::SurchargeKind::Quarterly3;
    e.quarter = q1;
    e.year = 2025;
    e.applied_days = days(2025, 3, 31);
    e.base_cents = 113'098;
    e.rate_bp = 300;
    e.amount_cents = 3'393;
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2025, 4, 15), q1, [&](const Uuid&) {
    s::ReminderSentT e;
    e.quarters = {q1};
    e.amount_due_cents = 116'491;
    e.sent_days = days(2025, 4, 15);
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2025, 7, 1), q1, [&](const Uuid& id) {
    formal_notice_id = id;
    s::FormalNoticeSentT e;
    e.quarters = {q1};
    e.amount_due_cents = 116'491;
    e.sent_days = days(2025, 7, 1);
    e.registered_letter_ref = "RR123456789BE";
    e.respond_by_days = days(2025, 8, 1);
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2025, 7, 1), q1, [&](const Uuid&) {
    s::CostsChargedT e;
    e.quarter = q1;
    e.kind = s::CostKind::RegisteredLetter;
    e.amount_cents = 1'000;
    e.charged_days = days(2025, 7, 1);
    e.cause_event_id = std::make_unique<s::Uuid>(formal_notice_id.to_schema());
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2025, 7, 10), q1, [&](const Uuid&) {
    s::PersonalContactRecordedT e;
    e.contact_days = days(2025, 7, 10);
    e.channel = s::ContactChannel::Phone;
    e.reached = true;
    e.notes_ref = "note-2025-0711";
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2025, 7, 20), q1, [&](const Uuid& id) {
    contest_id = id;
    s::ContestFiledT e;
    e.filed_days = days(2025, 7, 20);
    e.quarters = {q1};
    e.amount_cents = 3'393;
    e.forum = "Tribunal du travail de Liège";
    e.case_ref = "25/1234/A";
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2025, 9, 15), q1, [&](const Uuid&) {
    s::ContestDecidedT e;
    e.contest_event_id = std::make_unique<s::Uuid>(contest_id.to_schema());
    e.decided_days = days(2025, 9, 15);
    e.outcome = s::ContestOutcome::Rejected;
    e.case_ref = "25/1234/A";
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2025, 9, 16), q1, [&](const Uuid&) {
    s::PaymentPlanRequestedT e;
    e.requested_days = days(2025, 9, 16);
    e.quarters = {q1};
    e.proposed_instalments = 12;
    e.amount_cents = 117'491;
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2025, 9, 20), q1, [&](const Uuid&) {
    s::PaymentPlanRefusedT e;
    e.decided_days = days(2025, 9, 20);
    e.appeal = appeal("PlanTooLong", "12 instalments exceed the 6 allowed", days(2025, 12, 20));
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2025, 9, 25), q1, [&](const Uuid&) {
    s::PaymentPlanGrantedT e;
    e.plan_ref = "PLAN-2025-0001";
    e.granted_days = days(2025, 9, 25);
    e.quarters = {q1};
    e.total_cents = 117'491;
    e.instalments = {s::Instalment(days(2025, 10, 31), 58'746),
                     s::Instalment(days(2025, 11, 30), 58'745)};
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2025, 12, 1), q1, [&](const Uuid&) {
    s::PaymentPlanBreachedT e;
    e.plan_ref = "PLAN-2025-0001";
    e.missed_due_days = days(2025, 11, 30);
    e.missed_amount_cents = 58'745;
    e.breached_days = days(2025, 12, 1);
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2025, 12, 15), q1, [&](const Uuid&) {
    s::ContrainteServedT e;
    e.quarters = {q1};
    e.principal_cents = 58'745;
    e.surcharges_cents = 6'786;
    e.costs_cents = 1'000;
    e.served_days = days(2025, 12, 15);
    e.bailiff_ref = "HUISS-77";
    e.formal_notice_event_id = std::make_unique<s::Uuid>(formal_notice_id.to_schema());
    e.first_ever = true;
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2026, 1, 10), q1, [&](const Uuid&) {
    s::WaiverRequestedT e;
    e.quarters = {q1};
    e.requested_days = days(2026, 1, 10);
    e.ground = s::WaiverGround::GoodFaith;
    e.surcharges_cents = 6'786;
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2026, 2, 10), q1, [&](const Uuid& id) {
    waiver_id = id;
    s::WaiverGrantedT e;
    e.quarters = {q1};
    e.decided_days = days(2026, 2, 10);
    e.amount_cents = 3'393;
    e.rate_bp = 5'000;
    e.decision_ref = "INASTI-W-2026-42";
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2026, 2, 10), q1, [&](const Uuid&) {
    s::SurchargeWaivedT e;
    e.kind = s::SurchargeKind::Quarterly3;
    e.quarter = q1;
    e.year = 2025;
    e.amount_cents = 3'393;
    e.waiver_event_id = std::make_unique<s::Uuid>(waiver_id.to_schema());
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2026, 2, 11), q2, [&](const Uuid&) {
    s::WaiverRefusedT e;
    e.quarters = {q2};
    e.decided_days = days(2026, 2, 11);
    e.decision_ref = "INASTI-W-2026-43";
    e.appeal = appeal("QuarterPrincipalUnpaid", "the principal of 2025 Q2 is not fully paid",
                      days(2026, 5, 11));
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2026, 2, 12), q1, [&](const Uuid&) {
    s::SurchargeReducedT e;
    e.kind = s::SurchargeKind::Quarterly3;
    e.quarter = q1;
    e.year = 2025;
    e.amount_cents = 500;
    e.reason_code = "ProvisionalBaseLowered";
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2025, 10, 5), q3, [&](const Uuid&) {
    s::DispenseRequestedT e;
    e.quarters = {q3};
    e.requested_days = days(2025, 10, 5);
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2025, 12, 5), q3, [&](const Uuid&) {
    s::DispenseGrantedT e;
    e.quarters = {q3};
    e.decided_days = days(2025, 12, 5);
    e.amount_cents = 213'098;
    e.decision_ref = "INASTI-D-2025-9";
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2025, 12, 6), q4, [&](const Uuid&) {
    s::DispenseRefusedT e;
    e.quarters = {q4};
    e.decided_days = days(2025, 12, 6);
    e.decision_ref = "INASTI-D-2025-10";
    e.appeal =
        appeal("NotMainOccupation", "dispense is for main-occupation categories", days(2026, 3, 6));
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2026, 1, 1), 20261, [&](const Uuid&) {
    s::CategoryChangedT e;
    e.from_category = s::Category::Main;
    e.to_category = s::Category::Secondary;
    e.from_quarter = 20261;
    e.reason_code = "BecameEmployee";
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2025, 11, 3), q4, [&](const Uuid&) {
    s::ContributionFreeQuarterGrantedT e;
    e.quarter = q4;
    e.reason = s::FreeQuarterReason::Birth;
    e.granted_days = days(2025, 11, 3);
    e.proactive = true;
    return body(std::move(e));
  });

  // ---- benefits -----------------------------------------------------------
  w.append(AK::Person, p, days(2026, 2, 1), 0, [&](const Uuid&) {
    s::BenefitClaimedT e;
    e.kind = s::BenefitKind::BridgingRight;
    e.claimed_days = days(2026, 2, 1);
    e.ground = s::BridgingGround::ForcedInterruption;
    e.event_days = days(2026, 1, 20);
    e.claim_ref = "BR-2026-1";
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2026, 2, 15), 0, [&](const Uuid&) {
    s::BenefitGrantedT e;
    e.kind = s::BenefitKind::BridgingRight;
    e.decided_days = days(2026, 2, 15);
    e.start_days = days(2026, 2, 1);
    e.months = 6;
    e.monthly_amount_cents = 139'817;
    e.claim_ref = "BR-2026-1";
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2026, 2, 16), 0, [&](const Uuid&) {
    s::BenefitRefusedT e;
    e.kind = s::BenefitKind::MaternityAid;
    e.decided_days = days(2026, 2, 16);
    e.claim_ref = "MA-2026-3";
    e.appeal = appeal("NoBirthRecorded", "no birth is recorded for this person", days(2026, 5, 16));
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2026, 3, 1), 0, [&](const Uuid& id) {
    s::BenefitPaidT e;
    e.kind = s::BenefitKind::BridgingRight;
    e.period_start_days = days(2026, 2, 1);
    e.period_end_days = days(2026, 2, 28);
    e.amount_cents = 139'817;
    e.paid_days = days(2026, 3, 1);
    e.payment_ref = "BRP-2026-02";
    e.account = sealed(keys, random, p, id, account_only());
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2026, 4, 1), 0, [&](const Uuid&) {
    s::OverpaymentClaimedT e;
    e.kind = s::BenefitKind::BridgingRight;
    e.period_start_days = days(2026, 2, 1);
    e.period_end_days = days(2026, 2, 28);
    e.amount_cents = 20'000;
    e.claimed_days = days(2026, 4, 1);
    e.appeal = appeal("IncomeDuringBenefit", "professional income was earned in February 2026",
                      days(2026, 7, 1));
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2027, 9, 1), 0, [&](const Uuid&) {
    s::RegularisationComputedT e;
    e.year = 2025;
    e.final_income_cents = 3'000'000;
    e.provisional_contribution_cents = 820'000;
    e.provisional_fees_cents = 32'392;
    e.final_contribution_cents = 615'000;
    e.final_fees_cents = 24'293;
    e.difference_cents = -213'099;
    e.statement_days = days(2027, 9, 1);
    e.due_days = days(2027, 12, 31);
    e.quarters = {s::QuarterAmount(q1, 153'750, 6'073), s::QuarterAmount(q2, 153'750, 6'073),
                  s::QuarterAmount(q3, 153'750, 6'073), s::QuarterAmount(q4, 153'750, 6'074)};
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2027, 10, 1), 0, [&](const Uuid& id) {
    s::RefundIssuedT e;
    e.amount_cents = 213'099;
    e.reason = s::RefundReason::Regularisation;
    e.paid_days = days(2027, 10, 1);
    e.refund_ref = "REF-2027-5";
    e.account = sealed(keys, random, p, id, account_only());
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2028, 3, 31), 20281, [&](const Uuid&) {
    s::ContributionCancelledT e;
    e.quarter = 20281;
    e.contribution_cents = 153'750;
    e.fees_cents = 6'073;
    e.reason = s::CancellationReason::Death;
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2027, 12, 31), 20274, [&](const Uuid&) {
    s::ActivityCeasedT e;
    e.end_days = days(2027, 12, 31);
    e.end_quarter = 20274;
    e.reason = s::CessationReason::Stopped;
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2028, 1, 1), 20281, [&](const Uuid&) {
    s::ActivityResumedT e;
    e.start_days = days(2028, 1, 1);
    e.start_quarter = 20281;
    e.category = s::Category::Main;
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2028, 2, 14), 20281, [&](const Uuid&) {
    s::PersonDiedT e;
    e.death_days = days(2028, 2, 14);
    e.death_quarter = 20281;
    e.reported_days = days(2028, 2, 20);
    return body(std::move(e));
  });
  w.append(AK::Person, p, days(2040, 1, 1), 0, [&](const Uuid&) {
    s::PersonalDataErasedT e;
    e.key_id = p;
    e.legal_basis = "retention period ended";
    e.requested_days = days(2040, 1, 1);
    return body(std::move(e));
  });

  // ---- company ------------------------------------------------------------
  const std::string c = kCompanyNumber;
  w.append(AK::Company, c, days(2023, 5, 2), 0, [&](const Uuid&) {
    s::CompanyRegisteredT e;
    e.company_number = c;
    e.name = "Peeters Consult SRL";
    e.legal_form = "SRL/BV";
    e.incorporation_days = days(2023, 5, 2);
    e.registered_days = days(2023, 5, 10);
    return body(std::move(e));
  });
  w.append(AK::Company, c, days(2023, 5, 2), 0, [&](const Uuid&) {
    s::CompanyDirectorAddedT e;
    e.director_party = p;
    e.from_days = days(2023, 5, 2);
    e.role = "manager";
    return body(std::move(e));
  });
  w.append(AK::Company, c, days(2024, 12, 31), 0, [&](const Uuid&) {
    s::BalanceSheetReportedT e;
    e.financial_year_end_days = days(2024, 12, 31);
    e.balance_sheet_total_cents = 90'000'000;
    e.reported_days = days(2025, 6, 30);
    return body(std::move(e));
  });
  w.append(AK::Company, c, days(2025, 12, 31), 0, [&](const Uuid&) {
    s::CompanyContributionAssessedT e;
    e.year = 2025;
    e.band = s::CompanyBand::High;
    e.reference_balance_sheet_total_cents = 90'000'000;
    e.threshold_cents = 85'860'572;
    e.amount_cents = 99'847;
    e.due_days = days(2025, 12, 31);
    return body(std::move(e));
  });
  w.append(AK::Company, c, days(2026, 1, 31), 0, [&](const Uuid&) {
    s::SurchargeAppliedT e;
    e.kind = s::SurchargeKind::CompanyMonthly1;
    e.year = 2025;
    e.applied_days = days(2026, 1, 31);
    e.base_cents = 99'847;
    e.rate_bp = 100;
    e.amount_cents = 998;
    return body(std::move(e));
  });
  w.append(AK::Company, c, days(2026, 6, 30), 0, [&](const Uuid&) {
    s::CompanyDirectorRemovedT e;
    e.director_party = p;
    e.to_days = days(2026, 6, 30);
    return body(std::move(e));
  });

  // ---- the fund's suspense items ------------------------------------------
  Uuid suspense_id;
  w.append(AK::Fund, "fund", days(2025, 4, 2), 0, [&](const Uuid& id) {
    suspense_id = id;
    const std::string subject = suspense_subject(id);
    KASSA_ASSERT(keys.create_key(subject).ok(), "sample key");
    out.subjects.push_back(subject);
    s::SuspenseItemRecordedT e;
    e.bank_ref = "CODA-2025-04-02-0100";
    e.amount_cents = 87'171;
    e.value_days = days(2025, 4, 2);
    e.channel = s::PaymentChannel::Coda;
    s::PersonalDataT cp;
    cp.iban = "BE68539007547034";
    cp.counterparty_name = "PEETERS ANNA";
    cp.free_communication = "cotisation T1";
    e.counterparty = sealed(keys, random, subject, id, cp);
    return body(std::move(e));
  });
  w.append(AK::Fund, "fund", days(2025, 4, 3), 0, [&](const Uuid&) {
    s::SuspenseItemMatchedT e;
    e.suspense_event_id = std::make_unique<s::Uuid>(suspense_id.to_schema());
    e.aggregate_kind = s::AggregateKind::Person;
    e.aggregate_key = p;
    e.matched_days = days(2025, 4, 3);
    return body(std::move(e));
  });

  out.events = w.take();
  return out;
}

}  // namespace kassa::log::testing
