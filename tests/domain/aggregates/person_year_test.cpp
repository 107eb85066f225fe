// One person through a whole year, with DOMAIN.md's amounts.
#include "scenario.h"

namespace kassa::domain::test {
namespace {

using EB = schemas::EventBody;

TEST_CASE("a main-occupation person through 2025", "[decide][year]") {
  PersonScenario s;
  auto reg = s.run("2025-01-01", person("2025-01-01"));
  REQUIRE(types(reg) == std::vector<EB>{EB::PersonRegistered});
  CHECK(body<schemas::PersonRegisteredT>(reg[0]).member_number == 1234567u);
  REQUIRE(reg[0].personal.has_value());
  CHECK(reg[0].personal->niss == "93051822361");
  CHECK(reg[0].personal->iban == "BE68539007547034");

  s.run("2025-01-02",
        ChangeProvisionalBase{2025, eur(4'000'000), schemas::ProvisionalBasis::ChosenHigher, ""});

  // Assessment: 40,000.00 x 20.50 % / 4 = 2,050.00 + 3.95 % fees 80.98.
  auto q1 = s.run("2025-01-05", AssessQuarter{q("2025-Q1")});
  REQUIRE(types(q1) == std::vector<EB>{EB::ContributionAssessed, EB::PaymentNoticeIssued});
  const auto& assessed = body<schemas::ContributionAssessedT>(q1[0]);
  CHECK(assessed.contribution_cents == 205'000);
  CHECK(assessed.fees_cents == 8'098);
  CHECK(assessed.fees_rate_bp == 395);
  CHECK(assessed.base_cents == 4'000'000);
  CHECK(assessed.due_days == d("2025-03-31").to_days());
  const auto& notice = body<schemas::PaymentNoticeIssuedT>(q1[1]);
  CHECK(notice.amount_cents == 213'098);
  CHECK(notice.structured_communication == "123456700183");  // 1234567001 mod 97 = 83
  CHECK(notice.due_days == d("2025-03-31").to_days());
  CHECK(s.when(AssessQuarter{q("2025-Q1")})->empty());  // idempotent

  // A partial payment, oldest first.
  auto paid =
      s.run("2025-02-15", RecordPayment{eur(100'000), d("2025-02-15"), std::nullopt, "BANK-1",
                                        schemas::PaymentChannel::Coda, std::nullopt});
  REQUIRE(types(paid) == std::vector<EB>{EB::PaymentReceived, EB::PaymentAllocated});
  const auto& alloc = body<schemas::PaymentAllocatedT>(paid[1]);
  REQUIRE(alloc.lines.size() == 1);
  CHECK(alloc.lines[0].quarter() == qc("2025-Q1"));
  CHECK(alloc.lines[0].kind() == schemas::DebtKind::Contribution);
  CHECK(alloc.lines[0].amount_cents() == 100'000);
  CHECK(s.when(RecordPayment{eur(100'000), d("2025-02-15"), std::nullopt, "BANK-1",
                             schemas::PaymentChannel::Coda, std::nullopt})
            ->empty());  // the same bank line again

  // Quarter end: 3 % of the unpaid 1,130.98 = 33.93.
  CHECK(s.rejection("2025-03-30", ApplyQuarterEndSurcharges{q("2025-Q1")}) == "QuarterNotEnded");
  auto sur = s.run("2025-03-31", ApplyQuarterEndSurcharges{q("2025-Q1")});
  REQUIRE(types(sur) == std::vector<EB>{EB::SurchargeApplied});
  CHECK(body<schemas::SurchargeAppliedT>(sur[0]).base_cents == 113'098);
  CHECK(body<schemas::SurchargeAppliedT>(sur[0]).amount_cents == 3'393);
  CHECK(body<schemas::SurchargeAppliedT>(sur[0]).rate_bp == 300);
  CHECK(s.when(ApplyQuarterEndSurcharges{q("2025-Q1")})->empty());

  auto q2 = s.run("2025-04-02", AssessQuarter{q("2025-Q2")});
  CHECK(body<schemas::PaymentNoticeIssuedT>(q2[1]).structured_communication == "123456700284");

  // Reminder on due + 15 days.
  CHECK(s.when(RunReminders{d("2025-04-14")})->empty());
  auto rem = s.run("2025-04-15", RunReminders{d("2025-04-15")});
  REQUIRE(types(rem) == std::vector<EB>{EB::ReminderSent});
  CHECK(body<schemas::ReminderSentT>(rem[0]).quarters == std::vector<std::uint16_t>{qc("2025-Q1")});
  CHECK(body<schemas::ReminderSentT>(rem[0]).amount_due_cents == 113'098 + 3'393);
  CHECK(s.when(RunReminders{d("2025-04-15")})->empty());

  // Q2 end: 3 % again on Q1, first 3 % on Q2; formal notice for Q1 one
  // quarter after its due date.
  auto sur2 = s.run("2025-06-30", ApplyQuarterEndSurcharges{q("2025-Q2")});
  REQUIRE(sur2.size() == 2);
  CHECK(body<schemas::SurchargeAppliedT>(sur2[0]).amount_cents == 3'393);
  CHECK(body<schemas::SurchargeAppliedT>(sur2[1]).amount_cents == 6'393);
  auto formal = s.run("2025-06-30", RunReminders{d("2025-06-30")});
  REQUIRE(types(formal) == std::vector<EB>{EB::FormalNoticeSent});
  CHECK(body<schemas::FormalNoticeSentT>(formal[0]).quarters ==
        std::vector<std::uint16_t>{qc("2025-Q1")});
  CHECK(body<schemas::FormalNoticeSentT>(formal[0]).respond_by_days == d("2025-07-30").to_days());
  CHECK(s.when(RunReminders{d("2025-06-30")})->empty());

  // Contrainte: the formal notice must be more than one month old, and the
  // first-ever one needs a personal contact.
  CHECK(s.rejection("2025-07-30", ServeContrainte{d("2025-07-30"), "B-1"}) ==
        "FormalNoticeTooRecent");
  CHECK(s.rejection("2025-08-05", ServeContrainte{d("2025-08-05"), "B-1"}) ==
        "PersonalContactMissing");
  s.run("2025-08-01",
        RecordPersonalContact{d("2025-08-01"), schemas::ContactChannel::Phone, true, "note-1"});
  auto served = s.run("2025-08-05", ServeContrainte{d("2025-08-05"), "B-1"});
  REQUIRE(types(served) == std::vector<EB>{EB::ContrainteServed});
  const auto& c = body<schemas::ContrainteServedT>(served[0]);
  CHECK(c.quarters == std::vector<std::uint16_t>{qc("2025-Q1")});
  CHECK(c.principal_cents == 113'098);
  CHECK(c.surcharges_cents == 2 * 3'393);
  CHECK(c.first_ever);

  // No 3 % on Q1 once the contrainte is served; Q2 keeps running.
  s.run("2025-07-01", AssessQuarter{q("2025-Q3")});
  auto sur3 = s.run("2025-09-30", ApplyQuarterEndSurcharges{q("2025-Q3")});
  REQUIRE(sur3.size() == 2);
  CHECK(body<schemas::SurchargeAppliedT>(sur3[0]).quarter == qc("2025-Q2"));
  CHECK(body<schemas::SurchargeAppliedT>(sur3[1]).quarter == qc("2025-Q3"));

  // A payment plan for Q2 and Q3.
  auto req = s.run("2025-10-01", RequestPaymentPlan{{q("2025-Q2"), q("2025-Q3")}, 2});
  Money owed = eur(body<schemas::PaymentPlanRequestedT>(req[0]).amount_cents);
  CHECK(owed == eur(213'098 * 2 + 6'393 * 2 + 6'393));
  auto half = owed.cents() / 2;
  auto plan = s.run("2025-10-05", GrantPaymentPlan{"PLAN-1",
                                                   {{d("2025-11-01"), eur(half)},
                                                    {d("2025-12-01"), eur(owed.cents() - half)}}});
  REQUIRE(types(plan) == std::vector<EB>{EB::PaymentPlanGranted});
  CHECK(s.state.payment_plan_respected());

  s.run("2025-10-02", AssessQuarter{q("2025-Q4")});
  CHECK(s.state.quarter_lines.size() == 4);
  CHECK(s.state.notices_issued == 4);

  // 7 % on 1 January 2026 on what is unpaid of the notices first claimed in
  // 2025 (Q1-Q3; the Q4 notice counts for 2026). Q1 had a contrainte in 2025.
  CHECK(s.rejection("2025-12-31", ApplyYearEndSurcharge{2025}) == "YearNotEnded");
  auto seven = s.run("2026-01-01", ApplyYearEndSurcharge{2025});
  CHECK(seven.empty());  // a contrainte was served in 2025
}

TEST_CASE("a starter pays the minimum, then example 4's regularisation", "[decide][year]") {
  PersonScenario s;
  s.run("2025-01-01", person("2025-01-01", Category::kMain, schemas::StarterStatus::Starter));
  for (const char* quarter : {"2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"}) {
    auto e = s.run("2025-01-05", AssessQuarter{q(quarter)});
    REQUIRE(e.size() == 2);
    CHECK(body<schemas::ContributionAssessedT>(e[0]).contribution_cents == 87'171);
    CHECK(body<schemas::ContributionAssessedT>(e[0]).fees_cents == 3'443);
  }
  auto reg =
      s.run("2027-05-10", NotifyIncome{2025, eur(3'000'000), schemas::IncomeSource::TaxAuthority});
  REQUIRE(types(reg) ==
          std::vector<EB>{EB::IncomeNotified, EB::RegularisationComputed, EB::PaymentNoticeIssued});
  const auto& r = body<schemas::RegularisationComputedT>(reg[1]);
  CHECK(r.provisional_contribution_cents == 348'684);
  CHECK(r.final_contribution_cents == 615'000);
  CHECK(r.final_contribution_cents - r.provisional_contribution_cents == 266'316);
  CHECK(r.provisional_fees_cents == 4 * 3'443);
  CHECK(r.final_fees_cents == 24'293);
  CHECK(r.difference_cents == 266'316 + 24'293 - 4 * 3'443);
  CHECK(r.due_days == d("2027-09-30").to_days());
  const auto& n = body<schemas::PaymentNoticeIssuedT>(reg[2]);
  CHECK(n.kind == schemas::NoticeKind::Regularisation);
  CHECK(n.amount_cents == r.difference_cents);
  CHECK(n.quarter == qc("2027-Q2"));
  CHECK(n.structured_communication == "123456700587");
  CHECK(s.when(NotifyIncome{2025, eur(3'000'000), schemas::IncomeSource::TaxAuthority})->empty());

  // Its first 3 % falls at the end of the quarter after the statement's.
  s.run("2027-06-01", RecordPayment{eur(4 * 90'614), d("2027-06-01"), std::nullopt, "B-ALL",
                                    schemas::PaymentChannel::Coda, std::nullopt});
  s.today = d("2027-06-30");
  CHECK(s.when(ApplyQuarterEndSurcharges{q("2027-Q2")}).value().empty());
  s.today = d("2027-09-30");
  auto later = s.when(ApplyQuarterEndSurcharges{q("2027-Q3")});
  REQUIRE(later.ok());
  REQUIRE(later->size() == 1);
  CHECK(body<schemas::SurchargeAppliedT>((*later)[0]).year == 2025);
  CHECK(body<schemas::SurchargeAppliedT>((*later)[0]).quarter == qc("2027-Q2"));
}

TEST_CASE("a lower justified base reduces booked surcharges in proportion", "[decide]") {
  PersonScenario s;
  s.run("2025-01-01", person("2025-01-01"));
  s.run("2025-01-02",
        ChangeProvisionalBase{2025, eur(4'000'000), schemas::ProvisionalBasis::ChosenHigher, ""});
  s.run("2025-01-05", AssessQuarter{q("2025-Q1")});
  s.run("2025-03-31", ApplyQuarterEndSurcharges{q("2025-Q1")});  // 3 % of 2,130.98 = 63.93
  CHECK(s.rejection("2025-04-01", ChangeProvisionalBase{2025, eur(2'000'000),
                                                        schemas::ProvisionalBasis::ChosenHigher,
                                                        ""}) == "LowerBaseNotJustified");
  CHECK(s.rejection("2025-04-01", ChangeProvisionalBase{2025, eur(1'000'000),
                                                        schemas::ProvisionalBasis::JustifiedLower,
                                                        "IncomeDrop"}) ==
        "ProvisionalBaseBelowMinimum");
  auto e = s.run("2025-04-01",
                 ChangeProvisionalBase{2025, eur(2'000'000),
                                       schemas::ProvisionalBasis::JustifiedLower, "IncomeDrop"});
  REQUIRE(types(e) == std::vector<EB>{EB::ProvisionalBaseChanged, EB::ContributionAssessed,
                                      EB::SurchargeReduced});
  CHECK(body<schemas::ContributionAssessedT>(e[1]).contribution_cents == 102'500);
  // 63.93 x 1,065.49 / 2,130.98 = 31.965 -> kept 31.97, reduced by 31.96.
  CHECK(body<schemas::SurchargeReducedT>(e[2]).amount_cents == 6'393 - 3'197);
  CHECK(s.state.quarter_lines.at(q("2025-Q1")).open_surcharges() == eur(3'197));
}

TEST_CASE("assessment is not due outside affiliation, at death or when free", "[decide]") {
  PersonScenario s;
  s.run("2025-04-01", person("2025-04-10"));
  CHECK(s.when(AssessQuarter{q("2025-Q1")})->empty());  // before the start
  s.run("2025-04-12",
        GrantContributionFreeQuarter{q("2025-Q3"), schemas::FreeQuarterReason::Sickness});
  // Q3 is contribution-free: its run assesses only Q2, which no run did.
  auto q3 = s.when(AssessQuarter{q("2025-Q3")});
  REQUIRE(q3->size() == 2);
  CHECK(body<schemas::ContributionAssessedT>((*q3)[0]).quarter == qc("2025-Q2"));
  s.run("2025-11-01", RecordDeath{d("2025-11-01")});
  auto q4 = s.when(AssessQuarter{q("2025-Q4")});  // not the quarter of death
  REQUIRE(q4->size() == 2);
  CHECK(body<schemas::ContributionAssessedT>((*q4)[0]).quarter == qc("2025-Q2"));
  CHECK(s.when(AssessQuarter{q("2025-Q2")})->size() == 2);
}

TEST_CASE(
    "a person registered after two runs: the next run assesses both quarters, due at the "
    "end of its own quarter, and the 3 % runs from there",
    "[decide][late]") {
  PersonScenario s;
  // The runs for 2025-Q1 and 2025-Q2 happened; the person registers in May,
  // having started in February.
  s.run("2025-05-20", person("2025-02-01"));
  CHECK(s.state.quarter_lines.empty());  // the registration assesses nothing itself
  auto e = s.run("2025-07-05", AssessQuarter{q("2025-Q3")});
  REQUIRE(types(e) == std::vector<EB>{EB::ContributionAssessed, EB::PaymentNoticeIssued,
                                      EB::ContributionAssessed, EB::PaymentNoticeIssued,
                                      EB::ContributionAssessed, EB::PaymentNoticeIssued});
  CHECK(quarters_assessed_late(e) == 2);
  const char* quarters[] = {"2025-Q1", "2025-Q2", "2025-Q3"};
  for (std::size_t i = 0; i < 3; ++i) {
    INFO(quarters[i]);
    const auto& a = body<schemas::ContributionAssessedT>(e[2 * i]);
    const auto& n = body<schemas::PaymentNoticeIssuedT>(e[2 * i + 1]);
    CHECK(a.quarter == qc(quarters[i]));
    CHECK(a.contribution_cents == 87'171);  // DOMAIN §3: the 2025 main minimum per quarter
    CHECK(n.amount_cents == 90'614);        // + 3.95 % fees
    CHECK(a.due_days == d("2025-09-30").to_days());  // the end of the run's quarter
    CHECK(n.due_days == d("2025-09-30").to_days());
    CHECK(n.sent_days == d("2025-07-05").to_days());
  }
  // Three communications, one per notice.
  CHECK(body<schemas::PaymentNoticeIssuedT>(e[1]).structured_communication !=
        body<schemas::PaymentNoticeIssuedT>(e[3]).structured_communication);
  // Each quarter is assessed once: the run again, or an older one, writes nothing.
  CHECK(s.when(AssessQuarter{q("2025-Q3")})->empty());
  CHECK(s.when(AssessQuarter{q("2025-Q1")})->empty());
  // No 3 % at the end of 2025-Q2 on what was not yet claimed; at the end of
  // 2025-Q3 the three quarters bear it.
  CHECK(s.when(ApplyQuarterEndSurcharges{q("2025-Q2")})->empty());
  s.today = d("2025-09-30");
  auto sur = s.run("2025-09-30", ApplyQuarterEndSurcharges{q("2025-Q3")});
  REQUIRE(sur.size() == 3);
  for (const auto& x : sur) CHECK(body<schemas::SurchargeAppliedT>(x).amount_cents == 2'718);
  // The reminder falls 15 days after the moved due date, not the quarter's own.
  CHECK(s.when(RunReminders{d("2025-07-20")})->empty());
}

TEST_CASE(
    "catching up stops at the prescription and at assess_from, and the rulebook must know "
    "every year a registration leaves to be assessed late",
    "[decide][late]") {
  SECTION("five years back from 1 January after the contribution year") {
    PersonScenario s;
    // Registered on 2027-... would need 2027 figures; in 2026 the years
    // from 2021 are chargeable, and 2021 is not in the rulebook.
    CHECK(s.rejection("2026-03-01", person("2019-06-01")) == "StartBeforeRulebook");
    // Transferred in: the previous fund assessed up to 2025-Q4.
    auto transfer = person("2019-06-01");
    transfer.previous_fund = "F-217";
    transfer.assess_from = q("2026-Q1");
    s.run("2026-03-01", transfer);
    auto e = s.run("2026-04-05", AssessQuarter{q("2026-Q2")});
    REQUIRE(e.size() == 4);
    CHECK(body<schemas::ContributionAssessedT>(e[0]).quarter == qc("2026-Q1"));
    CHECK(body<schemas::ContributionAssessedT>(e[2]).quarter == qc("2026-Q2"));
    CHECK(quarters_assessed_late(e) == 1);
  }
  SECTION("assess_from within the affiliation and not in the future") {
    PersonScenario s;
    auto early = person("2025-05-01");
    early.assess_from = q("2025-Q1");
    CHECK(s.rejection("2025-06-01", early) == "AssessFromBeforeStart");
    auto future = person("2025-05-01");
    future.assess_from = q("2025-Q4");
    CHECK(s.rejection("2025-06-01", future) == "AssessFromInFuture");
  }
  SECTION("the prescription floor on the run's date") {
    PersonScenario s;
    auto p = person("2022-01-01");
    s.run("2022-01-01", p);
    // The first run is in 2027 (hypothetical, the rulebook ends in 2026):
    // 2022 is still chargeable until 2027-12-31, 2021 would not be.
    CHECK(s.state.first_chargeable_quarter(d("2027-06-01")) == q("2022-Q1"));
    CHECK(s.state.first_chargeable_quarter(d("2028-01-01")) == q("2023-Q1"));
  }
}

TEST_CASE(
    "a category correction back in time: the next run assesses the cancelled quarters "
    "again with the new category",
    "[decide][late]") {
  PersonScenario s;
  s.run("2025-01-01", person("2025-01-01"));
  s.run("2025-01-05", AssessQuarter{q("2025-Q1")});
  s.run("2025-04-05", AssessQuarter{q("2025-Q2")});
  auto change = s.run("2025-05-10",
                      ChangeCategory{Category::kSecondary, q("2025-Q1"), "WrongCategory", true});
  REQUIRE(types(change) == std::vector<EB>{EB::CategoryChanged, EB::ContributionCancelled,
                                           EB::ContributionCancelled});
  auto e = s.run("2025-07-05", AssessQuarter{q("2025-Q3")});
  REQUIRE(e.size() >= 3);
  CHECK(body<schemas::ContributionAssessedT>(e[0]).quarter == qc("2025-Q1"));
  CHECK(body<schemas::ContributionAssessedT>(e[0]).category == schemas::Category::Secondary);
  CHECK(quarters_assessed_late(e) == 2);
  CHECK_FALSE(s.state.quarter_lines.at(q("2025-Q1")).cancelled);
  CHECK(s.state.quarter_lines.at(q("2025-Q1")).due == d("2025-09-30"));
}

TEST_CASE("a birth grants the next quarter(s) free and maternity aid, proactively", "[decide]") {
  PersonScenario s;
  s.run("2025-01-01", person("2025-01-01"));
  s.run("2025-07-01", AssessQuarter{q("2025-Q3")});
  auto e = s.run("2025-08-20", RecordBirth{d("2025-08-15"), false});
  REQUIRE(types(e) == std::vector<EB>{EB::ContributionFreeQuarterGranted, EB::BenefitGranted});
  CHECK(body<schemas::ContributionFreeQuarterGrantedT>(e[0]).quarter == qc("2025-Q4"));
  CHECK(body<schemas::ContributionFreeQuarterGrantedT>(e[0]).proactive);
  CHECK(body<schemas::BenefitGrantedT>(e[1]).service_vouchers == 105);
  CHECK(s.when(RecordBirth{d("2025-08-15"), false})->empty());
  // 158 days later: the same birth recorded twice, unless a multiple birth.
  CHECK(s.rejection("2026-02-01", RecordBirth{d("2026-01-20"), false}) == "BirthTooSoon");
  CHECK(s.rejection("2025-08-20", RecordBirth{d("2025-09-15"), false}) == "BirthInFuture");

  auto e2026 = s.run("2026-03-01", RecordBirth{d("2026-02-20"), false});
  REQUIRE(e2026.size() == 3);  // Q2 and Q3 of 2026, and the aid
  CHECK(body<schemas::ContributionFreeQuarterGrantedT>(e2026[1]).quarter == qc("2026-Q3"));
}

TEST_CASE("a correction of the category cancels the quarters assessed since", "[decide]") {
  PersonScenario s;
  s.run("2025-01-01", person("2025-01-01"));
  s.run("2025-01-05", AssessQuarter{q("2025-Q1")});
  s.run("2025-04-05", AssessQuarter{q("2025-Q2")});
  CHECK(s.rejection("2025-04-10", ChangeCategory{Category::kSecondary, q("2025-Q2"), "", false}) ==
        "CategoryChangeNotInFuture");
  auto e = s.run("2025-04-10",
                 ChangeCategory{Category::kSecondary, q("2025-Q2"), "WrongCategory", true});
  REQUIRE(types(e) == std::vector<EB>{EB::CategoryChanged, EB::ContributionCancelled});
  CHECK(s.state.category_in(q("2025-Q2")) == Category::kSecondary);
  auto again = s.when(AssessQuarter{q("2025-Q2")});  // assessed again, as secondary
  REQUIRE(again->size() == 2);
  CHECK(body<schemas::ContributionAssessedT>((*again)[0]).category == schemas::Category::Secondary);
  auto future = s.run("2025-04-10", ChangeCategory{Category::kMain, q("2025-Q4"), "", false});
  CHECK(future.size() == 1);
}

}  // namespace
}  // namespace kassa::domain::test
