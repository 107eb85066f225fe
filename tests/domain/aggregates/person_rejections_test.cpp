// Every rejection rule of the person aggregate, at least once.
#include "scenario.h"

namespace kassa::domain::test {
namespace {

TEST_CASE("rejections: registration and affiliation", "[decide][reject]") {
  PersonScenario fresh;
  CHECK(fresh.rejection("2025-01-01", AssessQuarter{q("2025-Q1")}) == "PersonNotRegistered");
  auto bad_member = person("2025-01-01");
  bad_member.member_number = 10'000'000;
  CHECK(fresh.rejection("2025-01-01", bad_member) == "MemberNumberRange");
  auto no_name = person("2025-01-01");
  no_name.last_name.clear();
  CHECK(fresh.rejection("2025-01-01", no_name) == "NameRequired");
  CHECK(fresh.rejection("2025-01-01", person("2025-01-01", Category::kSecondary,
                                             schemas::StarterStatus::Starter)) ==
        "StarterMainOnly");

  auto s = with_unpaid_q1();
  CHECK(s.rejection("2025-01-01", person("2025-01-01")) == "PersonAlreadyRegistered");
  CHECK(s.when(person("2025-01-01")).error().code == Errc::kConflict);
  CHECK(s.rejection("2025-01-01", ChangeCategory{Category::kSecondary, q("2024-Q4"), "", false}) ==
        "QuarterNotAffiliated");
  CHECK(s.rejection("2025-01-01", ChangeCategory{Category::kSecondary, q("2025-Q1"), "", true}) ==
        "ReasonRequired");
  CHECK(s.rejection("2025-01-01", CeaseActivity{d("2024-12-01")}) == "EndBeforeStart");
  s.run("2025-05-01", CeaseActivity{d("2025-06-30")});
  CHECK(s.rejection("2025-07-01", CeaseActivity{d("2025-07-30")}) == "ActivityAlreadyCeased");
  s.run("2025-08-01", RecordDeath{d("2025-07-31")});
  CHECK(s.rejection("2025-08-02", RecordDeath{d("2025-07-31")}) == "PersonAlreadyDeceased");
  CHECK(s.rejection("2025-08-02", EraseRegistrationData{kParty, ""}) == "LegalBasisRequired");
  auto erased = s.run("2025-08-02", EraseRegistrationData{kParty, "GDPR art. 17"});
  CHECK(erased.size() == 1);
  CHECK(s.when(EraseRegistrationData{kParty, "GDPR art. 17"})->empty());
  CHECK(s.rejection(
            "2025-08-02",
            GrantContributionFreeQuarter{q("2025-Q4"), schemas::FreeQuarterReason::Sickness}) ==
        "QuarterNotAffiliated");
}

TEST_CASE("rejections: payments, refunds and surcharges", "[decide][reject]") {
  auto s = with_unpaid_q1();
  CHECK(s.rejection("2025-02-01", RecordPayment{eur(0), d("2025-02-01"), std::nullopt, "B",
                                                schemas::PaymentChannel::Coda, std::nullopt}) ==
        "PaymentNotPositive");
  CHECK(s.rejection("2025-02-01", RecordPayment{eur(10), d("2025-02-01"), std::nullopt, "",
                                                schemas::PaymentChannel::Coda, std::nullopt}) ==
        "BankRefRequired");
  CHECK(s.rejection("2025-02-01", IssueRefund{eur(1), schemas::RefundReason::OnRequest, "R",
                                              std::nullopt}) == "RefundExceedsCredit");
  CHECK(s.rejection("2025-02-01", IssueRefund{eur(0), schemas::RefundReason::OnRequest, "R",
                                              std::nullopt}) == "RefundNotPositive");
  // An overpayment becomes credit, which can be refunded.
  auto paid = s.run("2025-02-01", RecordPayment{eur(300'000), d("2025-02-01"), std::nullopt, "B1",
                                                schemas::PaymentChannel::Coda, std::nullopt});
  CHECK(body<schemas::PaymentAllocatedT>(paid[1]).credit_cents == 300'000 - 213'098);
  CHECK(s.when(IssueRefund{eur(86'902), schemas::RefundReason::Overpayment, "R1",
                           Iban::parse("BE68539007547034").value()})
            ->size() == 1);
  CHECK(s.rejection("2025-03-30", ApplyQuarterEndSurcharges{q("2025-Q1")}) == "QuarterNotEnded");
  CHECK(s.rejection("2025-12-31", ApplyYearEndSurcharge{2025}) == "YearNotEnded");
}

TEST_CASE("rejections: contrainte", "[decide][reject]") {
  auto s = with_unpaid_q1();
  CHECK(s.rejection("2025-04-20", ServeContrainte{d("2025-04-20"), "B"}) == "FormalNoticeMissing");
  s.run("2025-06-30", RunReminders{d("2025-06-30")});
  s.run("2025-07-01",
        RecordPersonalContact{d("2025-07-01"), schemas::ContactChannel::Visit, true, ""});
  SECTION("a respected payment plan") {
    s.run("2025-07-02", RequestPaymentPlan{{q("2025-Q1")}, 1});
    s.run("2025-07-03", GrantPaymentPlan{"P1", {{d("2025-08-01"), eur(213'098)}}});
    CHECK(s.rejection("2025-08-05", ServeContrainte{d("2025-08-05"), "B"}) ==
          "PaymentPlanRespected");
    s.run("2025-08-04", BreachPaymentPlan{"P1", d("2025-08-01"), eur(213'098)});
    CHECK(s.when(BreachPaymentPlan{"P1", d("2025-08-01"), eur(213'098)})->empty());
    CHECK(s.rejection("2025-08-05", ServeContrainte{d("2025-08-05"), "B"}) ==
          "accepted with 1 events");
  }
  SECTION("a pending contest") {
    s.run("2025-07-02", FileContest{{q("2025-Q1")}, eur(213'098), "Arbeidsrechtbank", "C1"});
    CHECK(s.rejection("2025-08-05", ServeContrainte{d("2025-08-05"), "B"}) == "ContestPending");
    CHECK(s.rejection("2025-07-02", FileContest{{}, eur(0), "", "C1"}) == "ContestAlreadyFiled");
    CHECK(s.rejection("2025-07-02", FileContest{{}, eur(0), "", ""}) == "CaseRefRequired");
    CHECK(s.rejection("2025-07-02", DecideContest{"C9", schemas::ContestOutcome::Rejected,
                                                  eur(0)}) == "UnknownContest");
    s.run("2025-07-20", DecideContest{"C1", schemas::ContestOutcome::Rejected, eur(0)});
    CHECK(s.rejection("2025-07-21", DecideContest{"C1", schemas::ContestOutcome::Rejected,
                                                  eur(0)}) == "ContestAlreadyDecided");
    CHECK(s.rejection("2025-08-05", ServeContrainte{d("2025-08-05"), "B"}) ==
          "accepted with 1 events");
  }
}

TEST_CASE("rejections: payment plans", "[decide][reject]") {
  auto s = with_unpaid_q1();
  CHECK(s.rejection("2025-02-01", GrantPaymentPlan{"P", {{d("2025-03-01"), eur(1)}}}) ==
        "NoPaymentPlanRequest");
  CHECK(s.rejection("2025-02-01", RefusePaymentPlan{appeal()}) == "NoPaymentPlanRequest");
  CHECK(s.rejection("2025-02-01", RequestPaymentPlan{{q("2025-Q2")}, 2}) == "NothingOwed");
  CHECK(s.rejection("2025-02-01", RequestPaymentPlan{{q("2025-Q1")}, 0}) == "InstalmentsRequired");
  CHECK(s.rejection("2025-02-01", RequestPaymentPlan{{}, 2}) == "QuartersRequired");
  s.run("2025-02-01", RequestPaymentPlan{{q("2025-Q1")}, 2});
  CHECK(s.rejection("2025-02-01", RequestPaymentPlan{{q("2025-Q1")}, 2}) ==
        "PaymentPlanRequestPending");
  CHECK(s.rejection("2025-02-02", GrantPaymentPlan{"P", {{d("2025-03-01"), eur(1)}}}) ==
        "InstalmentsDoNotMatchDebt");
  CHECK(s.rejection("2025-02-02", GrantPaymentPlan{"", {{d("2025-03-01"), eur(1)}}}) ==
        "PlanRefRequired");
  CHECK(s.rejection("2025-02-02", BreachPaymentPlan{"nope", d("2025-03-01"), eur(1)}) ==
        "UnknownPaymentPlan");
  auto refused = s.run("2025-02-03", RefusePaymentPlan{appeal()});
  CHECK(body<schemas::PaymentPlanRefusedT>(refused[0]).appeal->appeal_body ==
        "Tribunal du travail / Arbeidsrechtbank");
}

TEST_CASE("rejections: every refusal and claim needs reason, appeal body, deadline",
          "[decide][reject]") {
  auto s = with_unpaid_q1();
  s.run("2025-02-01", RequestPaymentPlan{{q("2025-Q1")}, 2});
  auto no_reason = appeal();
  no_reason.reason.clear();
  auto no_body = appeal();
  no_body.appeal_body.clear();
  auto no_deadline = appeal();
  no_deadline.appeal_deadline.reset();
  CHECK(s.rejection("2025-02-02", RefusePaymentPlan{no_reason}) == "ReasonRequired");
  CHECK(s.rejection("2025-02-02", RefusePaymentPlan{no_body}) == "AppealBodyRequired");
  CHECK(s.rejection("2025-02-02", RefusePaymentPlan{no_deadline}) == "AppealDeadlineRequired");
  CHECK(s.rejection("2025-02-02",
                    ClaimOverpayment{schemas::BenefitKind::BridgingRight, d("2025-01-01"),
                                     d("2025-01-31"), eur(100), no_reason}) == "ReasonRequired");
  CHECK(s.rejection("2025-02-02", ClaimOverpayment{schemas::BenefitKind::BridgingRight,
                                                   d("2025-01-01"), d("2025-01-31"), eur(100),
                                                   no_deadline}) == "AppealDeadlineRequired");
  CHECK(s.rejection("2025-02-02",
                    ClaimOverpayment{schemas::BenefitKind::BridgingRight, d("2025-01-01"),
                                     d("2025-01-31"), eur(0), appeal()}) == "AmountNotPositive");
  CHECK(s.when(ClaimOverpayment{schemas::BenefitKind::BridgingRight, d("2025-01-01"),
                                d("2025-01-31"), eur(100), appeal()})
            ->size() == 1);
  CHECK(s.rejection("2025-02-02", RefuseWaiver{{q("2025-Q1")}, "D", no_body}) ==
        "AppealBodyRequired");
  CHECK(s.rejection("2025-02-02", RefuseDispense{{q("2025-Q1")}, "D", no_deadline}) ==
        "AppealDeadlineRequired");
  s.run("2025-02-02", ClaimBenefit{schemas::BenefitKind::BridgingRight,
                                   schemas::BridgingGround::Bankruptcy, d("2025-01-20"), "CL1"});
  CHECK(s.rejection("2025-02-03", RefuseBenefit{"CL1", no_reason}) == "ReasonRequired");
}

TEST_CASE("rejections and decisions: waivers", "[decide][reject]") {
  auto s = with_unpaid_q1();
  s.run("2025-03-31", ApplyQuarterEndSurcharges{q("2025-Q1")});  // 63.93
  CHECK(
      s.rejection("2025-04-01", RequestWaiver{{q("2025-Q1")}, schemas::WaiverGround::GoodFaith}) ==
      "QuarterPrincipalUnpaid");
  CHECK(
      s.rejection("2025-04-01", RequestWaiver{{q("2025-Q3")}, schemas::WaiverGround::GoodFaith}) ==
      "NothingToWaive");
  CHECK(s.rejection("2025-04-01", GrantWaiver{{q("2025-Q1")}, "D", 10000}) == "NoPendingWaiver");
  s.run("2025-04-02", RecordPayment{eur(213'098), d("2025-04-02"), std::nullopt, "B1",
                                    schemas::PaymentChannel::Coda, std::nullopt});
  auto req =
      s.run("2025-04-03", RequestWaiver{{q("2025-Q1")}, schemas::WaiverGround::ForceMajeure});
  CHECK(body<schemas::WaiverRequestedT>(req[0]).surcharges_cents == 6'393);
  CHECK(
      s.rejection("2025-04-03", RequestWaiver{{q("2025-Q1")}, schemas::WaiverGround::GoodFaith}) ==
      "WaiverAlreadyRequested");
  CHECK(s.rejection("2025-05-01", GrantWaiver{{q("2025-Q1")}, "D", 0}) == "WaiverShareRange");
  auto granted = s.run("2025-05-01", GrantWaiver{{q("2025-Q1")}, "INASTI-1", 10000});
  REQUIRE(granted.size() == 2);
  CHECK(body<schemas::WaiverGrantedT>(granted[0]).amount_cents == 6'393);
  CHECK(body<schemas::SurchargeWaivedT>(granted[1]).amount_cents == 6'393);
  CHECK(s.state.total_open() == eur(0));
}

TEST_CASE("rejections and decisions: dispenses", "[decide][reject]") {
  auto s = with_unpaid_q1();
  CHECK(s.rejection("2026-04-01", RequestDispense{{q("2025-Q1")}}) == "DispenseRequestTooLate");
  CHECK(s.rejection("2025-02-01", GrantDispense{{q("2025-Q1")}, "D"}) == "NoPendingDispense");
  s.run("2026-03-31", RequestDispense{{q("2025-Q1")}});  // last day of the 12 months
  CHECK(s.rejection("2026-03-31", RequestDispense{{q("2025-Q1")}}) == "DispenseAlreadyRequested");
  auto granted = s.run("2026-05-01", GrantDispense{{q("2025-Q1")}, "INASTI-2"});
  CHECK(body<schemas::DispenseGrantedT>(granted[0]).amount_cents == 213'098);
  CHECK(s.state.total_open() == eur(0));

  PersonScenario secondary;
  secondary.run("2025-01-01", person("2025-01-01", Category::kSecondary));
  CHECK(secondary.rejection("2025-02-01", RequestDispense{{q("2025-Q1")}}) ==
        "DispenseMainOccupationOnly");
}

TEST_CASE("rejections and decisions: benefits", "[decide][reject]") {
  auto s = with_unpaid_q1();
  CHECK(s.rejection("2025-02-01", ClaimBenefit{schemas::BenefitKind::BridgingRight,
                                               schemas::BridgingGround::NotApplicable, std::nullopt,
                                               "CL1"}) == "BridgingGroundRequired");
  CHECK(s.rejection("2025-02-01", GrantBenefit{"nope", d("2025-02-01"), false, std::nullopt}) ==
        "UnknownClaim");
  s.run("2025-02-01", ClaimBenefit{schemas::BenefitKind::BridgingRight,
                                   schemas::BridgingGround::Bankruptcy, d("2025-01-20"), "CL1"});
  CHECK(s.rejection("2025-02-01", ClaimBenefit{schemas::BenefitKind::BridgingRight,
                                               schemas::BridgingGround::Bankruptcy, std::nullopt,
                                               "CL1"}) == "ClaimAlreadyFiled");
  CHECK(s.rejection("2025-02-02", GrantBenefit{"CL1", d("2025-02-01"), false, std::nullopt}) ==
        "BridgingRightInsufficientQuarters");
  CHECK(s.rejection("2025-02-02", PayBenefit{"CL1", d("2025-02-01"), d("2025-02-28"), eur(1), "X",
                                             std::nullopt}) == "BenefitNotGranted");
  s.run("2025-02-03", RefuseBenefit{"CL1", appeal()});
  CHECK(s.rejection("2025-02-04", RefuseBenefit{"CL1", appeal()}) == "ClaimAlreadyDecided");

  CHECK(bridging_right_months(7) == 0);
  CHECK(bridging_right_months(8) == 3);
  CHECK(bridging_right_months(20) == 6);
  CHECK(bridging_right_months(60) == 12);
}

TEST_CASE("bridging right granted after 8 paid quarters", "[decide]") {
  PersonScenario s;
  s.run("2023-01-01", person("2023-01-01"));
  int n = 0;
  for (Quarter qq = q("2023-Q1"); qq <= q("2024-Q4"); qq = qq.next()) {
    auto e = s.run("2025-01-01", AssessQuarter{qq});
    auto amount = body<schemas::PaymentNoticeIssuedT>(e[1]).amount_cents;
    s.run("2025-01-02",
          RecordPayment{eur(amount), d("2025-01-02"), std::nullopt, "B" + std::to_string(n++),
                        schemas::PaymentChannel::Coda, std::nullopt});
  }
  CHECK(quarters_of_contributions(s.state) == 8);
  s.run("2025-02-01",
        ClaimBenefit{schemas::BenefitKind::BridgingRight,
                     schemas::BridgingGround::ForcedInterruption, d("2025-01-20"), "CL1"});
  auto g = s.run("2025-02-10", GrantBenefit{"CL1", d("2025-02-01"), true, std::nullopt});
  REQUIRE(g.size() >= 2);
  CHECK(body<schemas::BenefitGrantedT>(g[0]).months == 3);
  CHECK(body<schemas::BenefitGrantedT>(g[0]).monthly_amount_cents == 174'716);
  CHECK(body<schemas::ContributionFreeQuarterGrantedT>(g[1]).reason ==
        schemas::FreeQuarterReason::BridgingRight);
  auto paid = s.run("2025-03-01", PayBenefit{"CL1", d("2025-02-01"), d("2025-02-28"), eur(174'716),
                                             "PAY-1", Iban::parse("BE68539007547034").value()});
  REQUIRE(paid[0].personal.has_value());
  CHECK(s.state.benefits[0].paid == eur(174'716));
}

TEST_CASE("structured communications: member number and counter", "[decide]") {
  CHECK(notice_communication(1234567, 1)->digits() == "123456700183");
  CHECK(notice_communication(0, 1).error().rule == "MemberNumberRange");
  CHECK(notice_communication(1234567, 1000).error().rule == "NoticeCounterExhausted");
  CHECK(notice_communication(9'999'999, 999).ok());
  // The bank importer reads the member number back.
  CHECK(notice_member_number(*notice_communication(1234567, 1)) == 1234567u);
  CHECK(notice_member_number(*notice_communication(9'999'999, 999)) == 9'999'999u);
  CHECK_FALSE(notice_member_number(*StructuredCommunication::parse("000000099929")).has_value());
}

}  // namespace
}  // namespace kassa::domain::test
