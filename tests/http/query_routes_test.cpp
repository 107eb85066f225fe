#include <catch2/catch.hpp>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "decided_ledger.h"
#include "domain/person_decide.h"
#include "http/query_routes.h"
#include "ledger_fixture.h"
#include "projections/rebuild.h"
#include "test_server.h"

using namespace kassa::projections;
using namespace kassa::projections::testing;
using kassa::http::Role;
using kassa::http::token_sha256;
using kassa::http::TokenTable;
using nlohmann::json;
namespace s = kassa::schemas;

namespace {

TokenTable tokens() {
  auto table = TokenTable::parse(R"({"tokens": [
    {"principal": "u0042", "role": "staff", "sha256": ")" +
                                 token_sha256("st") + R"("},
    {"principal": "audit-7", "role": "auditor", "sha256": ")" +
                                 token_sha256("au") + R"("}]})");
  REQUIRE(table.ok());
  return std::move(table).value();
}

httplib::Headers as(const std::string& token, const std::string& purpose = "file review") {
  httplib::Headers h{{"Authorization", "Bearer " + token}};
  if (!purpose.empty()) h.emplace("X-Kassa-Purpose", purpose);
  return h;
}

namespace d = kassa::domain;
using kassa::testing::DecidedLedger;

using kassa::testing::quarter;
using kassa::testing::ymd;

template <typename T>
T done(kassa::Result<T> r) {
  if (!r.ok()) throw std::runtime_error(r.error().rule + ": " + r.error().message);
  return std::move(r).value();
}

std::int64_t events_in(kassa::log::EventLog& log) {
  std::int64_t total = 0;
  for (auto topic : {kassa::log::Topic::kPersonEvents, kassa::log::Topic::kCompanyEvents}) {
    for (std::int32_t p = 0; p < log.partition_count(topic); ++p) {
      total += *log.high_water_mark(topic, p);
    }
  }
  return total;
}

// DOMAIN.md §10 ex. 1, decided by the domain (as projector_test's story),
// reminded on 16 July; a second person who never pays; and a company whose
// 2025 contribution (998.47, high band) is half paid.
struct World {
  DecidedLedger ledger;
  std::string person;
  std::string other;
  std::string company = "0566988259";
  std::string q2_communication;
  std::int64_t last_offset = 0;
  std::shared_ptr<Store> store;
  std::unique_ptr<StoreHandle> handle;
  std::unique_ptr<AccessLog> access;
  std::unique_ptr<Projector> projector;
  kassa::testing::TestServer server{tokens()};

  ProjectionDeps deps() {
    ProjectionDeps out;
    out.rulebook = &ledger.rulebook();
    out.keys = &ledger.keys();
    out.niss_secret.fill(7);
    return out;
  }

