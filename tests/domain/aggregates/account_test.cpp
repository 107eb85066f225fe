// The account evolve() keeps: after every event, the entries it recorded
// add up to the state's balance (outstanding - credit - refunds due), and
// what was paid per year follows the money. Each scenario is decided by
// decide() (except where noted) and folded as the pipeline would.
#include <catch2/catch.hpp>

#include "domain/person_decide.h"
#include "given.h"

namespace kassa::domain::test {
namespace {

struct Account {
  PersonHistory h;
  Entries entries;
  Rulebook rulebook = Rulebook::belgian_default();
  FundConfig fund = FundConfig::kassa_default();

  std::int64_t entries_sum() const {
    std::int64_t sum = 0;
    for (const auto& e : entries) sum += e.debit.cents() - e.credit.cents();
    return sum;
  }

  void fold(const NewEvent& event, std::optional<Date> decided = std::nullopt) {
    std::vector<std::uint8_t> bytes;
    const auto& env = pack_envelope(event, h.state.last_sequence + 1, h.key,
                                    schemas::AggregateKind::Person, bytes, decided);
    auto st = evolve(h.state, env, &entries);
    INFO((st.ok() ? std::string() : st.error().rule + ": " + st.error().message));
    REQUIRE(st.ok());
    // The one-model invariant, event by event.
    REQUIRE(entries_sum() == h.state.balance().cents());
  }

  Result<std::vector<NewEvent>> decide_on(const char* date, const PersonCommand& c) {
    const DecisionContext ctx{rulebook, fund, d(date)};
    return decide(h.state, c, ctx);
  }

  void when(const char* date, const PersonCommand& c) {
    auto events = decide_on(date, c);
    INFO((events.ok() ? std::string() : events.error().rule + ": " + events.error().message));
    REQUIRE(events.ok());
    for (const auto& e : *events) fold(e, d(date));
  }

