// A person's requests and decisions (requests_view), from decide() alone:
// what is pending, what was decided for which quarters, each refusal's
// reason and appeal, and all of it through a snapshot.
#include "domain/person_views.h"
#include "domain/snapshot.h"
#include "domain/structured_communication.h"
#include "scenario.h"

namespace kassa::domain::test {
namespace {

std::vector<RequestView> through_snapshot(const PersonState& state) {
  auto back = deserialize_person(serialize(state));
  REQUIRE(back.ok());
  CHECK(serialize(*back) == serialize(state));
  return requests_view(*back);
}

// Q1's surcharges applied, then its principal paid: what a waiver may
// take (it is admissible once the contribution and fees are paid).
void q1_surcharges_left(PersonScenario& s) {
  s.run("2025-03-31", ApplyQuarterEndSurcharges{q("2025-Q1")});
  s.run("2025-04-02", RecordPayment{eur(213'098), d("2025-04-02"), std::nullopt, "B1",
                                    schemas::PaymentChannel::Coda, std::nullopt});
}

TEST_CASE("requests: a plan refused with its appeal, asked again and granted",
          "[views][requests]") {
  auto s = with_unpaid_q1();
  CHECK(requests_view(s.state).empty());
  s.run("2025-02-01", RequestPaymentPlan{{q("2025-Q1")}, 2});
  auto v = requests_view(s.state);
  REQUIRE(v.size() == 1);
  CHECK(to_string(v[0].kind) == "payment-plan");
  CHECK(v[0].status == "pending");
  CHECK(v[0].requested == d("2025-02-01"));
  CHECK(v[0].quarters == std::vector<Quarter>{q("2025-Q1")});
  CHECK(v[0].amount == eur(213'098));
  CHECK_FALSE(v[0].decided.has_value());

  s.run("2025-02-10", RefusePaymentPlan{appeal()});
  v = through_snapshot(s.state);
  REQUIRE(v.size() == 1);
  CHECK(v[0].status == "refused");
  CHECK(v[0].requested == d("2025-02-01"));
  CHECK(v[0].decided == d("2025-02-10"));
  CHECK(v[0].quarters == std::vector<Quarter>{q("2025-Q1")});
  CHECK(v[0].amount == eur(213'098));  // what was asked for
  REQUIRE(v[0].appeal.has_value());
  CHECK(v[0].appeal->reason_code == "QuarterPrincipalUnpaid");
  CHECK(v[0].appeal->reason == "the contribution is not paid");
  CHECK(v[0].appeal->appeal_body == "Tribunal du travail / Arbeidsrechtbank");
  CHECK(v[0].appeal->appeal_deadline == d("2026-03-31"));

  s.run("2025-03-01", RequestPaymentPlan{{q("2025-Q1")}, 2});
  s.run("2025-03-05",
        GrantPaymentPlan{"PLAN-7",
                         {{d("2025-04-01"), eur(106'549)}, {d("2025-05-01"), eur(106'549)}}});
  v = through_snapshot(s.state);
  REQUIRE(v.size() == 2);
  CHECK(v[0].status == "refused");
  CHECK(v[1].status == "granted");
  CHECK(v[1].reference == "PLAN-7");
  CHECK(v[1].requested == d("2025-03-01"));
  CHECK(v[1].decided == d("2025-03-05"));
  CHECK(v[1].amount == eur(213'098));
  CHECK_FALSE(v[1].appeal.has_value());

  s.run("2025-04-20", BreachPaymentPlan{"PLAN-7", d("2025-04-01"), eur(106'549)});
  CHECK(requests_view(s.state)[1].status == "breached");
}

TEST_CASE("requests: a plan refused, asked again and granted on one day reads granted",
          "[views][requests]") {
  // Before: the debt view said "refused" when the grant fell on the
  // refusal's day (a refusal won every tie of dates); the console's
  // journey met it. The later decision is the plan's status.
  auto s = with_unpaid_q1();
  s.run("2025-02-01", RequestPaymentPlan{{q("2025-Q1")}, 2});
  s.run("2025-02-10", RefusePaymentPlan{appeal()});
  CHECK(debt_view(s.state).plan == PlanStatus::kRefused);
  s.run("2025-02-10", RequestPaymentPlan{{q("2025-Q1")}, 1});
  CHECK(debt_view(s.state).plan == PlanStatus::kRequested);
  s.run("2025-02-10", GrantPaymentPlan{"PLAN-8", {{d("2025-03-01"), eur(213'098)}}});
  const DebtView granted = debt_view(s.state);
  CHECK(granted.plan == PlanStatus::kGranted);
  CHECK(granted.plan_ref == "PLAN-8");
  CHECK(granted.plan_date == d("2025-02-10"));
  // And a refusal after a grant on one day reads refused.
  s.run("2025-02-10", RequestPaymentPlan{{q("2025-Q1")}, 3});
  s.run("2025-02-10", RefusePaymentPlan{appeal()});
  CHECK(debt_view(s.state).plan == PlanStatus::kRefused);
}

TEST_CASE("requests: one dispense request decided quarter by quarter", "[views][requests]") {
  auto s = with_unpaid_q1();
  s.run("2025-04-05", AssessQuarter{q("2025-Q2")});
  s.run("2025-05-01", RequestDispense{{q("2025-Q1"), q("2025-Q2")}});
  s.run("2025-06-01", GrantDispense{{q("2025-Q1")}, "INASTI-1"});
  auto v = through_snapshot(s.state);
  REQUIRE(v.size() == 2);
  // What is left to decide keeps the request's date; the decision has it too.
  CHECK(to_string(v[0].kind) == "dispense");
  CHECK(v[0].status == "pending");
  CHECK(v[0].quarters == std::vector<Quarter>{q("2025-Q2")});
  CHECK(v[1].status == "granted");
  CHECK(v[1].quarters == std::vector<Quarter>{q("2025-Q1")});
  CHECK(v[1].requested == d("2025-05-01"));
  CHECK(v[1].reference == "INASTI-1");

  s.run("2025-06-15", RefuseDispense{{q("2025-Q2")}, "INASTI-2", appeal()});
  v = through_snapshot(s.state);
  REQUIRE(v.size() == 2);
  CHECK(v[0].status == "granted");
  CHECK(v[1].status == "refused");
  CHECK(v[1].quarters == std::vector<Quarter>{q("2025-Q2")});
  CHECK(v[1].requested == d("2025-05-01"));
  CHECK(v[1].decided == d("2025-06-15"));
  REQUIRE(v[1].appeal.has_value());
  CHECK(v[1].appeal->appeal_deadline == d("2026-03-31"));
}

TEST_CASE("requests: a waiver refused, a benefit refused, by request date", "[views][requests]") {
  auto s = with_unpaid_q1();
  s.run("2025-02-01", ClaimBenefit{schemas::BenefitKind::BridgingRight,
                                   schemas::BridgingGround::Bankruptcy, d("2025-01-20"), "CL1"});
  q1_surcharges_left(s);
  s.run("2025-04-03", RequestWaiver{{q("2025-Q1")}, schemas::WaiverGround::ForceMajeure});
  s.run("2025-04-20", RefuseWaiver{{q("2025-Q1")}, "INASTI-W", appeal()});
  s.run("2025-05-03", RefuseBenefit{"CL1", appeal()});
  auto v = through_snapshot(s.state);
  REQUIRE(v.size() == 2);
  CHECK(to_string(v[0].kind) == "benefit");
  CHECK(v[0].benefit == schemas::BenefitKind::BridgingRight);
  CHECK(v[0].reference == "CL1");
  CHECK(v[0].requested == d("2025-02-01"));
  CHECK(v[0].status == "refused");
  CHECK(v[0].decided == d("2025-05-03"));
  REQUIRE(v[0].appeal.has_value());
  CHECK(v[0].appeal->appeal_body == "Tribunal du travail / Arbeidsrechtbank");
  CHECK(to_string(v[1].kind) == "waiver");
  CHECK(v[1].status == "refused");
  CHECK_FALSE(v[1].amount.has_value());
  CHECK(v[1].reference == "INASTI-W");
  CHECK(v[1].requested == d("2025-04-03"));
  CHECK(v[1].quarters == std::vector<Quarter>{q("2025-Q1")});
  REQUIRE(v[1].appeal.has_value());
}

TEST_CASE("requests: what a waiver asks and waives, what a dispense relieves",
          "[views][requests]") {
  // Before: a granted waiver's or dispense's amount was null in the answer
  // (only plans and contests carried one).
  auto s = with_unpaid_q1();
  q1_surcharges_left(s);
  s.run("2025-04-05", AssessQuarter{q("2025-Q2")});
  const Money surcharges = s.state.quarter_lines.at(q("2025-Q1")).open_surcharges();
  REQUIRE(surcharges.cents() > 0);
  s.run("2025-04-06", RequestWaiver{{q("2025-Q1")}, schemas::WaiverGround::ForceMajeure});
  auto v = requests_view(s.state);
  REQUIRE(v.size() == 1);
  CHECK(v[0].status == "pending");
  CHECK(v[0].amount == surcharges);  // asked to waive

  s.run("2025-04-20", GrantWaiver{{q("2025-Q1")}, "INASTI-W1", 5000});
  v = through_snapshot(s.state);
  REQUIRE(v.size() == 1);
  CHECK(v[0].status == "granted");
  REQUIRE(v[0].amount.has_value());
  CHECK(v[0].amount->cents() == (surcharges.cents() + 1) / 2);  // half of them, as decided
  CHECK(s.state.quarter_lines.at(q("2025-Q1")).open_surcharges().cents() ==
        surcharges.cents() - v[0].amount->cents());

  const Money q2 = s.state.quarter_lines.at(q("2025-Q2")).open_total();
  s.run("2025-05-01", RequestDispense{{q("2025-Q2")}});
  v = requests_view(s.state);
  REQUIRE(v.size() == 2);
  CHECK_FALSE(v[1].amount.has_value());  // unknown until decided
  s.run("2025-06-01", GrantDispense{{q("2025-Q2")}, "INASTI-D1"});
  v = through_snapshot(s.state);
  REQUIRE(v.size() == 2);
  CHECK(v[1].status == "granted");
  CHECK(v[1].amount == q2);  // the quarter's whole open amount
  CHECK(s.state.quarter_lines.at(q("2025-Q2")).open_total().cents() == 0);
}

TEST_CASE("requests: what is left pending of a waiver partly granted has no amount",
          "[views][requests]") {
  // The request's amount covered both quarters; after Q1's grant, showing
  // it beside Q2 alone would overstate what Q2's waiver asks.
  auto s = with_unpaid_q1();
  q1_surcharges_left(s);
  s.run("2025-04-05", AssessQuarter{q("2025-Q2")});
  s.run("2025-06-30", ApplyQuarterEndSurcharges{q("2025-Q2")});
  // Q2's principal paid with its notice's communication (else the oldest
  // debt, Q1's surcharges, would come first).
  std::string q2_notice;
  for (const Notice& n : s.state.notices) {
    if (n.quarter == quarter_code(q("2025-Q2"))) q2_notice = n.communication;
  }
  REQUIRE_FALSE(q2_notice.empty());
  s.run("2025-07-02", RecordPayment{eur(213'098), d("2025-07-02"),
                                    StructuredCommunication::parse(q2_notice).value(), "B2",
                                    schemas::PaymentChannel::Coda, std::nullopt});
  s.run("2025-07-03",
        RequestWaiver{{q("2025-Q1"), q("2025-Q2")}, schemas::WaiverGround::ForceMajeure});
  auto v = requests_view(s.state);
  REQUIRE(v.size() == 1);
  REQUIRE(v[0].amount.has_value());
  CHECK(v[0].amount->is_positive());
  s.run("2025-07-20", GrantWaiver{{q("2025-Q1")}, "INASTI-W2", 10000});
  v = through_snapshot(s.state);
  REQUIRE(v.size() == 2);
  CHECK(v[0].status == "pending");
  CHECK(v[0].quarters == std::vector<Quarter>{q("2025-Q2")});
  CHECK_FALSE(v[0].amount.has_value());
  CHECK(v[1].status == "granted");
  REQUIRE(v[1].amount.has_value());
  CHECK(v[1].amount->is_positive());
}

}  // namespace
}  // namespace kassa::domain::test