  explicit World(const std::function<void(DecidedLedger&)>& more = {}) {
    person = ledger.register_person(1, ymd(2025, 1, 2));
    done(ledger.person(person,
                       d::ChangeProvisionalBase{2025, d::Money::from_cents(4'000'000),
                                                s::ProvisionalBasis::ChosenHigher, ""},
                       ymd(2025, 1, 2)));
    other = ledger.register_person(2, ymd(2025, 1, 2));
    for (const auto& p : {person, other}) {
      done(ledger.person(p, d::AssessQuarter{quarter(2025, 1)}, ymd(2025, 1, 5)));
      done(ledger.person(p, d::AssessQuarter{quarter(2025, 2)}, ymd(2025, 4, 5)));
    }
    done(ledger.person(
        person,
        d::RecordPayment{d::Money::from_cents(300'000), ymd(2025, 5, 10), std::nullopt, "CODA-0001",
                         s::PaymentChannel::Coda, std::nullopt},
        ymd(2025, 5, 12)));
    for (const auto& p : {person, other}) {
      done(ledger.person(p, d::ApplyQuarterEndSurcharges{quarter(2025, 2)}, ymd(2025, 6, 30)));
      done(ledger.person(p, d::RunReminders{ymd(2025, 7, 16)}, ymd(2025, 7, 16)));
    }
    q2_communication =
        ledger.person_state(person).quarter_lines.at(quarter(2025, 2)).notice->communication;

    d::RegisterCompany reg{*d::CompanyNumber::parse(company),
                           "Atelier Peeters SRL",
                           "SRL/BV",
                           ymd(2023, 1, 1),
                           900'001,
                           {*d::PartyId::parse(person)}};
    done(ledger.company(company, reg, ymd(2023, 1, 5)));
    done(ledger.company(company,
                        d::ReportBalanceSheet{ymd(2023, 12, 31), d::Money::from_cents(100'000'000)},
                        ymd(2024, 6, 1)));
    done(ledger.company(company, d::AssessCompanyContribution{2025}, ymd(2025, 2, 1)));
    const auto notice = ledger.company_state(company).debts.at(2025).notice;
    REQUIRE(notice.has_value());
    auto paid = done(ledger.company(
        company,
        d::RecordCompanyPayment{d::Money::from_cents(50'000), ymd(2025, 11, 2),
                                *d::StructuredCommunication::parse(notice->communication),
                                "CODA-C1", s::PaymentChannel::Coda},
        ymd(2025, 11, 3)));
    last_offset = paid.events.back().offset;
    if (more) more(ledger);

    store = must(Store::open(ledger.dir() + "/projections"));
    handle = std::make_unique<StoreHandle>(store);
    access = must(AccessLog::open(ledger.dir() + "/access-log"));
    projector = std::make_unique<Projector>(ledger.log(), *store, make_projections(deps()));
    must(projector->start());

    kassa::http::QueryDeps q;
    q.stores = handle.get();
    q.access_log = access.get();
    q.projection_deps = deps();
    q.niss_secret = deps().niss_secret;
    q.projector = [this] { return std::shared_ptr<Projector>(projector.get(), [](Projector*) {}); };
    q.log = &ledger.log();
    q.now_us = [] { return std::int64_t{1767225600} * 1'000'000; };  // 2026-01-01
    kassa::http::add_query_routes(server.router(), q);
    server.start();
  }
  ~World() { projector->stop(); }

  json post(const std::string& path, const json& body, const httplib::Headers& headers,
            int expect = 200) {
    auto client = server.client();
    auto res = client.Post(path.c_str(), headers, body.dump(), "application/json");
    REQUIRE(res);
    INFO(path << " -> " << res->body);
    REQUIRE(res->status == expect);
    return json::parse(res->body);
  }

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
  REQUIRE(w.projector->wait_until(w.projector->positions(), std::chrono::seconds(10)));
  const std::string niss = DecidedLedger::niss_of(1);

  SECTION("find a person by NISS") {
    auto found = w.get("/v1/persons/lookup?niss=" + niss, as("st"));
    CHECK(found["party_id"] == w.person);
    auto missing = w.get("/v1/persons/lookup?niss=00012556777", as("st"), 404);
    CHECK(missing["error"] == "PersonNotFound");
    w.get("/v1/persons/lookup?niss=93051822362", as("st"), 400);
    auto no_purpose = w.get("/v1/persons/lookup?niss=" + niss, as("st", ""), 400);
    CHECK(no_purpose["error"] == "PurposeRequired");
    // The NISS in the body, out of URLs and their logs.
    CHECK(w.post("/v1/persons/lookup", {{"niss", niss}}, as("st"))["party_id"] == w.person);
    CHECK(w.post("/v1/persons/lookup", {{"niss", "00012556777"}}, as("st"), 404)["error"] ==
          "PersonNotFound");
    CHECK(w.post("/v1/persons/lookup", json::object(), as("st"), 400)["error"] == "NissRequired");
    CHECK(w.post("/v1/persons/lookup", {{"niss", niss}, {"name", "x"}}, as("st"), 400)["error"] ==
          "UnknownField");
    CHECK(w.post("/v1/persons/lookup", {{"niss", niss}}, as("st", ""), 400)["error"] ==
          "PurposeRequired");
    auto logged = w.get("/v1/audit/access-log?party_id=" + w.person, as("au"))["records"];
    REQUIRE_FALSE(logged.empty());
    CHECK(logged.back()["route"] == "POST /v1/persons/lookup");
  }
  SECTION("min_offset: the log's own offsets wait, one past its end is a 400 at once") {
    // Before: an offset the log never reached held a worker for max_wait
    // (5 s) and answered 503 NotYetProjected.
    auto beyond = w.get(P + "/debt?min_offset=999999999999", as("st"), 400);
    CHECK(beyond["error"] == "OffsetBeyondLog");
    CHECK(beyond["field"] == "min_offset");
    auto malformed = w.get(P + "/debt?min_offset=12x", as("st"), 400);
    CHECK(malformed["error"] == "OffsetFormat");
    w.get(C + "?min_offset=" + std::to_string(w.last_offset), as("st"));
  }
  SECTION("summary") {
    auto j = w.get(P, as("st"));
    CHECK(j["balance"] == "1299.82");
    CHECK(j["outstanding"] == "1299.82");
    CHECK(j["credit"] == "0.00");
    CHECK(j["collection_stage"] == "reminder");
    CHECK(j["category"] == "main");
    CHECK(j["starter"] == "not-starter");
    CHECK(j["start_quarter"] == "2025-Q1");
    CHECK(j["director_of"][0]["company_number"] == w.company);
    CHECK(w.get(P, as("st", ""), 400)["error"] == "PurposeRequired");
    auto malformed = w.get("/v1/persons/P0123", as("st"), 400);
    CHECK(malformed["error"] == "PartyIdFormat");
    CHECK(malformed["field"] == "party_id");  // the path's name for it, not the log's
    CHECK(w.get("/v1/persons/P" + std::string(32, 'a'), as("st"), 404)["error"] == "PartyNotFound");
  }
  SECTION("statement: date order, what each line is, period totals, paging") {
    auto j = w.get(P + "/statement", as("st"));
    REQUIRE(j["lines"].size() == 7);
    CHECK(j["lines"][0]["kind"] == "contribution");
    CHECK(j["lines"][0]["debt"] == "2025-Q1");
    CHECK(j["lines"][0]["date"] == "2025-01-05");
    CHECK(j["lines"][0]["rule"].get<std::string>().find("AR 38") != std::string::npos);
    CHECK(j["lines"][0]["communication"].get<std::string>().rfind("+++", 0) == 0);
    CHECK(j["lines"][4]["kind"] == "payment");
    CHECK(j["lines"][4]["credit"] == "3000.00");
    CHECK(j["lines"][4]["balance"] == "1261.96");
    CHECK(j["lines"][5]["kind"] == "allocation");
    CHECK(j["lines"][5]["allocation"][2]["debt"] == "2025-Q2");
    CHECK(j["lines"][5]["allocation"][2]["component"] == "contribution");
    CHECK(j["lines"][5]["allocation"][2]["amount"] == "869.02");
    CHECK(j["lines"][6]["kind"] == "quarterly-surcharge");
    CHECK(j["lines"][6]["debit"] == "37.86");
    CHECK(j["lines"][6]["communication"] == j["lines"][2]["communication"]);
    CHECK(j["lines"][6]["event_id"].get<std::string>().size() == 36);
    CHECK(j["balance"] == "1299.82");
    CHECK(j["opening_balance"] == "0.00");
    CHECK(j["next_cursor"].is_null());
    auto range = w.get(P + "/statement?from=2025-05-01&to=2025-05-31", as("st"));
    REQUIRE(range["lines"].size() == 2);
    CHECK(range["lines"][0]["date"] == "2025-05-10");
    CHECK(range["opening_balance"] == "4261.96");
    CHECK(range["total_credit"] == "3000.00");
    CHECK(range["closing_balance"] == "1261.96");
    CHECK(range["lines"][1]["balance"] == "1261.96");
    // Pages of 3, following the cursor, give the same lines.
    auto first = w.get(P + "/statement?limit=3", as("st"));
    REQUIRE(first["lines"].size() == 3);
    REQUIRE(first["next_cursor"].is_string());
    CHECK(first["closing_balance"] == "1299.82");  // the period's, whatever the page
    auto second =
        w.get(P + "/statement?limit=3&cursor=" + first["next_cursor"].get<std::string>(), as("st"));
    REQUIRE(second["lines"].size() == 3);
    CHECK(second["lines"][0] == j["lines"][3]);
    auto third = w.get(P + "/statement?limit=3&cursor=" + second["next_cursor"].get<std::string>(),
                       as("st"));
    REQUIRE(third["lines"].size() == 1);
    CHECK(third["lines"][0] == j["lines"][6]);
    CHECK(third["next_cursor"].is_null());
    CHECK(w.get(P + "/statement?cursor=zz", as("st"), 400)["field"] == "cursor");
    CHECK(w.get(P + "/statement?limit=0", as("st"), 400)["field"] == "limit");
    CHECK(w.get(P + "/statement?from=2025-13-01", as("st"), 400)["field"] == "from");
  }
  SECTION("debt: each quarter's notice, due date and stage") {
    auto j = w.get(P + "/debt", as("st"));
    CHECK(j["outstanding"] == "1299.82");
    CHECK(j["credit"] == "0.00");
    CHECK(j["balance"] == "1299.82");
    REQUIRE(j["lines"].size() == 2);
    CHECK(j["lines"][0]["debt"] == "2025-Q1");
    CHECK(j["lines"][0]["outstanding"] == "0.00");
    CHECK(j["lines"][0]["stage"] == "none");  // paid
    CHECK(j["lines"][1]["unpaid_principal"] == "1261.96");
    CHECK(j["lines"][1]["unpaid_surcharges"] == "37.86");
    CHECK(j["lines"][1]["stage"] == "reminder");
    CHECK(j["lines"][1]["stage_date"] == "2025-07-16");
    CHECK(j["lines"][1]["due_date"] == "2025-06-30");
    auto comm = *d::StructuredCommunication::parse(w.q2_communication);
    CHECK(j["lines"][1]["communication"] == comm.display());
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
    CHECK(w.get(P + "/tax-certificate?year=2024",
                as("st"))["certificates"][0]["deductible_total"] == "0.00");
  }
  SECTION("raw events: auditors only, personal data masked, business units") {
    CHECK(w.get(P + "/events", as("st"), 403)["error"].is_string());
    auto j = w.get(P + "/events", as("au"));
    REQUIRE(j["events"].size() == 10);
    CHECK(j["events"][0]["type"] == "PersonRegistered");
    CHECK(j["events"][0]["body"]["personal"]["sealed"] == true);
    CHECK(j["events"][0]["body"]["start_quarter"] == "2025-Q1");
    CHECK(j["events"][0]["recorded_at"].get<std::string>().rfind("2025-01-02T12:00:00", 0) == 0);
    CHECK(j["events"][2]["body"]["quarter"] == "2025-Q1");
    CHECK(j["events"][2]["decided"] == "2025-01-05");
    CHECK(j["events"][6]["type"] == "PaymentReceived");
    CHECK(j["events"][6]["body"]["amount"] == "3000.00");
    CHECK(j["events"][6]["body"]["value"] == "2025-05-10");
    CHECK(j["events"][6]["body"]["bank_ref"] == "CODA-0001");
    CHECK(j["events"][7]["type"] == "PaymentAllocated");
    CHECK(j["events"][7]["body"]["lines"][0]["quarter"] == "2025-Q1");
    CHECK(j["events"][7]["body"]["lines"][0]["amount"] == "2050.00");
    CHECK(j["events"][9]["body"]["quarters"][0] == "2025-Q2");
    CHECK(j["next_after"].is_null());
  }
  SECTION("raw events come in pages: after a sequence, at most limit") {
    // Before: every event of the aggregate in one answer, whatever its history.
    std::vector<std::uint64_t> seen;
    std::string after = "0";
    for (int page = 0; page < 10; ++page) {
      auto j = w.get(P + "/events?limit=4&after=" + after, as("au"));
      for (const auto& e : j["events"]) seen.push_back(e["sequence"].get<std::uint64_t>());
      if (j["next_after"].is_null()) break;
      CHECK(j["events"].size() == 4);
      after = std::to_string(j["next_after"].get<std::uint64_t>());
    }
    CHECK(seen == std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
    auto last = w.get(P + "/events?after=8", as("au"));
    REQUIRE(last["events"].size() == 2);
    CHECK(last["events"][0]["sequence"] == 9);
    CHECK(last["next_after"].is_null());
    CHECK(w.get(P + "/events?after=10", as("au"))["events"].empty());
    CHECK(w.get(P + "/events?after=-1", as("au"), 400)["error"] == "SequenceFormat");
    CHECK(w.get(P + "/events?limit=0", as("au"), 400)["error"] == "LimitRange");
    CHECK(w.get(P + "/events?limit=1001", as("au"), 400)["error"] == "LimitRange");
  }
  SECTION("as of a date: what had been decided by then") {
    // Q2's notice went out on 5 April: on the 4th only Q1 exists.
    auto j = w.get(P + "/statement?at=2025-04-04", as("st"));
    CHECK(j["as_of"]["at"] == "2025-04-04");
    REQUIRE(j["lines"].size() == 2);  // Q1 contribution and fees
    CHECK(j["balance"] == "2130.98");
    auto debt = w.get(P + "/debt?at=2025-04-04", as("st"));
    CHECK(debt["outstanding"] == "2130.98");
    auto career = w.get(P + "/career?at=2025-04-04", as("st"));
    CHECK(career["years"][0]["quarters"].size() == 1);
    CHECK(career["years"][0]["quarters"][0]["status"] == "not_counted");
    // On 5 May: both quarters, no payment yet; no line after the date.
    auto may = w.get(P + "/statement?at=2025-05-05", as("st"));
    CHECK(may["balance"] == "4261.96");
    for (const auto& line : may["lines"]) CHECK(line["date"].get<std::string>() <= "2025-05-05");
    CHECK(w.get(P + "/debt?at=2025-05-05", as("st"))["balance"] == may["balance"]);
    // The payment valued 10 May was booked on the 12th.
    CHECK(w.get(P + "/statement?at=2025-05-11", as("st"))["balance"] == "4261.96");
    CHECK(w.get(P + "/statement?at=2025-05-12", as("st"))["balance"] == "1261.96");
  }
  SECTION("as known at an instant: only the events recorded by then") {
    auto j = w.get(P + "/statement?known_at=2025-04-06T00:00:00Z", as("st"));
    CHECK(j["balance"] == "4261.96");
    CHECK(j["as_of"]["known_at"] == "2025-04-06T00:00:00.000000Z");
    auto us = w.get(P + "/debt?known_at=" + std::to_string(std::int64_t{1747008000} * 1'000'000),
                    as("st"));  // 2025-05-12T00:00Z: the payment was recorded at noon
    CHECK(us["outstanding"] == "4261.96");
    CHECK(w.get(P + "/debt?known_at=yesterday", as("st"), 400)["error"] == "TimestampFormat");
    // One parser for instants (domain::Timestamp): no second 60, no local
    // time; the CLI's --known-at refused them, the HTTP parser took them.
    CHECK(w.get(P + "/debt?known_at=2025-04-06T00:00:60Z", as("st"), 400)["error"] ==
          "TimestampFormat");
    CHECK(w.get(P + "/debt?known_at=2025-04-06T00:00:00", as("st"), 400)["error"] ==
          "TimestampFormat");
  }
  SECTION("companies") {
    CHECK(company["name"] == "Atelier Peeters SRL");
    CHECK(company["outstanding"] == "498.47");
    CHECK(company["balance"] == "498.47");
    CHECK(company["directors"][0]["party_id"] == w.person);
    CHECK(company["directors"][0]["personal_outstanding"] == "1299.82");
    CHECK(company["joint_liability"]["directors_liable_for"] == "498.47");
    CHECK(company["contributions"][0]["band"] == "high");
    CHECK(company["contributions"][0]["communication"].get<std::string>().rfind("+++", 0) == 0);
    auto st = w.get(C + "/statement", as("st"));
    REQUIRE(st["lines"].size() == 3);
    CHECK(st["lines"][0]["debit"] == "998.47");
    CHECK(st["lines"][0]["debt"] == "2025");
    CHECK(st["lines"][1]["kind"] == "payment");
    CHECK(st["lines"][2]["allocation"][0]["debt"] == "2025");
    CHECK(st["balance"] == "498.47");
    auto debt = w.get(C + "/debt", as("st"));
    CHECK(debt["years"][0]["unpaid_contribution"] == "498.47");
    CHECK(debt["balance"] == "498.47");
    CHECK(w.get("/v1/companies/0566988258", as("st"), 400)["field"] == "company_number");
    // Assessed on 1 February; paid on 2 November (booked the 3rd).
    CHECK(w.get(C + "/statement?at=2025-01-31", as("st"))["lines"].empty());
    CHECK(w.get(C + "/statement?at=2025-11-02", as("st"))["balance"] == "998.47");
    CHECK(w.get(C + "/statement?at=2025-11-03", as("st"))["balance"] == "498.47");
  }
  SECTION("the debtor work list: totals, order, paging") {
    // The furthest stage first: the one who never paid got a formal notice
    // for Q1 on 16 July, the payer a reminder for Q2.
    auto all = w.get("/v1/collection/work-list", as("st"));
    REQUIRE(all["debtors"].size() == 2);
    CHECK(all["total"] == 2);
    CHECK(all["debtors"][0]["party_id"] == w.other);
    CHECK(all["debtors"][0]["stage"] == "formal-notice");
    CHECK(all["debtors"][0]["contrainte_eligible"] == false);
    CHECK(all["debtors"][0]["contrainte_blocked_by"] == "PersonalContactMissing");
    CHECK(all["debtors"][1]["party_id"] == w.person);
    auto j = w.get("/v1/collection/work-list?stage=reminder", as("st"));
    REQUIRE(j["debtors"].size() == 1);
    CHECK(j["total"] == 1);
    CHECK(j["total_outstanding"] == "1299.82");
    CHECK(j["debtors"][0]["outstanding"] == "1299.82");
    CHECK(j["debtors"][0]["contrainte_blocked_by"] == "FormalNoticeMissing");
    CHECK(w.get("/v1/collection/work-list?stage=formal-notice", as("st"))["total"] == 1);
    auto page = w.get("/v1/collection/work-list?limit=1", as("st"));
    REQUIRE(page["debtors"].size() == 1);
    CHECK(page["total"] == 2);
    REQUIRE(page["next_cursor"].is_string());
    auto next =
        w.get("/v1/collection/work-list?limit=1&cursor=" + page["next_cursor"].get<std::string>(),
              as("st"));
    REQUIRE(next["debtors"].size() == 1);
    CHECK(next["debtors"][0]["party_id"] == w.person);
    CHECK(next["next_cursor"].is_null());
    CHECK(w.get("/v1/collection/work-list?stage=contrainte-eligible", as("st"))["total"] == 0);
    CHECK(w.get("/v1/collection/work-list?stage=bailiff", as("st"), 400)["error"] ==
          "StageUnknown");
    CHECK(w.get("/v1/collection/work-list?limit=5000", as("st"), 400)["field"] == "limit");
  }
  SECTION("the debtor work list's filters: plan, personal contact, amount") {
    // Before: plan, personal_contact and min_outstanding were ignored.
    const std::string L = "/v1/collection/work-list";
    auto all = w.get(L, as("st"));
    const std::string other_owes = all["debtors"][0]["outstanding"];
    auto big = w.get(L + "?min_outstanding=1300", as("st"));
    REQUIRE(big["debtors"].size() == 1);
    CHECK(big["debtors"][0]["party_id"] == w.other);
    CHECK(big["total"] == 1);
    CHECK(big["total_outstanding"] == other_owes);
    CHECK(big["min_outstanding"] == "1300.00");
    CHECK(big["plan"].is_null());
    CHECK(w.get(L + "?min_outstanding=1299.82", as("st"))["total"] == 2);  // at least
    CHECK(w.get(L + "?stage=reminder&min_outstanding=1300", as("st"))["total"] == 0);
    auto none = w.get(L + "?plan=none", as("st"));
    CHECK(none["total"] == 2);
    CHECK(none["plan"] == "none");
    CHECK(w.get(L + "?plan=requested", as("st"))["total"] == 0);
    auto no_contact = w.get(L + "?personal_contact=false", as("st"));
    CHECK(no_contact["total"] == 2);
    CHECK(no_contact["personal_contact"] == false);
    CHECK(w.get(L + "?personal_contact=true", as("st"))["total"] == 0);
    // Pages of a filtered list: the total counts every page.
    auto page = w.get(L + "?plan=none&limit=1", as("st"));
    REQUIRE(page["debtors"].size() == 1);
    CHECK(page["total"] == 2);
    REQUIRE(page["next_cursor"].is_string());
    auto next =
        w.get(L + "?plan=none&limit=1&cursor=" + page["next_cursor"].get<std::string>(), as("st"));
    REQUIRE(next["debtors"].size() == 1);
    CHECK(next["debtors"][0]["party_id"] == w.person);
    CHECK(next["next_cursor"].is_null());
    // Bad filters name their field.
    auto bad_plan = w.get(L + "?plan=maybe", as("st"), 400);
    CHECK(bad_plan["error"] == "PlanUnknown");
    CHECK(bad_plan["field"] == "plan");
    CHECK(w.get(L + "?personal_contact=yes", as("st"), 400)["field"] == "personal_contact");
    CHECK(w.get(L + "?min_outstanding=-1", as("st"), 400)["field"] == "min_outstanding");
  }
  SECTION("statistics") {
    auto j = w.get("/v1/statistics?quarter=2025-Q2", as("st"));
    CHECK(j["quarters"][0]["collected"] == "3000.00");
    CHECK(j["quarters"][0]["assessments_by_category"]["main"] == 2);
    auto all = w.get("/v1/statistics", as("au"));
    CHECK(all["quarters"].size() >= 3);
  }
  SECTION("the access log records every person read, for auditors") {
    w.get(P + "/debt", as("st", "payment plan request"));
    auto j = w.get("/v1/audit/access-log?party_id=" + w.person, as("au"));
    REQUIRE(j["records"].size() >= 1);
    const auto& last = j["records"].back();
    CHECK(last["principal"] == "u0042");
    CHECK(last["role"] == "staff");
    CHECK(last["route"] == "GET /v1/persons/{party_id}/debt");
    CHECK(last["purpose"] == "payment plan request");
    CHECK(last["at"].get<std::string>().back() == 'Z');
    CHECK(w.get("/v1/audit/access-log", as("st"), 403)["error"].is_string());
    // Lists that name persons: a company's directors, the debtor work-list.
    // Before: no purpose asked, nothing logged.
    CHECK(w.get(C, as("st", ""), 400)["error"] == "PurposeRequired");
    CHECK(w.get("/v1/collection/work-list", as("st", ""), 400)["error"] == "PurposeRequired");
    w.get(C, as("st", "joint liability check"));
    w.get("/v1/collection/work-list", as("st", "collection round"));
    auto mine = w.get("/v1/audit/access-log?party_id=" + w.person, as("au"))["records"];
    auto other = w.get("/v1/audit/access-log?party_id=" + w.other, as("au"))["records"];
    REQUIRE(mine.size() >= 3);
    CHECK(mine[mine.size() - 2]["route"] == "GET /v1/companies/{company_number}");
    CHECK(mine[mine.size() - 2]["purpose"] == "joint liability check");
    CHECK(mine.back()["route"] == "GET /v1/collection/work-list");
    CHECK(mine.back()["purpose"] == "collection round");
    REQUIRE_FALSE(other.empty());
    CHECK(other.back()["route"] == "GET /v1/collection/work-list");
    CHECK(w.get("/v1/audit/access-log?from=2027-01-01", as("au"))["records"].empty());
  }
  SECTION("the access log comes in pages; none is skipped or repeated") {
    // Before: one answer of at most 10,000 records, the rest left out
    // without a word.
    for (int i = 0; i < 7; ++i) w.get(P + "/debt", as("st", "call " + std::to_string(i)));
    auto whole = w.get("/v1/audit/access-log?party_id=" + w.person, as("au"));
    CHECK(whole["next_cursor"].is_null());
    const auto everything = whole["records"];
    REQUIRE(everything.size() >= 7);
    json paged = json::array();
    std::string cursor;
    for (int page = 0; page < 100; ++page) {
      auto j = w.get("/v1/audit/access-log?limit=3&party_id=" + w.person +
                         (cursor.empty() ? "" : "&cursor=" + cursor),
                     as("au"));
      CHECK(j["records"].size() <= 3);
      for (const auto& r : j["records"]) paged.push_back(r);
      if (j["next_cursor"].is_null()) break;
      CHECK(j["records"].size() == 3);
      cursor = j["next_cursor"].get<std::string>();
    }
    CHECK(paged == everything);
    CHECK(w.get("/v1/audit/access-log?cursor=zz", as("au"), 400)["error"] == "CursorFormat");
    CHECK(w.get("/v1/audit/access-log?limit=10001", as("au"), 400)["error"] == "LimitRange");
  }
  SECTION("projection status") {
    auto j = w.get("/v1/projections/status", as("st"));
    CHECK(j["lag"] == 0);
    CHECK(j["applied"] == events_in(w.ledger.log()));
  }
}

TEST_CASE("a person's requests and decisions, each refusal with its appeal", "[http][queries]") {
  // Before: no route showed a request or a decision (404); a refusal's
  // reason and appeal were in the auditors' raw events only.
  World w;
  const d::AppealInfo appeal{"NoGuarantee", "earlier plans were not kept",
                             "Tribunal du travail de Liège", ymd(2025, 10, 31)};
  done(w.ledger.person(w.other, d::RequestPaymentPlan{{quarter(2025, 1)}, 4}, ymd(2025, 8, 1)));
  done(w.ledger.person(w.other, d::RefusePaymentPlan{appeal}, ymd(2025, 8, 20)));
  auto last = done(w.ledger.person(
      w.other, d::RequestDispense{{quarter(2025, 1), quarter(2025, 2)}}, ymd(2025, 9, 1)));
  const std::string O = "/v1/persons/" + w.other;
  auto j = w.get(O + "/requests?min_offset=" + std::to_string(last.events.back().offset), as("st"));
  CHECK(j["party_id"] == w.other);
  REQUIRE(j["requests"].size() == 2);
  const json plan = j["requests"][0];
  CHECK(plan["kind"] == "payment-plan");
  CHECK(plan["status"] == "refused");
  CHECK(plan["requested"] == "2025-08-01");
  CHECK(plan["decided"] == "2025-08-20");
  CHECK(plan["quarters"] == json::array({"2025-Q1"}));
  CHECK(plan["reference"].is_null());
  CHECK(plan["benefit"].is_null());
  // The plan's amount: what Q1 owed when it was asked for.
  std::string q1_owed;
  const json debt = w.get(O + "/debt", as("st"));
  for (const auto& line : debt["lines"]) {
    if (line["debt"] == "2025-Q1") q1_owed = line["outstanding"].get<std::string>();
  }
  INFO(debt.dump());
  CHECK(plan["amount"] == q1_owed);
  CHECK(plan["appeal"] == json{{"reason_code", "NoGuarantee"},
                               {"reason", "earlier plans were not kept"},
                               {"appeal_body", "Tribunal du travail de Liège"},
                               {"appeal_deadline", "2025-10-31"}});
  const json dispense = j["requests"][1];
  CHECK(dispense["kind"] == "dispense");
  CHECK(dispense["status"] == "pending");
  CHECK(dispense["quarters"] == json::array({"2025-Q1", "2025-Q2"}));
  CHECK(dispense["requested"] == "2025-09-01");
  CHECK(dispense["decided"].is_null());
  CHECK(dispense["amount"].is_null());
  CHECK(dispense["appeal"].is_null());
  // As of a date before the refusal, the plan was pending; the person who
  // paid has asked for nothing.
  auto then = w.get(O + "/requests?at=2025-08-10", as("au"));
  REQUIRE(then["requests"].size() == 1);
  CHECK(then["requests"][0]["status"] == "pending");
  CHECK(then["requests"][0]["appeal"].is_null());
  CHECK(then["as_of"]["at"] == "2025-08-10");
  CHECK(w.get("/v1/persons/" + w.person + "/requests", as("st"))["requests"].empty());
  // As of the epoch's first day: nothing yet, and the date reads as asked
  // (it was "", which schemathesis found once as_of was documented).
  CHECK(w.get(O + "/career?at=1970-01-01", as("au"))["as_of"]["at"] == "1970-01-01");
  auto epoch = w.get(O + "/requests?at=1970-01-01", as("au"));
  CHECK(epoch["requests"].empty());
  CHECK(epoch["as_of"]["at"] == "1970-01-01");
  // A read of a person like any other: a purpose, and the access log.
  CHECK(w.get(O + "/requests", as("st", ""), 400)["error"] == "PurposeRequired");
  auto logged = w.get("/v1/audit/access-log?party_id=" + w.other, as("au"))["records"];
  REQUIRE_FALSE(logged.empty());
  CHECK(logged.back()["route"] == "GET /v1/persons/{party_id}/requests");
}

TEST_CASE("a statement as CSV for a spreadsheet, cells defused", "[http][queries]") {
  // Before: Accept: text/csv got the JSON answer.
  World w;
  // A bank reference a spreadsheet would run as a formula, with a comma and quotes.
  auto paid = done(w.ledger.person(
      w.other,
      d::RecordPayment{d::Money::from_cents(1'000), ymd(2025, 9, 2), std::nullopt,
                       "=HYPERLINK(\"x\",1)", s::PaymentChannel::Coda, std::nullopt},
      ymd(2025, 9, 2)));
  const std::string O = "/v1/persons/" + w.other;
  const std::string wait = "?min_offset=" + std::to_string(paid.events.back().offset);
  const json j = w.get(O + "/statement" + wait, as("st"));
  auto headers = as("st");
  headers.emplace("Accept", "text/csv");
  auto client = w.server.client();
  auto res = client.Get((O + "/statement").c_str(), headers);
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/csv; charset=utf-8");
  // A cache must not give this answer for another Accept or Accept-Language.
  CHECK(res->get_header_value("Vary") == "Accept, Accept-Language");
  CHECK(res->get_header_value_count("Vary") == 1);
  CHECK(res->get_header_value("Content-Disposition") ==
        "attachment; filename=\"statement-" + w.other + ".csv\"");
  std::vector<std::string> rows;
  for (std::size_t at = 0; at < res->body.size();) {
    const std::size_t end = res->body.find("\r\n", at);
    REQUIRE(end != std::string::npos);  // every row ends with CRLF
    rows.push_back(res->body.substr(at, end - at));
    at = end + 2;
  }
  REQUIRE(rows.size() == j["lines"].size() + 1);
  CHECK(rows[0] == "date,kind,debt,description,reference,communication,debit,credit,balance");
  // The first line as in JSON: the Q1 contribution with its notice's
  // communication (which starts with +: a spreadsheet would compute it).
  const json& first = j["lines"][0];
  CHECK(rows[1] ==
        first["date"].get<std::string>() + ",contribution,2025-Q1,contribution 2025-Q1,,'" +
            first["communication"].get<std::string>() + "," + first["debit"].get<std::string>() +
            ",0.00," + first["balance"].get<std::string>());
  // The payment's reference, defused and quoted; its credit and balance as in JSON.
  const json& last = j["lines"].back();
  REQUIRE(last["kind"] == "allocation");
  const json& payment = j["lines"][j["lines"].size() - 2];
  REQUIRE(payment["kind"] == "payment");
  CHECK(rows[rows.size() - 2] ==
        payment["date"].get<std::string>() +
            ",payment,,payment received,\"'=HYPERLINK(\"\"x\"\",1)\",,0.00,10.00," +
            payment["balance"].get<std::string>());
  // A read of the person like the JSON one: purpose required, access logged.
  headers = as("st", "");
  headers.emplace("Accept", "text/csv");
  auto refused = client.Get((O + "/statement").c_str(), headers);
  REQUIRE(refused);
  CHECK(refused->status == 400);
  auto logged = w.get("/v1/audit/access-log?party_id=" + w.other, as("au"))["records"];
  REQUIRE(logged.size() >= 2);
  CHECK(logged.back()["route"] == "GET /v1/persons/{party_id}/statement");
  // Its JSON answer chose by Accept alone; the debt has one type only.
  auto as_json = client.Get((O + "/statement").c_str(), as("st"));
  REQUIRE(as_json);
  CHECK(as_json->get_header_value("Vary") == "Accept");
  auto debt = client.Get((O + "/debt").c_str(), as("st"));
  REQUIRE(debt);
  CHECK(debt->status == 200);
  CHECK_FALSE(debt->has_header("Vary"));
  // A company's statement too.
  auto company = client.Get(("/v1/companies/" + w.company + "/statement").c_str(), [&] {
    auto h = as("st");
    h.emplace("Accept", "text/csv");
    return h;
  }());
  REQUIRE(company);
  CHECK(company->status == 200);
  CHECK(company->body.rfind("date,kind,debt,", 0) == 0);
  CHECK(company->body.find("company-contribution,2025,") != std::string::npos);

  // The descriptions in the language asked for (Content-Language says
  // which); the rest of each row as in English.
  const auto in_language = [&](const std::string& accept_language) {
    auto h = as("st");
    h.emplace("Accept", "text/csv");
    h.emplace("Accept-Language", accept_language);
    auto r = client.Get((O + "/statement").c_str(), h);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return std::pair{r->get_header_value("Content-Language"), r->body};
  };
  const auto [fr_tag, fr] = in_language("fr-BE,fr;q=0.9,en;q=0.8");
  CHECK(fr_tag == "fr");
  CHECK(fr.find(",contribution,2025-Q1,cotisation 2025-Q1,,") != std::string::npos);
  CHECK(fr.find(",fees,2025-Q1,frais de gestion 2025-Q1,,") != std::string::npos);
  CHECK(fr.find(",payment,,paiement reçu,") != std::string::npos);
  // Amounts inside the words as French and Dutch readers write them (the
  // decimal comma quotes the cell).
  CHECK(fr.find(",allocation,,\"paiement imputé : 2025-Q1 cotisation 10,00\u00a0€\",") !=
        std::string::npos);
  const auto [nl_tag, nl] = in_language("nl");
  CHECK(nl_tag == "nl");
  CHECK(nl.find(",contribution,2025-Q1,bijdrage 2025-Q1,,") != std::string::npos);
  CHECK(nl.find(",payment,,betaling ontvangen,") != std::string::npos);
  CHECK(nl.find(",allocation,,\"betaling aangerekend: 2025-Q1 bijdrage €\u00a010,00\",") !=
        std::string::npos);
  // Two headers are one list.
  auto both = as("st");
  both.emplace("Accept", "text/csv");
  both.emplace("Accept-Language", "de");
  both.emplace("Accept-Language", "nl;q=0.5");
  auto two = client.Get((O + "/statement").c_str(), both);
  REQUIRE(two);
  CHECK(two->get_header_value("Content-Language") == "nl");
  const auto [de_tag, de] = in_language("de");
  CHECK(de_tag == "en");
  CHECK(de == res->body);
  CHECK(res->get_header_value("Content-Language") == "en");
}

TEST_CASE("an Accept no answer meets is 406 before anything is read or logged",
          "[http][queries][accept]") {
  // Before: Accept: application/pdf or text/html got the JSON answer, and
  // the read was access-logged as if delivered.
  World w;
  const std::string S = "/v1/persons/" + w.person + "/statement";
  const std::string D = "/v1/persons/" + w.person + "/debt";
  auto client = w.server.client();
  const auto with_accept = [&](const std::string& accept) {
    auto h = as("st");
    h.emplace("Accept", accept);
    return h;
  };
  const auto logged = [&] {
    return w.get("/v1/audit/access-log?party_id=" + w.person, as("au"))["records"].size();
  };
  const std::size_t before = logged();
  for (const std::string accept :
       {"application/pdf", "text/html", "application/json;q=0", "image/*, text/plain"}) {
    INFO(accept);
    auto res = client.Get(S.c_str(), with_accept(accept));
    REQUIRE(res);
    CHECK(res->status == 406);
    CHECK(res->get_header_value("Content-Type") == "application/json");
    const json body = json::parse(res->body);
    CHECK(body["error"] == "NotAcceptable");
    CHECK(body["field"] == "Accept");
    CHECK(body["message"].get<std::string>().find("application/json, text/csv") !=
          std::string::npos);
  }
  // CSV is a statement's, not a debt's.
  auto csv_debt = client.Get(D.c_str(), with_accept("text/csv"));
  REQUIRE(csv_debt);
  CHECK(csv_debt->status == 406);
  CHECK(logged() == before);  // nothing was read
  // What browsers and tools send is met with JSON.
  for (const std::string accept :
       {"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "*/*", "application/*",
        "APPLICATION/JSON", "application/json; charset=utf-8", ""}) {
    INFO(accept);
    auto res = client.Get(D.c_str(), with_accept(accept));
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("Content-Type") == "application/json");
  }
  // The statement chooses as the router does: CSV only when wanted more
  // than JSON, by the most specific range; every Accept header counts.
  for (const auto& [accept, csv] :
       std::vector<std::pair<std::string, bool>>{{"text/csv", true},
                                                 {"TEXT/CSV", true},
                                                 {"text/*", true},
                                                 {"text/csv;q=0, application/json", false},
                                                 {"application/json, text/csv", false},
                                                 {"*/*", false},
                                                 {"application/json;q=0.5, text/csv", true}}) {
    INFO(accept);
    auto res = client.Get(S.c_str(), with_accept(accept));
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("Content-Type") ==
          (csv ? "text/csv; charset=utf-8" : "application/json"));
  }
  {
    auto h = with_accept("application/pdf");
    h.emplace("Accept", "text/csv");
    auto res = client.Get(S.c_str(), h);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("Content-Type") == "text/csv; charset=utf-8");
  }
  // The token is checked first: without one, 401 whatever Accept says.
  auto anonymous = client.Get(S.c_str(), httplib::Headers{{"Accept", "application/pdf"}});
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);
}

TEST_CASE("staff find a file by name or member number and read the identity", "[http][queries]") {
  // Before: POST /v1/persons/search and GET /v1/persons/{id}/identity did
  // not exist (404): a person was found by NISS only, and no answer named them.
  std::string jf, camille, erased;
  World w([&](DecidedLedger& ledger) {
    jf = ledger.register_named(3, ymd(2025, 3, 1), "Jean-François", "Van den Bossche");
    camille = ledger.register_named(4, ymd(2025, 3, 1), "Camille", "D'Hondt");
    erased = ledger.register_named(5, ymd(2025, 3, 1), "Camille", "Dewaele");
  });
  // Every event of the log applied (positions() would be what is applied so far).
  auto caught_up = [&] {
    for (auto topic : {kassa::log::Topic::kPersonEvents, kassa::log::Topic::kCompanyEvents}) {
      for (std::int32_t p = 0; p < w.ledger.log().partition_count(topic); ++p) {
        const std::int64_t end = *w.ledger.log().high_water_mark(topic, p);
        if (end > 0) REQUIRE(w.projector->wait_until(topic, p, end - 1, std::chrono::seconds(10)));
      }
    }
  };
  caught_up();
  // Indexed while the projector ran, then erased (the event, then the key,
  // as the erasure route does): the live projector removes the entries.
  REQUIRE(w.post("/v1/persons/search", {{"name", "dewaele"}}, as("st"))["persons"].size() == 1);
  done(w.ledger.person(erased, d::EraseRegistrationData{erased, "GDPR art. 17"}, ymd(2025, 9, 1)));
  must(w.ledger.keys().erase(erased));
  caught_up();
  auto search = [&](const json& body, const std::string& purpose = "file review",
                    int expect = 200) {
    return w.post("/v1/persons/search", body, as("st", purpose), expect);
  };
  auto parties = [](const json& answer) {
    std::vector<std::string> out;
    for (const auto& p : answer["persons"]) out.push_back(p["party_id"]);
    return out;
  };
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };

