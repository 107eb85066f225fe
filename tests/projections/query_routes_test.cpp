#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "http/query_routes.h"
#include "ledger_fixture.h"
#include "test_server.h"

using namespace kassa::projections;
using namespace kassa::projections::testing;
using kassa::http::Role;
using kassa::http::TokenTable;
using kassa::http::token_sha256;
using nlohmann::json;
namespace s = kassa::schemas;

namespace {

TokenTable tokens() {
  auto table = TokenTable::parse(R"({"tokens": [
    {"principal": "u0042", "role": "staff", "sha256": ")" + token_sha256("st") + R"("},
    {"principal": "audit-7", "role": "auditor", "sha256": ")" + token_sha256("au") + R"("}]})");
  REQUIRE(table.ok());
  return std::move(table).value();
}

httplib::Headers as(const std::string& token, const std::string& purpose = "file review") {
  httplib::Headers h{{"Authorization", "Bearer " + token}};
  if (!purpose.empty()) h.emplace("X-Kassa-Purpose", purpose);
  return h;
}

struct World {
  Ledger ledger;
  std::string person;
  std::string company = "0566988259";
  std::int64_t last_offset = 0;
  std::shared_ptr<Store> store;
  std::unique_ptr<StoreHandle> handle;
  std::unique_ptr<AccessLog> access;
  std::unique_ptr<Projector> projector;
  kassa::testing::TestServer server{tokens()};