  const DebtLine& line(const char* quarter) { return h.state.quarter_lines.at(q(quarter)); }
};

// Main occupation on a base of 40,000.00: 2,050.00 + 80.98 a quarter.
void start(Account& a) {
  a.fold(registered("2024-01-01"));
  a.when("2024-01-02", ChangeProvisionalBase{2024, Money::from_cents(4'000'000),
                                             schemas::ProvisionalBasis::ChosenHigher, ""});
  a.when("2024-01-05", AssessQuarter{q("2024-Q1")});
  REQUIRE(a.line("2024-Q1").principal().cents() == 213'098);
}

RecordPayment pay(std::int64_t cents, const char* value, const char* ref) {
  return {Money::from_cents(cents),      d(value),    std::nullopt, ref,
          schemas::PaymentChannel::Coda, std::nullopt};
}

TEST_CASE("a lower reassessment after a contest wrote the quarter off books what changes",
          "[account]") {
  Account a;
  start(a);
  a.when("2024-02-01", FileContest{{q("2024-Q1")}, Money::from_cents(213'098), "Tribunal", "C-1"});
  a.when("2024-03-01",
         DecideContest{"C-1", schemas::ContestOutcome::Upheld, Money::from_cents(213'098)});
  CHECK(a.line("2024-Q1").principal().is_zero());
  // Lowered below what was written off: the line still charges nothing.
  a.when("2024-04-01",
         ChangeProvisionalBase{2024, Money::from_cents(1'700'000),
                               schemas::ProvisionalBasis::JustifiedLower, "IncomeDrop"});
  CHECK(a.line("2024-Q1").principal().is_zero());
  CHECK(a.h.state.balance().is_zero());
}

TEST_CASE(
    "a reassessment below what was paid moves the excess to credit, fees and contribution "
    "apart",
    "[account]") {
  Account a;
  start(a);
  a.when("2024-03-20", pay(213'098, "2024-03-20", "B-1"));
  CHECK(a.h.state.paid_by_year.at(2024).contributions.cents() == 205'000);
  CHECK(a.h.state.paid_by_year.at(2024).fees.cents() == 8'098);
  // 2025: the base lowered to 20,000.00 for 2024: 1,025.00 + 40.49.
  a.when("2025-02-01",
         ChangeProvisionalBase{2024, Money::from_cents(2'000'000),
                               schemas::ProvisionalBasis::JustifiedLower, "IncomeDrop"});
  CHECK(a.line("2024-Q1").principal().cents() == 106'549);
  CHECK(a.h.state.credit.cents() == 106'549);
  const PaidInYear& y = a.h.state.paid_by_year.at(2025);
  CHECK(y.contributions.cents() == -102'500);
  CHECK(y.fees.cents() == -4'049);
}

TEST_CASE(
    "a contest that cancels a paid quarter gives the money back as credit, out of the paid "
    "totals; never more than the quarters charge",
    "[account]") {
  Account a;
  start(a);
  a.when("2024-03-20", pay(213'098, "2024-03-20", "B-1"));
  a.when("2025-01-10", FileContest{{q("2024-Q1")}, Money::from_cents(213'098), "Tribunal", "C-2"});
  auto too_much = a.decide_on("2025-02-01", DecideContest{"C-2", schemas::ContestOutcome::Upheld,
                                                          Money::from_cents(2'130'980)});
  REQUIRE_FALSE(too_much.ok());
  CHECK(too_much.error().rule == "ContestCancelsMoreThanCharged");
  CHECK(too_much.error().message.find("2130.98") != std::string::npos);
  a.when("2025-02-01",
         DecideContest{"C-2", schemas::ContestOutcome::Upheld, Money::from_cents(213'098)});
  CHECK(a.line("2024-Q1").principal_paid.is_zero());
  CHECK(a.h.state.credit.cents() == 213'098);
  CHECK(a.h.state.paid_by_year.at(2025).contributions.cents() == -205'000);
  CHECK(a.h.state.paid_by_year.at(2025).fees.cents() == -8'098);
}

TEST_CASE("a second regularisation statement keeps the line's surcharges and payments",
          "[account]") {
  // Decide never regularises a year twice; a hand-made log may.
  Account a;
  a.fold(registered("2024-01-01"));
  auto regularised = [&](std::int64_t difference) {
    schemas::RegularisationComputedT b;
    b.year = 2024;
    b.final_contribution_cents = 500'000 + difference;
    b.provisional_contribution_cents = 500'000;
    b.difference_cents = difference;
    b.statement_days = d("2026-09-15").to_days();
    b.due_days = d("2026-12-31").to_days();
    return event(d("2026-09-15"), std::move(b));
  };
  a.fold(regularised(80'000));
  schemas::SurchargeAppliedT s;
  s.kind = schemas::SurchargeKind::Quarterly3;
  s.quarter = qc("2026-Q3");
  s.year = 2024;
  s.applied_days = d("2026-12-31").to_days();
  s.amount_cents = 3'000;
  a.fold(event(d("2026-12-31"), std::move(s)));
  a.fold(received("2027-01-10", 1'000, "B-9"));
  a.fold(allocated("2027-01-10", {{qc("2026-Q3"), schemas::DebtKind::Surcharge, 1'000}}));
  a.fold(regularised(60'000));
  const DebtLine* line = a.h.state.find_regularisation(2024);
  REQUIRE(line != nullptr);
  CHECK(line->principal().cents() == 60'000);
  CHECK(line->surcharges_applied.cents() == 3'000);
  CHECK(line->surcharges_paid.cents() == 1'000);
}

TEST_CASE("refunds and benefit payments are recorded once per reference", "[account]") {
  Account a;
  start(a);
  a.when("2024-03-20", pay(300'000, "2024-03-20", "B-1"));  // 869.02 over
  const auto iban = *Iban::parse("BE68539007547034");
  IssueRefund refund{Money::from_cents(50'000), schemas::RefundReason::OnRequest, "REF2-001", iban};
  a.when("2024-04-01", refund);
  auto again = a.decide_on("2024-04-01", refund);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().rule == "RefundAlreadyRecorded");
  CHECK(again.error().code == Errc::kConflict);
  refund.amount = Money::from_cents(30'000);
  auto other = a.decide_on("2024-04-02", refund);
  REQUIRE_FALSE(other.ok());
  CHECK(other.error().rule == "RefundReferenceConflict");
  CHECK(other.error().message.find("500.00") != std::string::npos);
  CHECK(other.error().message.find("300.00") != std::string::npos);
  // No account registered and none given: nowhere to pay it to.
  auto nowhere = a.decide_on("2024-04-03",
                             IssueRefund{Money::from_cents(1'000), schemas::RefundReason::OnRequest,
                                         "REF2-002", std::nullopt});
  REQUIRE_FALSE(nowhere.ok());
  CHECK(nowhere.error().rule == "RefundAccountUnknown");

  a.when("2024-05-10", RecordBirth{d("2024-05-01"), false});  // maternity aid, granted proactively
  PayBenefit paid{"birth:2024-05-01",         d("2024-06-01"), d("2024-06-30"),
                  Money::from_cents(139'817), "PAY-1",         iban};
  a.when("2024-07-05", paid);
  auto twice = a.decide_on("2024-07-06", paid);
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().rule == "BenefitPaymentAlreadyRecorded");
  paid.amount = Money::from_cents(100);
  CHECK(a.decide_on("2024-07-06", paid).error().rule == "BenefitPaymentReferenceConflict");
}

TEST_CASE(
    "a payment names one member: another's communication is refused unless staff say so; "
    "a bank line booked again with another amount is a conflict",
    "[account]") {
  Account a;
  start(a);  // member 1234567
  // Member 7654321's first notice.
  const auto foreign = *notice_communication(7'654'321, 1);
  RecordPayment p = pay(10'000, "2024-03-01", "B-7");
  p.communication = foreign;
  auto refused = a.decide_on("2024-03-02", p);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().rule == "CommunicationOfAnotherMember");
  CHECK(refused.error().code == Errc::kConflict);
  p.other_member_communication_accepted = true;
  a.when("2024-03-02", p);
  // The same bank line again: nothing; with another amount: a conflict naming both.
  CHECK(a.decide_on("2024-03-03", p)->empty());
  p.amount = Money::from_cents(99'999'900);
  auto differs = a.decide_on("2024-03-03", p);
  REQUIRE_FALSE(differs.ok());
  CHECK(differs.error().rule == "BankRefAmountDiffers");
  CHECK(differs.error().message.find("100.00") != std::string::npos);
  CHECK(differs.error().message.find("999999.00") != std::string::npos);
}

}  // namespace
}  // namespace kassa::domain::test