  SECTION("by name: every word given, in any case, order or accent") {
    auto peeters = search({{"name", "peeters"}});
    CHECK(parties(peeters) == sorted({w.person, w.other}));
    CHECK(peeters["more"] == false);
    const auto& anna = peeters["persons"][0];
    CHECK(anna["first_name"] == "Anna");
    CHECK(anna["last_name"] == "Peeters");
    CHECK(anna["status"] == "active");
    CHECK(anna["personal_data_erased"] == false);
    CHECK((anna["member_number"] == 1 || anna["member_number"] == 2));
    auto one = search({{"name", "ANNA  Peeters"}, {"limit", 1}});
    CHECK(one["persons"].size() == 1);
    CHECK(one["more"] == true);
    for (const char* text : {"Jean-François Van den Bossche", "vandenbossche jean",
                             "BOSSCHE francois", "jeanfrancois"}) {
      INFO(text);
      CHECK(parties(search({{"name", text}})) == std::vector<std::string>{jf});
    }
    CHECK(parties(search({{"name", "dhondt"}})) == std::vector<std::string>{camille});
    CHECK(parties(search({{"name", "Camille D\xE2\x80\x99Hondt"}})) ==
          std::vector<std::string>{camille});
    CHECK(search({{"name", "Anna Bossche"}})["persons"].empty());
  }
  SECTION("an erased person is not found by name; by member number without names") {
    CHECK(parties(search({{"name", "camille"}})) == std::vector<std::string>{camille});
    CHECK(search({{"name", "Dewaele"}})["persons"].empty());
    auto by_number = search({{"member_number", 5}});
    REQUIRE(by_number["persons"].size() == 1);
    CHECK(by_number["persons"][0]["party_id"] == erased);
    CHECK(by_number["persons"][0]["personal_data_erased"] == true);
    CHECK(by_number["persons"][0]["first_name"].is_null());
    CHECK(parties(search({{"member_number", 3}})) == std::vector<std::string>{jf});
    CHECK(search({{"member_number", 900001}})["persons"].empty());  // the company's number
    CHECK(search({{"member_number", 77}})["persons"].empty());
  }
  SECTION("the index keeps nothing of an erased person; a rebuild equals the live store") {
    std::vector<std::string> left;
    REQUIRE(w.store
                ->scan(Cf::kNiss, "",
                       [&](std::string_view key, std::string_view value) {
                         const bool names_erased = key.find(erased) != std::string_view::npos;
                         // The member number stays (not personal: what a communication names).
                         if (names_erased && key[0] != 'm') left.push_back(std::string(1, key[0]));
                         (void)value;
                         return true;
                       })
                .ok());
    CHECK(left.empty());
    CHECK(must(w.store->get(Cf::kNiss, "w" + jf)).has_value());
    CHECK(must(w.store->get(Cf::kNiss, "s" + jf)).has_value());
    auto rebuilt = must(build_store(w.ledger.log(), w.ledger.dir() + "/rebuilt", w.deps()));
    CHECK(must(store_checksums(*rebuilt)) == must(store_checksums(*w.store)));
  }
  SECTION("auditors neither search names nor read identities") {
    CHECK(w.post("/v1/persons/search", {{"name", "peeters"}}, as("au"), 403)["error"] ==
          "RoleRequired");
    w.get("/v1/persons/" + jf + "/identity", as("au"), 403);
  }
  SECTION("each person listed is in the access log with the purpose") {
    search({{"name", "van den bossche"}}, "phone call");
    auto logged = w.get("/v1/audit/access-log?party_id=" + jf, as("au"))["records"];
    REQUIRE_FALSE(logged.empty());
    CHECK(logged.back()["route"] == "POST /v1/persons/search");
    CHECK(logged.back()["purpose"] == "phone call");
  }
  SECTION("bad searches are refused naming the field and the rule") {
    CHECK(search(json::object(), "file review", 400)["error"] == "SearchByOne");
    CHECK(search({{"name", "x"}, {"member_number", 1}}, "file review", 400)["error"] ==
          "SearchByOne");
    auto no_words = search({{"name", " - '. "}}, "file review", 400);
    CHECK(no_words["error"] == "NameWords");
    CHECK(no_words["field"] == "name");
    CHECK(search({{"name", "a b c d e f g"}}, "file review", 400)["error"] == "NameTooManyWords");
    CHECK(search({{"name", std::string(65, 'a')}}, "file review", 400)["error"] ==
          "NameWordTooLong");
    CHECK(search({{"name", 12}}, "file review", 400)["field"] == "name");
    CHECK(search({{"name", "peeters"}, {"limit", 51}}, "file review", 400)["field"] == "limit");
    CHECK(search({{"member_number", 0}}, "file review", 400)["field"] == "member_number");
    CHECK(search({{"name", "peeters"}, {"city", "Gent"}}, "file review", 400)["error"] ==
          "UnknownField");
    CHECK(search({{"name", "peeters"}}, "", 400)["error"] == "PurposeRequired");
  }
  SECTION("the identity, decrypted for staff, and nothing after an erasure") {
    auto id = w.get("/v1/persons/" + jf + "/identity", as("st"));
    CHECK(id["party_id"] == jf);
    CHECK(id["member_number"] == 3);
    CHECK(id["niss"] == DecidedLedger::niss_of(3));
    CHECK(id["first_name"] == "Jean-François");
    CHECK(id["last_name"] == "Van den Bossche");
    CHECK(id["personal_data_erased"] == false);
    CHECK(id["address"].is_null());
    auto gone = w.get("/v1/persons/" + erased + "/identity", as("st"));
    CHECK(gone["personal_data_erased"] == true);
    CHECK(gone["member_number"] == 5);
    CHECK_FALSE(gone.contains("niss"));
    CHECK_FALSE(gone.contains("last_name"));
    CHECK(w.get("/v1/persons/" + jf + "/identity", as("st", ""), 400)["error"] ==
          "PurposeRequired");
    w.get("/v1/persons/P0190a2b3c4d57e8f9a0b1c2d3e4f5a6b/identity", as("st"), 404);
    auto logged = w.get("/v1/audit/access-log?party_id=" + jf, as("au"))["records"];
    REQUIRE_FALSE(logged.empty());
    CHECK(logged.back()["route"] == "GET /v1/persons/{party_id}/identity");
  }
}

