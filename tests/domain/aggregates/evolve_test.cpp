// evolve(): folding a person's events into PersonState.
#include "rich_history.h"

namespace kassa::domain::test {
namespace {

TEST_CASE("evolve: registration sets identity and affiliation", "[evolve]") {
  PersonHistory h;
  h.given({registered("2025-02-10", schemas::Category::Main, schemas::StarterStatus::Starter,
                      7654321, true)});
  const auto& s = h.state;
  CHECK(s.registered);
  REQUIRE(s.party_id.has_value());
  CHECK(s.party_id->str() == kParty);
  CHECK(s.member_number == 7654321u);
  CHECK(s.starter == schemas::StarterStatus::Starter);
  CHECK(s.affiliated_before_start);
  CHECK(s.last_sequence == 1);
  CHECK(s.start_quarter() == q("2025-Q1"));
  CHECK(s.affiliated_in(q("2025-Q1")));
  CHECK_FALSE(s.affiliated_in(q("2024-Q4")));
  CHECK(s.affiliated_quarters(2025) == 4);
  CHECK(s.category_in(q("2025-Q3")) == Category::kMain);
}

TEST_CASE("evolve: assessment, notice, payment and allocation", "[evolve]") {
  PersonHistory h;
  h.given({registered("2025-01-01"), assessed("2025-Q1", 205'000, 8'098),
           notice("2025-Q1", "123456700106", 213'098), received("2025-02-01", 100'000, "B1"),
           allocated("2025-02-01", {{qc("2025-Q1"), schemas::DebtKind::Contribution, 100'000}})});
  const auto* line = h.state.find_line(DebtLineKind::kQuarterly, q("2025-Q1"));
  REQUIRE(line != nullptr);
  CHECK(line->principal() == eur(213'098));
  CHECK(line->open_principal() == eur(113'098));
  CHECK(line->notice->communication == "123456700106");
  CHECK(line->stage == CollectionStage::kNotice);
  REQUIRE(line->principal_payments.size() == 1);
  CHECK(line->principal_payments[0].value_date == d("2025-02-01"));
  CHECK(h.state.bank_refs.count("B1") == 1);
  CHECK(h.state.notices_issued == 1);
  CHECK(h.state.total_open() == eur(113'098));
}

TEST_CASE("evolve: a rich history touches every person event", "[evolve]") {
  PersonHistory h;
  h.given(rich_history());
  const auto& s = h.state;
  CHECK(s.personal_data_changes == 1);
  CHECK(s.provisional_bases.at(2025).base == eur(4'000'000));
  const auto* q1 = s.find_line(DebtLineKind::kQuarterly, q("2025-Q1"));
  REQUIRE(q1 != nullptr);
  CHECK(q1->surcharges_applied == eur(3'393));
  CHECK(q1->surcharges_reduced == eur(100));
  CHECK(q1->has_quarterly_surcharge_on(d("2025-06-30")));
  CHECK(q1->reminder_sent == d("2025-04-15"));
  CHECK(q1->formal_notice_sent == d("2025-06-30"));
  CHECK(q1->contrainte_served == d("2025-09-10"));
  CHECK(q1->stage == CollectionStage::kContrainteServed);
  CHECK(q1->costs == eur(5'000));
  CHECK(q1->grace == StarterGrace::kExtraQuarter);
  CHECK(s.contraintes_served == 1);
  CHECK(s.personal_contacts_reached == 1);
  REQUIRE(s.plans.size() == 1);
  CHECK(s.plans[0].breached);
  CHECK_FALSE(s.payment_plan_respected());
  CHECK(s.pending_plan_request() == nullptr);
  CHECK_FALSE(s.contest_pending());
  CHECK_FALSE(s.contribution_due(q("2025-Q4")));  // sickness: contribution-free
  CHECK(s.facts(q("2025-Q2"))->waiver == RequestStatus::kPending);
  CHECK(s.facts(q("2025-Q3"))->dispense == RequestStatus::kPending);
  CHECK(s.incomes.at(2022).net_income == eur(3'000'000));
  const auto* reg = s.find_line(DebtLineKind::kRegularisation, q("2025-Q4"));
  REQUIRE(reg != nullptr);
  CHECK(reg->principal() == eur(266'316));
  CHECK(reg->year == 2024);
  REQUIRE(s.benefits.size() == 1);
  CHECK(s.benefits[0].status == BenefitStatus::kGranted);
  CHECK(s.benefits[0].paid == eur(139'817));
  CHECK(s.overpayments.size() == 1);
  CHECK(s.credit == eur(200'000));
  CHECK(s.refunded == eur(86'902));
  CHECK(s.category_in(q("2025-Q4")) == Category::kMain);
  CHECK(s.category_in(q("2026-Q1")) == Category::kSecondary);
  CHECK(s.affiliated_in(q("2026-Q2")));
  CHECK_FALSE(s.affiliated_in(q("2026-Q3")));
}

TEST_CASE("evolve: death ends affiliation and the quarter of death is not due", "[evolve]") {
  PersonHistory h;
  schemas::PersonDiedT died;
  died.death_days = d("2025-05-10").to_days();
  died.death_quarter = qc("2025-Q2");
  h.given({registered("2025-01-01"), event(d("2025-05-10"), died)});
  CHECK(h.state.contribution_due(q("2025-Q1")));
  CHECK_FALSE(h.state.contribution_due(q("2025-Q2")));
  CHECK_FALSE(h.state.affiliated_in(q("2025-Q3")));
}

TEST_CASE("evolve: a dispense clears the quarter's debt", "[evolve]") {
  PersonHistory h;
  schemas::DispenseGrantedT granted;
  granted.quarters = {qc("2025-Q1")};
  h.given({registered("2025-01-01"), assessed("2025-Q1", 205'000, 8'098),
           event(d("2025-06-01"), granted)});
  CHECK(h.state.total_open() == eur(0));
  CHECK(h.state.facts(q("2025-Q1"))->dispense == RequestStatus::kGranted);
}

TEST_CASE("evolve: refuses what it cannot fold, and leaves the state unchanged", "[evolve]") {
  PersonHistory h;
  h.given({registered("2025-01-01")});
  std::vector<std::uint8_t> bytes;

  SECTION("a sequence gap") {
    const auto& env =
        pack_envelope(assessed("2025-Q1", 1, 1), 3, kParty, schemas::AggregateKind::Person, bytes);
    auto status = evolve(h.state, env);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().rule == "SequenceGap");
    CHECK(status.error().code == Errc::kCorrupt);
    CHECK(h.state.last_sequence == 1);
  }
  SECTION("a company event") {
    schemas::CompanyRegisteredT b;
    b.company_number = "0566988259";
    const auto& env =
        pack_envelope(event(d("2025-01-01"), b), 2, kParty, schemas::AggregateKind::Person, bytes);
    auto status = evolve(h.state, env);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().rule == "NotAPersonEvent");
    CHECK(h.state.last_sequence == 1);
  }
  SECTION("a fund event") {
    schemas::SuspenseItemRecordedT b;
    const auto& env =
        pack_envelope(event(d("2025-01-01"), b), 2, kParty, schemas::AggregateKind::Person, bytes);
    CHECK(evolve(h.state, env).error().rule == "NotAPersonEvent");
  }
  SECTION("another aggregate kind") {
    const auto& env = pack_envelope(assessed("2025-Q1", 1, 1), 2, "0566988259",
                                    schemas::AggregateKind::Company, bytes);
    CHECK(evolve(h.state, env).error().rule == "WrongAggregate");
  }
  SECTION("another person's event") {
    const auto& env =
        pack_envelope(assessed("2025-Q1", 1, 1), 2, "P00000000000000000000000000000000",
                      schemas::AggregateKind::Person, bytes);
    CHECK(evolve(h.state, env).error().rule == "WrongAggregate");
  }
  SECTION("a second registration") {
    CHECK(h.apply(registered("2025-01-01")).error().rule == "PersonAlreadyRegistered");
  }
  SECTION("an allocation to a debt that does not exist") {
    auto status =
        h.apply(allocated("2025-02-01", {{qc("2025-Q1"), schemas::DebtKind::Contribution, 100}}));
    CHECK(status.error().rule == "UnknownDebtLine");
    CHECK(h.state.last_sequence == 1);
    CHECK(h.state.credit == eur(0));
  }
  SECTION("a malformed quarter code") {
    schemas::ContributionAssessedT b;
    b.quarter = 20255;
    CHECK(h.apply(event(d("2025-01-01"), b)).error().rule == "MalformedEvent");
  }
  SECTION("an amount no event can carry: INT64_MAX cents") {
    auto status = h.apply(received("2025-02-01", INT64_MAX, "B-MAX"));
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().rule == "AmountOutOfRange");
    CHECK(status.error().code == Errc::kCorrupt);
    CHECK(status.error().message.find("amount_cents") != std::string::npos);
    CHECK(h.state.last_sequence == 1);
    CHECK(h.state.credit == eur(0));
  }
  SECTION("an amount beyond the range inside a vector of tables (an allocation's parts)") {
    auto status = h.apply(allocated(
        "2025-02-01", {{qc("2025-Q1"), schemas::DebtKind::Contribution, 1'000'000'000'000'001}}));
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().rule == "AmountOutOfRange");
    CHECK(status.error().message.find("amount_cents") != std::string::npos);
  }
  SECTION("a negative amount below the range") {
    CHECK(h.apply(assessed("2025-Q1", -1'000'000'000'000'001, 0)).error().rule ==
          "AmountOutOfRange");
  }
  SECTION("sums that would leave int64 are refused, never wrapped") {
    // Each payment is within the per-event range; ten thousand of them are not.
    constexpr std::int64_t kMax = 1'000'000'000'000'000;  // 10^15 cents, the per-event bound
    Status last;
    int n = 0;
    for (; n < 10'000 && last.ok(); ++n) {
      last = h.apply(received("2025-02-01", kMax, ("B" + std::to_string(n)).c_str()));
    }
    REQUIRE_FALSE(last.ok());
    CHECK(last.error().rule == "MoneyOverflow");
    CHECK(n == 9'224);  // 9,223 payments of 10^15 fit under INT64_MAX
    CHECK(h.state.credit == eur(9'223 * kMax));
  }
}

TEST_CASE("evolve: nothing before registration", "[evolve]") {
  PersonHistory h;
  CHECK(h.apply(assessed("2025-Q1", 1, 1)).error().rule == "PersonNotRegistered");
  CHECK(h.state.last_sequence == 0);
}

}  // namespace
}  // namespace kassa::domain::test