  World() {
    person = ledger.new_party();
    ledger.register_person(person, "93051822361");
    ledger.assess(person, 20251, 205'000, 8'098);
    ledger.assess(person, 20252, 205'000, 8'098);
    auto pay = ledger.pay(person, 300'000, days(2025, 5, 10), "CODA-0001");
    ledger.allocate(person, pay, days(2025, 5, 10),
                    {s::AllocationLine(20251, s::DebtKind::Contribution, 205'000),
                     s::AllocationLine(20251, s::DebtKind::Fees, 8'098),
                     s::AllocationLine(20252, s::DebtKind::Contribution, 86'902)});
    ledger.surcharge(person, 20252, 205'000, 6'150, days(2025, 6, 30));
    ledger.notice_stage(person, s::EventBody::ReminderSent, 20252, days(2025, 7, 15));

    auto& w = ledger.writer();
    const auto C = s::AggregateKind::Company;
    w.append(C, company, days(2023, 1, 1), 20231, [&](const kassa::log::Uuid&) {
      s::CompanyRegisteredT e;
      e.company_number = company;
      e.name = "Atelier Peeters SRL";
      e.legal_form = "SRL/BV";
      e.incorporation_days = days(2023, 1, 1);
      e.registered_days = days(2023, 1, 5);
      return body(std::move(e));
    });
    w.append(C, company, days(2023, 1, 5), 0, [&](const kassa::log::Uuid&) {
      s::CompanyDirectorAddedT e;
      e.director_party = person;
      e.from_days = days(2023, 1, 5);
      e.role = "manager";
      return body(std::move(e));
    });
    w.append(C, company, days(2025, 12, 31), 0, [&](const kassa::log::Uuid&) {
      s::CompanyContributionAssessedT e;
      e.year = 2025;
      e.band = s::CompanyBand::High;
      e.amount_cents = 99'847;
      e.due_days = days(2025, 12, 31);
      return body(std::move(e));
    });
    w.append(C, company, days(2025, 11, 2), 0, [&](const kassa::log::Uuid&) {
      s::PaymentReceivedT e;
      e.bank_ref = "CODA-C1";
      e.amount_cents = 50'000;
      e.value_days = days(2025, 11, 2);
      return body(std::move(e));
    });
    const auto payment = w.last_id();
    last_offset = w.append(C, company, days(2025, 11, 2), 0, [&](const kassa::log::Uuid&) {
      s::PaymentAllocatedT e;
      e.payment_event_id = std::make_unique<s::Uuid>(payment.to_schema());
      e.lines = {s::AllocationLine(0, s::DebtKind::CompanyContribution, 50'000)};
      return body(std::move(e));
    });

    store = must(Store::open(ledger.dir() + "/projections"));
    handle = std::make_unique<StoreHandle>(store);
    access = must(AccessLog::open(ledger.dir() + "/access-log"));
    projector = std::make_unique<Projector>(ledger.log(), *store, make_projections(ledger.deps()));
    must(projector->start());

    kassa::http::QueryDeps deps;
    deps.stores = handle.get();
    deps.access_log = access.get();
    deps.projection_deps = ledger.deps();
    deps.niss_secret = ledger.deps().niss_secret;
    deps.projector = projector.get();
    deps.log = &ledger.log();
    deps.now_us = [] { return std::int64_t{1767225600} * 1'000'000; };  // 2026-01-01
    kassa::http::add_query_routes(server.router(), deps);
    server.start();
  }
  ~World() { projector->stop(); }

  json get(const std::string& path, const httplib::Headers& headers, int expect = 200) {
    auto client = server.client();
    auto res = client.Get(path.c_str(), headers);
    REQUIRE(res);
    INFO(path << " -> " << res->body);
    REQUIRE(res->status == expect);
    return json::parse(res->body);
  }
};

}  // namespace

TEST_CASE("every query route answers with real values", "[http][queries]") {
  World w;
  const std::string P = "/v1/persons/" + w.person;
  const std::string C = "/v1/companies/" + w.company;
  // Read your own write: wait for the last company event.
  auto company = w.get(C + "?min_offset=" + std::to_string(w.last_offset), as("st"));
  w.get(P + "?min_offset=" + std::to_string(0), as("st"));  // all person events are older

  SECTION("find a person by NISS") {
    auto found = w.get("/v1/persons/lookup?niss=93051822361", as("st"));
    CHECK(found["party_id"] == w.person);
    auto missing = w.get("/v1/persons/lookup?niss=00012556777", as("st"), 404);
    CHECK(missing["error"] == "PersonNotFound");
    auto bad = w.get("/v1/persons/lookup?niss=93051822362", as("st"), 400);
    auto no_purpose = w.get("/v1/persons/lookup?niss=93051822361", as("st", ""), 400);
    CHECK(no_purpose["error"] == "PurposeRequired");
  }
  SECTION("summary") {
    auto j = w.get(P, as("st"));
    CHECK(j["balance"] == "1323.46");
    CHECK(j["outstanding"] == "1323.46");
    CHECK(j["collection_stage"] == "reminder");
    CHECK(j["category"] == "Main");
    CHECK(j["director_of"][0]["company_number"] == w.company);
    CHECK(w.get(P, as("st", ""), 400)["error"] == "PurposeRequired");
    CHECK(w.get("/v1/persons/P0123", as("st"), 400)["error"] == "PartyIdFormat");
    CHECK(w.get("/v1/persons/P" + std::string(32, 'a'), as("st"), 404)["error"] == "PartyNotFound");
  }
  SECTION("statement, with a date range") {
    auto j = w.get(P + "/statement", as("st"));
    REQUIRE(j["lines"].size() == 6);
    CHECK(j["lines"][4]["kind"] == "payment");
    CHECK(j["lines"][4]["credit"] == "3000.00");
    CHECK(j["lines"][4]["balance"] == "1261.96");
    CHECK(j["lines"][5]["debit"] == "61.50");
    CHECK(j["balance"] == "1323.46");
    auto range = w.get(P + "/statement?from=2025-05-01&to=2025-05-31", as("st"));
    REQUIRE(range["lines"].size() == 1);
    CHECK(range["lines"][0]["date"] == "2025-05-10");
    CHECK(w.get(P + "/statement?from=2025-13-01", as("st"), 400)["field"] == "from");
  }
  SECTION("debt") {
    auto j = w.get(P + "/debt", as("st"));
    CHECK(j["outstanding"] == "1323.46");
    REQUIRE(j["quarters"].size() == 2);
    CHECK(j["quarters"][0]["quarter"] == "2025-Q1");
    CHECK(j["quarters"][0]["outstanding"] == "0.00");
    CHECK(j["quarters"][1]["unpaid_principal"] == "1261.96");
    CHECK(j["quarters"][1]["unpaid_surcharges"] == "61.50");
    CHECK(j["quarters"][1]["stage"] == "reminder");
    CHECK(j["payment_plan"]["state"] == "none");
  }
  SECTION("career") {
    auto j = w.get(P + "/career", as("st"));
    REQUIRE(j["years"].size() == 1);
    CHECK(j["years"][0]["year"] == 2025);
    CHECK(j["years"][0]["quarters"][0]["status"] == "counted");
    CHECK(j["years"][0]["quarters"][0]["reason"] == "contributions_paid");
    CHECK(j["years"][0]["quarters"][1]["status"] == "not_counted");
    CHECK(j["years"][0]["quarters"][1]["contribution_paid"] == "869.02");
  }
  SECTION("tax certificate") {
    auto j = w.get(P + "/tax-certificate?year=2025", as("st"));
    REQUIRE(j["certificates"].size() == 1);
    CHECK(j["certificates"][0]["contributions"] == "2919.02");
    CHECK(j["certificates"][0]["fees"] == "80.98");
    CHECK(j["certificates"][0]["deductible_total"] == "3000.00");
    CHECK(w.get(P + "/tax-certificate?year=2024", as("st"))["certificates"][0]["deductible_total"] ==
          "0.00");
  }
  SECTION("raw events: auditors only, personal data masked") {
    CHECK(w.get(P + "/events", as("st"), 403)["error"].is_string());
    auto j = w.get(P + "/events", as("au"));
    REQUIRE(j["events"].size() == 7);
    CHECK(j["events"][0]["type"] == "PersonRegistered");
    CHECK(j["events"][0]["body"]["personal"]["sealed"] == true);
    CHECK(j["events"][3]["type"] == "PaymentReceived");
    CHECK(j["events"][3]["body"]["amount"] == "3000.00");
    CHECK(j["events"][3]["body"]["bank_ref"] == "CODA-0001");
    CHECK(j["events"][4]["body"]["payment_event_id"].is_string());
  }
  SECTION("as of a date: only the events effective by then") {
    auto j = w.get(P + "/statement?at=2025-04-30", as("st"));
    CHECK(j["as_of"]["at"] == "2025-04-30");
    REQUIRE(j["lines"].size() == 2);  // Q1 contribution and fees
    CHECK(j["balance"] == "2130.98");
    auto debt = w.get(P + "/debt?at=2025-04-30", as("st"));
    CHECK(debt["outstanding"] == "2130.98");
    auto career = w.get(P + "/career?at=2025-04-30", as("st"));
    CHECK(career["years"][0]["quarters"][0]["status"] == "not_counted");
  }
  SECTION("as known at an instant: only the events recorded by then") {
    // Events are recorded one second apart from 2025-01-01T00:00:01Z.
    auto j = w.get(P + "/statement?known_at=2025-01-01T00:00:03Z", as("st"));
    CHECK(j["balance"] == "4261.96");
    auto us = w.get(P + "/debt?known_at=" + std::to_string(std::int64_t{1735689604} * 1'000'000),
                    as("st"));
    CHECK(us["outstanding"] == "4261.96");  // the payment, not yet allocated
    CHECK(w.get(P + "/debt?known_at=yesterday", as("st"), 400)["error"] == "TimestampFormat");
  }
  SECTION("companies") {
    CHECK(company["name"] == "Atelier Peeters SRL");
    CHECK(company["outstanding"] == "498.47");
    CHECK(company["directors"][0]["party_id"] == w.person);
    CHECK(company["directors"][0]["personal_outstanding"] == "1323.46");
    CHECK(company["joint_liability"]["directors_liable_for"] == "498.47");
    auto st = w.get(C + "/statement", as("st"));
    REQUIRE(st["lines"].size() == 2);
    CHECK(st["lines"][0]["debit"] == "998.47");
    CHECK(st["balance"] == "498.47");
    auto debt = w.get(C + "/debt", as("st"));
    CHECK(debt["years"][0]["unpaid_contribution"] == "498.47");
    CHECK(w.get(C + "/events", as("au"))["events"].size() == 5);
    CHECK(w.get("/v1/companies/0566988258", as("st"), 400)["field"] == "company_number");
    // Assessed with effect on its due date, 31 December; paid on 2 November.
    CHECK(w.get(C + "/statement?at=2025-11-01", as("st"))["lines"].empty());
    CHECK(w.get(C + "/statement?at=2025-11-02", as("st"))["balance"] == "-500.00");
  }
  SECTION("the debtor work list") {
    auto j = w.get("/v1/collection/work-list?stage=reminder", as("st"));
    REQUIRE(j["debtors"].size() == 1);
    CHECK(j["debtors"][0]["party_id"] == w.person);
    CHECK(j["debtors"][0]["outstanding"] == "1323.46");
    CHECK(w.get("/v1/collection/work-list?stage=formal-notice", as("st"))["debtors"].empty());
    CHECK(w.get("/v1/collection/work-list?stage=contrainte-eligible", as("st"))["debtors"].empty());
    CHECK(w.get("/v1/collection/work-list?stage=bailiff", as("st"), 400)["error"] == "StageUnknown");
  }
  SECTION("statistics") {
    auto j = w.get("/v1/statistics?quarter=2025-Q2", as("st"));
    CHECK(j["quarters"][0]["collected"] == "3000.00");
    CHECK(j["quarters"][0]["outstanding"] == "1261.96");
    CHECK(j["quarters"][0]["assessments_by_category"]["main"] == 1);
    auto all = w.get("/v1/statistics", as("au"));
    CHECK(all["quarters"].size() >= 3);
  }
  SECTION("the access log records every person read, for auditors") {
    w.get(P + "/debt", as("st", "payment plan request"));
    auto j = w.get("/v1/audit/access-log?party_id=" + w.person, as("au"));
    REQUIRE(j["records"].size() >= 2);
    const auto& last = j["records"].back();
    CHECK(last["principal"] == "u0042");
    CHECK(last["role"] == "staff");
    CHECK(last["route"] == "GET /v1/persons/{party_id}/debt");
    CHECK(last["purpose"] == "payment plan request");
    CHECK(w.get("/v1/audit/access-log", as("st"), 403)["error"].is_string());
    CHECK(w.get("/v1/audit/access-log?from=2027-01-01", as("au"))["records"].empty());
  }
  SECTION("projection status") {
    auto j = w.get("/v1/projections/status", as("st"));
    CHECK(j["lag"] == 0);
    CHECK(j["applied"] == 12);
  }
}