TEST_CASE(
    "the admin rebuild route swaps a fresh store in with equal checksums; no log line "
    "carries personal data",
    "[http][rebuild][privacy]") {
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  spdlog::set_level(spdlog::level::trace);
  {
    Ledger ledger;
    const std::string person = ledger.register_person(1, ymd(2025, 1, 2));
    must(ledger.person(person,
                       d::ChangeProvisionalBase{2025, d::Money::from_cents(4'000'000),
                                                s::ProvisionalBasis::ChosenHigher, ""},
                       ymd(2025, 1, 2)));
    must(ledger.person(person, d::AssessQuarter{quarter(2025, 1)}, ymd(2025, 1, 5)));
    const std::string niss = Ledger::niss_of(1);
    auto runner =
        must(ProjectionRunner::open(ledger.log(), ledger.dir() + "/projections", ledger.deps()));
    must(runner->start());
    auto access = must(AccessLog::open(ledger.dir() + "/access-log"));
    auto table = TokenTable::parse(R"({"tokens": [
      {"principal": "root", "role": "admin", "sha256": ")" +
                                   token_sha256("ad") + R"("}]})");
    REQUIRE(table.ok());
    kassa::testing::TestServer server(std::move(table).value());
    kassa::http::QueryDeps deps;
    deps.stores = &runner->stores();
    deps.access_log = access.get();
    deps.projection_deps = ledger.deps();
    deps.niss_secret = ledger.deps().niss_secret;
    deps.projector = [&] { return runner->projector(); };
    deps.log = &ledger.log();
    kassa::http::add_query_routes(server.router(), deps);
    kassa::http::add_projection_admin_routes(server.router(), *runner);
    server.start();
    auto client = server.client();
    const httplib::Headers admin{{"Authorization", "Bearer ad"}, {"X-Kassa-Purpose", "check"}};
    auto found = client.Get(("/v1/persons/lookup?niss=" + niss + "&min_offset=0").c_str(), admin);
    REQUIRE(found);
    REQUIRE(found->status == 200);
    auto res = client.Post("/v1/admin/projections/rebuild", admin, "", "application/json");
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 200);
    auto j = json::parse(res->body);
    CHECK(j["equal"] == true);
    CHECK(j["checksums"].size() == 11);
    auto st = client.Get(("/v1/persons/" + person + "/statement").c_str(), admin);
    REQUIRE(st);
    CHECK(json::parse(st->body)["balance"] == "2130.98");
    runner->stop();
  }
  spdlog::set_default_logger(previous);
  const std::string logs = captured.str();
  CHECK(logs.find("rebuilt and swapped") != std::string::npos);
  CHECK(logs.find(Ledger::niss_of(1)) == std::string::npos);
  CHECK(logs.find("Peeters") == std::string::npos);
}
