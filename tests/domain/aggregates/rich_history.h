#pragma once
// A person whose history touches nearly every person event: evolve tests
// and the snapshot round-trip use it.

#include "given.h"

namespace kassa::domain::test {

inline std::vector<NewEvent> rich_history() {
  std::vector<NewEvent> events;
  events.push_back(registered("2025-01-01", schemas::Category::Main,
                              schemas::StarterStatus::Starter, 1234567, true));
  {
    schemas::PersonalDataChangedT b;
    b.reason_code = "AddressChanged";
    events.push_back(event(d("2025-01-10"), std::move(b)));
  }
  {
    schemas::ProvisionalBaseChangedT b;
    b.year = 2025;
    b.base_cents = 4'000'000;
    b.basis = schemas::ProvisionalBasis::ChosenHigher;
    events.push_back(event(d("2025-01-02"), std::move(b)));
  }
  events.push_back(assessed("2025-Q1", 205'000, 8'098));
  events.push_back(notice("2025-Q1", "123456700106", 213'098));
  events.push_back(assessed("2025-Q2", 205'000, 8'098));
  events.push_back(notice("2025-Q2", "123456700207", 213'098));
  events.push_back(received("2025-03-15", 100'000, "BANK-1"));
  events.push_back(
      allocated("2025-03-15", {{qc("2025-Q1"), schemas::DebtKind::Contribution, 100'000}}));
  {
    schemas::SurchargeAppliedT b;
    b.kind = schemas::SurchargeKind::Quarterly3;
    b.quarter = qc("2025-Q1");
    b.year = 2025;
    b.applied_days = d("2025-06-30").to_days();
    b.base_cents = 113'098;
    b.rate_bp = 300;
    b.amount_cents = 3'393;
    events.push_back(event(d("2025-06-30"), std::move(b), q("2025-Q2")));
  }
  {
    schemas::SurchargeReducedT b;
    b.kind = schemas::SurchargeKind::Quarterly3;
    b.quarter = qc("2025-Q1");
    b.year = 2025;
    b.amount_cents = 100;
    b.reason_code = "JustifiedLower";
    events.push_back(event(d("2025-07-01"), std::move(b)));
  }
  {
    schemas::ReminderSentT b;
    b.quarters = {qc("2025-Q1")};
    b.amount_due_cents = 113'098;
    b.sent_days = d("2025-04-15").to_days();
    events.push_back(event(d("2025-04-15"), std::move(b)));
  }
  {
    schemas::FormalNoticeSentT b;
    b.quarters = {qc("2025-Q1")};
    b.sent_days = d("2025-06-30").to_days();
    b.respond_by_days = d("2025-07-30").to_days();
    events.push_back(event(d("2025-06-30"), std::move(b)));
  }
  {
    schemas::PersonalContactRecordedT b;
    b.contact_days = d("2025-07-10").to_days();
    b.channel = schemas::ContactChannel::Phone;
    b.reached = true;
    events.push_back(event(d("2025-07-10"), std::move(b)));
  }
  {
    schemas::PaymentPlanRequestedT b;
    b.requested_days = d("2025-07-05").to_days();
    b.quarters = {qc("2025-Q1"), qc("2025-Q2")};
    b.proposed_instalments = 6;
    b.amount_cents = 330'000;
    events.push_back(event(d("2025-07-05"), std::move(b)));
  }
  {
    schemas::PaymentPlanGrantedT b;
    b.plan_ref = "PLAN-1";
    b.granted_days = d("2025-07-08").to_days();
    b.quarters = {qc("2025-Q1"), qc("2025-Q2")};
    b.total_cents = 330'000;
    b.instalments = {{d("2025-08-01").to_days(), 110'000}, {d("2025-09-01").to_days(), 110'000}};
    events.push_back(event(d("2025-07-08"), std::move(b)));
  }
  {
    schemas::PaymentPlanBreachedT b;
    b.plan_ref = "PLAN-1";
    b.missed_due_days = d("2025-08-01").to_days();
    b.breached_days = d("2025-08-20").to_days();
    events.push_back(event(d("2025-08-20"), std::move(b)));
  }
  {
    schemas::ContestFiledT b;
    b.filed_days = d("2025-08-21").to_days();
    b.quarters = {qc("2025-Q2")};
    b.case_ref = "CASE-1";
    events.push_back(event(d("2025-08-21"), std::move(b)));
  }
  {
    schemas::ContestDecidedT b;
    b.decided_days = d("2025-09-01").to_days();
    b.outcome = schemas::ContestOutcome::Rejected;
    b.case_ref = "CASE-1";
    events.push_back(event(d("2025-09-01"), std::move(b)));
  }
  {
    schemas::ContrainteServedT b;
    b.quarters = {qc("2025-Q1")};
    b.served_days = d("2025-09-10").to_days();
    b.first_ever = true;
    events.push_back(event(d("2025-09-10"), std::move(b)));
  }
  {
    schemas::CostsChargedT b;
    b.quarter = qc("2025-Q1");
    b.kind = schemas::CostKind::Bailiff;
    b.amount_cents = 5'000;
    b.charged_days = d("2025-09-10").to_days();
    events.push_back(event(d("2025-09-10"), std::move(b)));
  }
  {
    schemas::ContributionFreeQuarterGrantedT b;
    b.quarter = qc("2025-Q4");
    b.reason = schemas::FreeQuarterReason::Sickness;
    b.granted_days = d("2025-09-15").to_days();
    events.push_back(event(d("2025-09-15"), std::move(b)));
  }
  {
    schemas::WaiverRequestedT b;
    b.quarters = {qc("2025-Q2")};
    b.requested_days = d("2025-09-20").to_days();
    events.push_back(event(d("2025-09-20"), std::move(b)));
  }
  {
    schemas::DispenseRequestedT b;
    b.quarters = {qc("2025-Q3")};
    b.requested_days = d("2025-09-20").to_days();
    events.push_back(event(d("2025-09-20"), std::move(b)));
  }
  {
    schemas::IncomeNotifiedT b;
    b.income_year = 2022;
    b.net_income_cents = 3'000'000;
    b.source = schemas::IncomeSource::TaxAuthority;
    b.notified_days = d("2025-10-01").to_days();
    events.push_back(event(d("2025-10-01"), std::move(b)));
  }
  {
    schemas::RegularisationComputedT b;
    b.year = 2024;
    b.final_income_cents = 3'000'000;
    b.provisional_contribution_cents = 348'684;
    b.final_contribution_cents = 615'000;
    b.difference_cents = 266'316;
    b.statement_days = d("2025-10-02").to_days();
    b.due_days = d("2026-03-31").to_days();
    events.push_back(event(d("2025-10-02"), std::move(b)));
  }
  {
    schemas::BenefitClaimedT b;
    b.kind = schemas::BenefitKind::BridgingRight;
    b.claimed_days = d("2025-10-05").to_days();
    b.ground = schemas::BridgingGround::Bankruptcy;
    b.event_days = d("2025-09-30").to_days();
    b.claim_ref = "CLAIM-1";
    events.push_back(event(d("2025-10-05"), std::move(b)));
  }
  {
    schemas::BenefitGrantedT b;
    b.kind = schemas::BenefitKind::BridgingRight;
    b.decided_days = d("2025-10-20").to_days();
    b.start_days = d("2025-10-01").to_days();
    b.months = 3;
    b.monthly_amount_cents = 139'817;
    b.claim_ref = "CLAIM-1";
    events.push_back(event(d("2025-10-20"), std::move(b)));
  }
  {
    schemas::BenefitPaidT b;
    b.kind = schemas::BenefitKind::BridgingRight;
    b.amount_cents = 139'817;
    b.paid_days = d("2025-10-31").to_days();
    events.push_back(event(d("2025-10-31"), std::move(b)));
  }
  {
    schemas::OverpaymentClaimedT b;
    b.kind = schemas::BenefitKind::BridgingRight;
    b.amount_cents = 10'000;
    b.claimed_days = d("2025-11-05").to_days();
    b.appeal = std::make_unique<schemas::AppealT>();
    b.appeal->reason_code = "IncomeNotStopped";
    b.appeal->reason = "activity continued";
    b.appeal->appeal_body = "Tribunal du travail / Arbeidsrechtbank";
    b.appeal->appeal_deadline_days = d("2026-02-05").to_days();
    events.push_back(event(d("2025-11-05"), std::move(b)));
  }
  events.push_back(received("2025-11-10", 500'000, "BANK-2"));
  events.push_back(allocated("2025-11-10",
                             {{qc("2025-Q2"), schemas::DebtKind::Contribution, 213'098}}, 286'902));
  {
    schemas::RefundIssuedT b;
    b.amount_cents = 86'902;
    b.reason = schemas::RefundReason::OnRequest;
    b.paid_days = d("2025-11-20").to_days();
    events.push_back(event(d("2025-11-20"), std::move(b)));
  }
  {
    schemas::CategoryChangedT b;
    b.from_category = schemas::Category::Main;
    b.to_category = schemas::Category::Secondary;
    b.from_quarter = qc("2026-Q1");
    events.push_back(event(d("2026-01-01"), std::move(b)));
  }
  {
    schemas::ActivityCeasedT b;
    b.end_days = d("2026-06-30").to_days();
    b.end_quarter = qc("2026-Q2");
    b.reason = schemas::CessationReason::Stopped;
    events.push_back(event(d("2026-06-30"), std::move(b)));
  }
  return events;
}

}  // namespace kassa::domain::test
