// The company aggregate: registration, directors, the yearly contribution,
// payments and the 1 % monthly surcharge; evolve and snapshot.
#include "domain/company_commands.h"
#include "domain/snapshot.h"
#include "scenario.h"

namespace kassa::domain::test {
namespace {

using EB = schemas::EventBody;
const std::string kCompany = "0566988259";

struct CompanyScenario {
  CompanyState state;
  Date today = d("2025-01-01");

  std::vector<NewEvent> run(const char* date, const CompanyCommand& command) {
    today = d(date);
    DecisionContext ctx{rulebook(), rulebook().fund(), today};
    auto r = decide(state, command, ctx);
    INFO((r.ok() ? std::string() : r.error().rule + ": " + r.error().message));
    REQUIRE(r.ok());
    for (const auto& e : *r) {
      std::vector<std::uint8_t> bytes;
      const auto& env = pack_envelope(e, state.last_sequence + 1, kCompany,
                                      schemas::AggregateKind::Company, bytes);
      auto status = evolve(state, env);
      INFO((status.ok() ? std::string() : status.error().rule));
      REQUIRE(status.ok());
    }
    return *r;
  }
  std::string rejection(const char* date, const CompanyCommand& command) {
    DecisionContext ctx{rulebook(), rulebook().fund(), d(date)};
    auto r = decide(state, command, ctx);
    return r.ok() ? "accepted with " + std::to_string(r->size()) + " events" : r.error().rule;
  }
};

const PartyId kDirector = PartyId::parse(kParty).value();

RegisterCompany company(int founded) {
  return RegisterCompany{
      CompanyNumber::parse("0566.988.259").value(), "Kassa Demo BV", "SRL/BV",
      Date::from_ymd(founded, 3, 1).value(),        7654321,         {kDirector}};
}

TEST_CASE("company: a director who is not a PartyId is a corrupt event", "[company]") {
  // The state holds each director as a PartyId: an event naming anything
  // else (a NISS, say) is refused by the fold, not kept as text.
  DecisionContext ctx{rulebook(), rulebook().fund(), d("2025-01-10")};
  CompanyState empty;
  auto reg = decide(empty, CompanyCommand{company(2020)}, ctx);
  REQUIRE(reg.ok());
  REQUIRE(types(*reg) == std::vector<EB>{EB::CompanyRegistered, EB::CompanyDirectorAdded});
  auto added = *(*reg)[1].body.AsCompanyDirectorAdded();
  added.director_party = "85073003328";
  std::vector<NewEvent> events{(*reg)[0], (*reg)[1]};
  events[1].body.Set(std::move(added));
  CompanyState state;
  for (const auto& e : events) {
    std::vector<std::uint8_t> bytes;
    const auto& env =
        pack_envelope(e, state.last_sequence + 1, kCompany, schemas::AggregateKind::Company, bytes);
    auto status = evolve(state, env);
    if (e.body.type == EB::CompanyRegistered) {
      REQUIRE(status.ok());
      continue;
    }
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().code == Errc::kCorrupt);
    CHECK(status.error().rule == "MalformedEvent");
  }
  CHECK(state.directors.empty());
}

TEST_CASE("company: register, contribution, late payment", "[company]") {
  CompanyScenario s;
  auto reg = s.run("2025-01-10", company(2020));
  REQUIRE(types(reg) == std::vector<EB>{EB::CompanyRegistered, EB::CompanyDirectorAdded});
  CHECK(s.state.active_director(kDirector) != nullptr);
  CHECK(s.rejection("2025-01-10", company(2020)) == "CompanyAlreadyRegistered");
  CHECK(s.rejection("2025-01-10", AddDirector{kDirector, d("2025-01-10"), ""}) ==
        "DirectorAlreadyActive");
  CHECK(s.rejection("2025-01-10", RemoveDirector{PartyId::parse("P" + std::string(32, '0')).value(),
                                                 d("2025-01-10")}) == "UnknownDirector");
  CHECK(s.rejection("2025-01-10", AssessCompanyContribution{2025}) == "BalanceSheetTotalRequired");

  s.run("2025-01-11", ReportBalanceSheet{d("2023-12-31"), eur(90'000'000)});
  auto assessed = s.run("2025-01-15", AssessCompanyContribution{2025});
  REQUIRE(types(assessed) ==
          std::vector<EB>{EB::CompanyContributionAssessed, EB::PaymentNoticeIssued});
  const auto& a = body<schemas::CompanyContributionAssessedT>(assessed[0]);
  CHECK(a.band == schemas::CompanyBand::High);
  CHECK(a.amount_cents == 99'847);
  CHECK(a.due_days == d("2025-12-31").to_days());
  CHECK(body<schemas::PaymentNoticeIssuedT>(assessed[1]).structured_communication ==
        notice_communication(7654321, 1)->digits());
  CHECK(s.run("2025-01-16", AssessCompanyContribution{2025}).empty());

  // Paid late: 1 % per month begun.
  CHECK(s.run("2025-12-31", ApplyCompanyLateSurcharge{2025, d("2025-12-31")}).empty());
  auto sur = s.run("2026-02-10", ApplyCompanyLateSurcharge{2025, d("2026-02-10")});
  REQUIRE(sur.size() == 1);
  CHECK(body<schemas::SurchargeAppliedT>(sur[0]).amount_cents == 2 * 998);
  CHECK(s.run("2026-02-11", ApplyCompanyLateSurcharge{2025, d("2026-02-11")}).empty());
  CHECK(s.rejection("2026-02-11", ApplyCompanyLateSurcharge{2024, d("2026-02-11")}) ==
        "NothingToSurcharge");

  auto paid = s.run("2026-02-20", RecordCompanyPayment{eur(110'000), d("2026-02-20"), std::nullopt,
                                                       "CB-1", schemas::PaymentChannel::Coda});
  const auto& alloc = body<schemas::PaymentAllocatedT>(paid[1]);
  REQUIRE(alloc.lines.size() == 2);
  CHECK(alloc.lines[0].kind() == schemas::DebtKind::CompanyContribution);
  CHECK(alloc.lines[0].quarter() == 20254);
  CHECK(alloc.credit_cents == 110'000 - 99'847 - 1'996);
  CHECK(s.state.total_open() == eur(0));
  CHECK(s.run("2026-02-20", RecordCompanyPayment{eur(110'000), d("2026-02-20"), std::nullopt,
                                                 "CB-1", schemas::PaymentChannel::Coda})
            .empty());

  auto bytes = serialize(s.state);
  auto back = deserialize_company(bytes);
  REQUIRE(back.ok());
  CHECK(serialize(*back) == bytes);
  CHECK(deserialize_person(bytes).error().rule == "SnapshotKind");
  s.run("2026-03-01", RemoveDirector{kDirector, d("2026-03-01")});
  CHECK(s.state.active_director(kDirector) == nullptr);
}

TEST_CASE("company: a new company pays the low amount", "[company]") {
  CompanyScenario s;
  s.run("2025-01-10", company(2024));
  auto assessed = s.run("2025-01-15", AssessCompanyContribution{2025});
  CHECK(body<schemas::CompanyContributionAssessedT>(assessed[0]).band ==
        schemas::CompanyBand::NewCompanyLow);
  CHECK(body<schemas::CompanyContributionAssessedT>(assessed[0]).amount_cents == 39'973);
}

TEST_CASE("company: evolve refuses person events", "[company][evolve]") {
  CompanyScenario s;
  s.run("2025-01-10", company(2020));
  std::vector<std::uint8_t> bytes;
  const auto& env =
      pack_envelope(assessed("2025-Q1", 1, 1), 3, kCompany, schemas::AggregateKind::Company, bytes);
  CHECK(evolve(s.state, env).error().rule == "NotACompanyEvent");
  const auto& gap =
      pack_envelope(assessed("2025-Q1", 1, 1), 9, kCompany, schemas::AggregateKind::Company, bytes);
  CHECK(evolve(s.state, gap).error().rule == "SequenceGap");
}

}  // namespace
}  // namespace kassa::domain::test
