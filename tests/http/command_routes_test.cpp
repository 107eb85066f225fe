// The write side over HTTP, in-process on an embedded journal: every bad
// input is refused with a named rule and writes nothing; a log failure is a
// 503 that writes nothing; Idempotency-Key; runs; bank import and suspense.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <cctype>
#include <fstream>
#include <future>
#include <map>
#include <thread>

#include "domain/bank/coda_writer.h"
#include "http/server.h"
#include "kassa_fixture.h"
#include "log/event_codec.h"
#include "log/uuid.h"

using kassa::testing::Answer;
using kassa::testing::InProcessKassa;
using kassa::testing::kAdmin;
using kassa::testing::kAuditor;
using kassa::testing::kBatch;
using kassa::testing::kStaff;
using nlohmann::json;
namespace bank = kassa::domain::bank;

namespace {

json person(const std::string& niss, const std::string& start = "2025-01-01") {
  return {{"niss", niss},   {"first_name", "Jan"}, {"last_name", "Peeters"},
          {"start", start}, {"category", "main"},  {"date", start}};
}

std::string register_person(InProcessKassa& k, const std::string& niss,
                            const std::string& iban = "") {
  json body = person(niss);
  if (!iban.empty()) body["iban"] = iban;
  Answer a = k.post("/v1/persons", body);
  INFO(a.body.dump());
  REQUIRE(a.status == 201);
  return a.body["party_id"].get<std::string>();
}

// The events of a person as the auditor sees them.
// min_offset: read your own write (the offset a command answered with).
json events_of(InProcessKassa& k, const std::string& party, std::int64_t min_offset = -1) {
  const std::string wait = min_offset >= 0 ? "?min_offset=" + std::to_string(min_offset) : "";
  Answer a = k.get("/v1/persons/" + party + "/events" + wait, kAuditor);
  REQUIRE(a.status == 200);
  return a.body["events"];
}

// After a run (which answers offsets per partition, not per person): the
// person's events once one of type `type` is projected (up to 10 s).
json events_with(InProcessKassa& k, const std::string& party, const std::string& type) {
  for (int i = 0; i < 200; ++i) {
    json events = events_of(k, party);
    for (const auto& e : events) {
      if (e["type"] == type) return events;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("no " << type << " projected for " << party);
  return {};
}

std::vector<std::string> types(const json& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e["type"].get<std::string>());
  return out;
}

bank::Date bdate(int y, int m, int d) { return *bank::Date::make(y, m, d); }

}  // namespace

TEST_CASE("every route kassad registers is in the OpenAPI document", "[commands][openapi]") {
  InProcessKassa k;
  auto doc = json::parse(kassa::http::openapi_document());
  std::size_t posts = 0;
  for (const auto& route : k.router().routes()) {
    INFO(kassa::http::to_string(route.method) << " " << route.path);
    REQUIRE(doc["paths"].contains(route.path));
    CHECK(doc["paths"][route.path].contains(kassa::http::to_string(route.method)));
    if (route.method == kassa::http::Method::kPost) ++posts;
  }
  CHECK(posts >= 40);  // the commands, runs and import, not just the queries
}

TEST_CASE("bad input is refused with the field and the rule, and nothing is written",
          "[commands][errors]") {
  InProcessKassa k;
  const std::string party = register_person(k, "85073003328");
  const std::int64_t before = k.log().total_events();
  REQUIRE(before == 1);

  struct Case {
    const char* what;
    std::string path;
    std::string body;
    const char* token;
    int status;
    const char* rule;
    const char* field;
  };
  const std::string p = "/v1/persons/" + party;
  const std::vector<Case> cases = {
      {"malformed JSON", "/v1/persons", R"({"niss": "8507)", kStaff, 400, "JsonWellFormed", "body"},
      {"not an object", "/v1/persons", R"([1, 2])", kStaff, 400, "JsonObjectRequired", "body"},
      {"missing NISS", "/v1/persons", person("").dump(), kStaff, 400, "FieldRequired", "niss"},
      {"NISS check digits", "/v1/persons", person("85073003329").dump(), kStaff, 400, nullptr,
       "niss"},
      {"unknown category", "/v1/persons",
       json{{"niss", "90011512165"},
            {"first_name", "A"},
            {"last_name", "B"},
            {"start", "2025-01-01"},
            {"category", "astronaut"}}
           .dump(),
       kStaff, 400, nullptr, "category"},
      {"impossible date", "/v1/persons", person("90011512165", "2025-02-30").dump(), kStaff, 400,
       nullptr, "start"},
      {"unknown starter status", "/v1/persons",
       [] {
         auto b = person("90011512165");
         b["starter"] = "sometimes";
         return b.dump();
       }(),
       kStaff, 400, "UnknownValue", "starter"},
      {"already registered", "/v1/persons", person("85073003328").dump(), kStaff, 409,
       "PersonAlreadyRegistered", "niss"},
      {"amount as a JSON number", p + "/payments",
       json{{"amount", 12.5}, {"value_date", "2025-02-01"}, {"bank_ref", "x"}}.dump(), kStaff, 400,
       "AmountAsString", "amount"},
      {"amount with three decimals", p + "/payments",
       json{{"amount", "12.505"}, {"value_date", "2025-02-01"}, {"bank_ref", "x"}}.dump(), kStaff,
       400, nullptr, "amount"},
      {"bad structured communication", p + "/payments",
       json{{"amount", "12.50"},
            {"value_date", "2025-02-01"},
            {"bank_ref", "x"},
            {"communication", "+++000/0010/01099+++"}}
           .dump(),
       kStaff, 400, nullptr, "communication"},
      {"bad quarter", p + "/payment-plans",
       json{{"quarters", {"2025-Q5"}}, {"instalments", 4}}.dump(), kStaff, 400, nullptr,
       "quarters"},
      // schemathesis: 8206-Q3 wrapped to another quarter code and was written.
      {"quarter beyond the calendar", p + "/dispenses", json{{"quarters", {"8206-Q3"}}}.dump(),
       kStaff, 400, "QuarterFormat", "quarters"},
      {"date beyond the calendar", p + "/payments",
       json{{"amount", "12.50"}, {"value_date", "8206-01-01"}, {"bank_ref", "x"}}.dump(), kStaff,
       400, "DateInvalid", "value_date"},
      {"party id format", "/v1/persons/12345/income",
       json{{"year", 2025}, {"net_income", "1000.00"}}.dump(), kStaff, 400, "PartyIdFormat",
       "party_id"},
      {"unknown person", "/v1/persons/P0000000000000000000000000000beef/income",
       json{{"year", 2025}, {"net_income", "1000.00"}}.dump(), kStaff, 404, "PersonNotRegistered",
       nullptr},
      {"cessation before the start", p + "/cessation", json{{"end", "2024-06-30"}}.dump(), kStaff,
       400, "EndBeforeStart", "end"},
      {"refusal without reason or appeal", p + "/payment-plans/refuse", json::object().dump(),
       kStaff, 422, "ReasonRequired", nullptr},
      {"run without a date", "/v1/runs/assessment", json{{"quarter", "2025-Q1"}}.dump(), kBatch,
       400, "FieldRequired", "date"},
      {"year out of range", "/v1/runs/year-end", json{{"year", 20025}}.dump(), kBatch, 400,
       "IntegerRange", "year"},
      {"no token", p + "/income", json{{"year", 2025}, {"net_income", "1.00"}}.dump(), nullptr, 401,
       nullptr, nullptr},
      {"unknown token", p + "/income", json{{"year", 2025}, {"net_income", "1.00"}}.dump(),
       "forged", 401, nullptr, nullptr},
      {"auditor may not command", p + "/income",
       json{{"year", 2025}, {"net_income", "1.00"}}.dump(), kAuditor, 403, nullptr, nullptr},
      {"staff may not run batches", "/v1/runs/assessment",
       json{{"quarter", "2025-Q1"}, {"date", "2025-01-05"}}.dump(), kStaff, 403, nullptr, nullptr},
      {"staff may not erase", p + "/erasure", json{{"legal_basis", "GDPR art. 17"}}.dump(), kStaff,
       403, nullptr, nullptr},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    Answer a = k.post(c.path, c.body, c.token);
    INFO(a.body.dump());
    CHECK(a.status == c.status);
    if (c.status != 401 && c.status != 403) {
      REQUIRE(a.body.is_object());
      CHECK(a.body.contains("message"));
      if (c.rule != nullptr) CHECK(a.body["error"] == c.rule);
      if (c.field != nullptr) CHECK(a.body["field"] == c.field);
    }
    CHECK(k.log().total_events() == before);
  }
}

TEST_CASE("a log failure answers 503 and writes nothing; the retry succeeds",
          "[commands][errors]") {
  InProcessKassa k;
  const std::string party = register_person(k, "85073003328");
  k.log().failing = true;
  const json income{{"year", 2025}, {"net_income", "42000.00"}, {"date", "2026-06-01"}};
  Answer a = k.post("/v1/persons/" + party + "/income", income);
  CHECK(a.status == 503);
  CHECK(a.body["error"] == "InjectedLogFailure");
  Answer run =
      k.post("/v1/runs/assessment", json{{"quarter", "2025-Q1"}, {"date", "2025-01-05"}}, kBatch);
  CHECK(run.status == 503);
  Answer reg = k.post("/v1/persons", person("90011512165"));
  CHECK(reg.status == 503);
  CHECK(k.log().total_events() == 1);
  k.log().failing = false;
  a = k.post("/v1/persons/" + party + "/income", income);
  INFO(a.body.dump());
  REQUIRE(a.status == 201);
  CHECK(types(events_of(k, party, a.body["min_offset"])) ==
        std::vector<std::string>{"PersonRegistered", "IncomeNotified"});
}

TEST_CASE("an Idempotency-Key retry returns the first answer and writes once",
          "[commands][idempotency]") {
  InProcessKassa k;
  const std::string party = register_person(k, "85073003328");
  const json pay{{"amount", "100.00"}, {"value_date", "2025-02-01"}, {"bank_ref", "B-1"}};
  Answer first =
      k.post("/v1/persons/" + party + "/payments", pay, kStaff, {{"Idempotency-Key", "pay-1"}});
  REQUIRE(first.status == 201);
  Answer again =
      k.post("/v1/persons/" + party + "/payments", pay, kStaff, {{"Idempotency-Key", "pay-1"}});
  CHECK(again.status == 201);
  CHECK(again.body == first.body);
  const auto written = k.log().total_events();
  CHECK(types(events_of(k, party, first.body["min_offset"])) ==
        std::vector<std::string>{"PersonRegistered", "PaymentReceived", "PaymentAllocated"});
  json other = pay;
  other["amount"] = "200.00";
  Answer reused =
      k.post("/v1/persons/" + party + "/payments", other, kStaff, {{"Idempotency-Key", "pay-1"}});
  CHECK(reused.status == 422);
  CHECK(reused.body["error"] == "IdempotencyKeyReused");
  // Without the key, the bank reference still makes the payment once.
  Answer plain = k.post("/v1/persons/" + party + "/payments", pay);
  CHECK(plain.status == 200);
  CHECK(plain.body["events"].empty());
  CHECK(k.log().total_events() == written);
}

TEST_CASE("a keyed retry after a lost answer returns what the first request wrote",
          "[commands][idempotency][crash]") {
  // kassad killed between the append and its answer leaves what a lost
  // acknowledgement leaves: the events in the log, no stored answer.
  InProcessKassa k;
  const json body = person("85073003328");
  k.log().losing_acks = true;
  Answer lost = k.post("/v1/persons", body, kStaff, {{"Idempotency-Key", "reg-1"}});
  CHECK(lost.status == 503);
  k.log().losing_acks = false;
  const auto written = k.log().total_events();
  CHECK(written == 1);

  // Before: 409 PersonAlreadyRegistered for ever, and the client could not
  // learn its PartyId.
  Answer retry = k.post("/v1/persons", body, kStaff, {{"Idempotency-Key", "reg-1"}});
  INFO(retry.body.dump());
  REQUIRE(retry.status == 201);
  const std::string party = retry.body["party_id"];
  CHECK(party.size() == 33);
  CHECK(retry.body["member_number"].get<int>() > 0);
  REQUIRE(retry.body["events"].size() == 1);
  CHECK(retry.body["events"][0]["type"] == "PersonRegistered");
  CHECK(retry.body["events"][0]["sequence"] == 1);
  CHECK(retry.body["min_offset"] == retry.body["events"][0]["offset"]);
  CHECK(k.log().total_events() == written);
  CHECK(types(events_of(k, party, retry.body["min_offset"])) ==
        std::vector<std::string>{"PersonRegistered"});
  // The rebuilt answer is stored: a third try is the same.
  Answer third = k.post("/v1/persons", body, kStaff, {{"Idempotency-Key", "reg-1"}});
  CHECK(third.status == 201);
  CHECK(third.body == retry.body);

  // A payment: before, the retry answered 200 {"events":[]}.
  const json pay{{"amount", "100.00"}, {"value_date", "2025-02-01"}, {"bank_ref", "B-1"}};
  k.log().losing_acks = true;
  CHECK(k.post("/v1/persons/" + party + "/payments", pay, kStaff, {{"Idempotency-Key", "pay-1"}})
            .status == 503);
  k.log().losing_acks = false;
  const auto paid = k.log().total_events();
  Answer again =
      k.post("/v1/persons/" + party + "/payments", pay, kStaff, {{"Idempotency-Key", "pay-1"}});
  INFO(again.body.dump());
  CHECK(again.status == 201);
  CHECK(types(events_of(k, party, again.body["min_offset"])) ==
        std::vector<std::string>{"PersonRegistered", "PaymentReceived", "PaymentAllocated"});
  REQUIRE(again.body["events"].size() == 2);
  CHECK(again.body["events"][0]["type"] == "PaymentReceived");
  CHECK(k.log().total_events() == paid);
}

TEST_CASE("a keyed retry after an append that never landed executes it",
          "[commands][idempotency]") {
  InProcessKassa k;
  const std::string party = register_person(k, "85073003328");
  const json pay{{"amount", "100.00"}, {"value_date", "2025-02-01"}, {"bank_ref", "B-1"}};
  k.log().failing = true;
  CHECK(k.post("/v1/persons/" + party + "/payments", pay, kStaff, {{"Idempotency-Key", "pay-1"}})
            .status == 503);
  k.log().failing = false;
  const auto before = k.log().total_events();
  Answer retry =
      k.post("/v1/persons/" + party + "/payments", pay, kStaff, {{"Idempotency-Key", "pay-1"}});
  CHECK(retry.status == 201);
  CHECK(k.log().total_events() == before + 2);
}

TEST_CASE("two concurrent registrations of one NISS: one person", "[commands][concurrency]") {
  InProcessKassa k;
  auto attempt = [&] { return k.post("/v1/persons", person("85073003328")).status; };
  auto a = std::async(std::launch::async, attempt);
  auto b = std::async(std::launch::async, attempt);
  const int sa = a.get();
  const int sb = b.get();
  CHECK(std::min(sa, sb) == 201);
  CHECK(std::max(sa, sb) == 409);
  CHECK(k.log().total_events() == 1);
}

TEST_CASE("runs assess every person once, report what they wrote, and change nothing twice",
          "[commands][runs]") {
  InProcessKassa k;
  std::vector<std::string> parties;
  for (const char* niss : {"85073003328", "90011512165", "78120304535"}) {
    parties.push_back(register_person(k, niss));
  }
  const json q1{{"quarter", "2025-Q1"}, {"date", "2025-01-05"}};
  Answer run = k.post("/v1/runs/assessment", q1, kBatch);
  INFO(run.body.dump());
  REQUIRE(run.status == 200);
  CHECK(run.body["aggregates"] == 3);
  CHECK(run.body["aggregates_changed"] == 3);
  CHECK(run.body["events_written"] == 6);  // ContributionAssessed + PaymentNoticeIssued each
  Answer again = k.post("/v1/runs/assessment", q1, kBatch);
  CHECK(again.body["events_written"] == 0);
  CHECK(again.body["aggregates_changed"] == 0);
  for (const auto& party : parties) {
    CHECK(types(events_with(k, party, "PaymentNoticeIssued")) ==
          std::vector<std::string>{"PersonRegistered", "ContributionAssessed",
                                   "PaymentNoticeIssued"});
  }
  // Nothing unpaid before the quarter's end: the quarter-end run has work
  // only for the unpaid ones.
  Answer pay =
      k.post("/v1/persons/" + parties[0] + "/payments",
             json{{"amount", "5000.00"}, {"value_date", "2025-03-01"}, {"bank_ref", "P1"}});
  REQUIRE(pay.status == 201);
  Answer qe = k.post("/v1/runs/quarter-end", json{{"quarter", "2025-Q1"}}, kBatch);
  CHECK(qe.body["events_written"] == 2);
  CHECK(
      k.post("/v1/runs/quarter-end", json{{"quarter", "2025-Q1"}}, kBatch).body["events_written"] ==
      0);
}

TEST_CASE("bank import: matched by communication or account, else suspense; twice records nothing",
          "[commands][bank]") {
  InProcessKassa k;
  const std::string jan = register_person(k, "85073003328", "BE71096123456769");
  const std::string an = register_person(k, "90011512165");
  REQUIRE(
      k.post("/v1/runs/assessment", json{{"quarter", "2025-Q1"}, {"date", "2025-01-05"}}, kBatch)
          .status == 200);
  std::string communication;
  std::int64_t due = 0;
  for (const auto& e : events_with(k, an, "PaymentNoticeIssued")) {
    if (e["type"] == "PaymentNoticeIssued") {
      communication = e["body"]["structured_communication"].get<std::string>();
      due = e["body"]["amount_cents"].get<std::int64_t>();
    }
  }
  REQUIRE(communication.size() == 12);
  REQUIRE(due > 0);

  bank::CodaDraft draft;
  draft.creation_date = bdate(2025, 2, 10);
  draft.opening_date = bdate(2025, 2, 9);
  draft.account_iban = "BE68539007547034";
  draft.paper_sequence = 7;
  draft.movements = {
      {due / 2, bdate(2025, 2, 10), communication, "", "BE62510007547061",
       "AN"},                                                                   // by communication
      {30'000, bdate(2025, 2, 10), "", "bijdrage", "BE71096123456769", "JAN"},  // by account
      {12'345, bdate(2025, 2, 10), "", "wie ben ik", "BE43068999999501", "NOBODY"},  // suspense
      {-5'000, bdate(2025, 2, 10), "", "bank costs", "", "BANK"},                    // debit
  };
  const std::string file = *bank::write_coda(draft);
  Answer a = k.post_raw("/v1/payments/import", file, "application/octet-stream", kBatch);
  INFO(a.body.dump());
  REQUIRE(a.status == 200);
  CHECK(a.body["format"] == "coda");
  CHECK(a.body["credit_lines"] == 3);
  CHECK(a.body["debit_lines"] == 1);
  CHECK(a.body["matched"] == 2);
  CHECK(a.body["suspense"] == 1);
  CHECK(a.body["lines"][0]["party_id"] == an);
  CHECK(a.body["lines"][0]["matched_by"] == "communication");
  CHECK(a.body["lines"][1]["party_id"] == jan);
  CHECK(a.body["lines"][1]["matched_by"] == "account");
  CHECK(a.body["lines"][2]["booked_to"] == "suspense");
  const auto written = k.log().total_events();

  Answer again = k.post_raw("/v1/payments/import", file, "application/octet-stream", kBatch);
  CHECK(again.status == 200);
  CHECK(again.body["events_written"] == 0);
  CHECK(again.body["already_recorded"] == 3);
  CHECK(k.log().total_events() == written);
  // Both imports on the run board: the file's three credit lines, two of
  // them to members, and the events the first one wrote.
  Answer board = k.get("/v1/runs", kBatch);
  REQUIRE(board.body["runs"].size() >= 2);  // after the assessment run above
  const json& imported = board.body["runs"][1];
  CHECK(imported["run"] == "payment-import");
  CHECK(imported["state"] == "done");
  CHECK(imported["aggregates"] == 3);
  CHECK(imported["aggregates_done"] == 3);
  CHECK(imported["aggregates_changed"] == 2);
  CHECK(imported["events_written"] == a.body["events_written"]);
  CHECK(board.body["runs"][0]["events_written"] == 0);
  CHECK(board.body["runs"][0]["aggregates_changed"] == 0);  // all already recorded

  Answer debt = k.get("/v1/persons/" + an + "/debt?min_offset=" +
                      std::to_string(a.body["lines"][0]["min_offset"].get<std::int64_t>()));
  REQUIRE(debt.status == 200);
  CHECK(debt.body["lines"][0]["principal_paid"].get<std::string>() != "0.00");

  Answer suspense = k.get("/v1/suspense");
  INFO(suspense.body.dump());
  REQUIRE(suspense.status == 200);
  REQUIRE(suspense.body["count"] == 1);
  CHECK(suspense.body["items"][0]["amount"] == "123.45");
  CHECK(suspense.body["items"][0]["counterparty_name"] == "NOBODY");
  CHECK(suspense.body["items"][0]["bank_ref"] == "BE68539007547034/2025/007-0003");

  Answer garbage = k.post_raw("/v1/payments/import", "not a bank file", "text/plain", kBatch);
  CHECK(garbage.status == 400);
  CHECK(k.log().total_events() == written);

  // curl -d sends a file form-encoded: its bytes are the file all the same,
  // not query parameters (an empty "field" was refused as ParameterEmpty).
  Answer form =
      k.post_raw("/v1/payments/import", file, "application/x-www-form-urlencoded", kBatch);
  INFO(form.body.dump());
  CHECK(form.status == 200);
  CHECK(form.body["already_recorded"] == 3);

  // A keyed import answered again: the first answer's text, as JSON.
  auto client = k.client();
  const httplib::Headers keyed{{"Authorization", std::string("Bearer ") + kBatch},
                               {"Idempotency-Key", "import-7"}};
  auto first = client.Post("/v1/payments/import", keyed, file, "application/octet-stream");
  auto retry = client.Post("/v1/payments/import", keyed, file, "application/octet-stream");
  REQUIRE(first);
  REQUIRE(retry);
  CHECK(first->status == 200);
  CHECK(retry->status == 200);
  CHECK(retry->body == first->body);
  CHECK(retry->get_header_value("Content-Type") == "application/json");
  CHECK(nlohmann::json::parse(retry->body)["credit_lines"] == 3);
}

TEST_CASE("companies: registration with a director, balance sheet, yearly contribution",
          "[commands][companies]") {
  InProcessKassa k;
  const std::string director = register_person(k, "85073003328");
  Answer reg = k.post("/v1/companies", json{{"company_number", "0403170701"},
                                            {"name", "Kassa NV"},
                                            {"legal_form", "NV"},
                                            {"incorporation", "2015-03-01"},
                                            {"directors", {director}}});
  INFO(reg.body.dump());
  REQUIRE(reg.status == 201);
  CHECK(reg.body["company_number"] == "0403170701");
  CHECK(reg.body["member_number"] == 2);
  Answer unknown =
      k.post("/v1/companies", json{{"company_number", "0403170701"},
                                   {"name", "X"},
                                   {"legal_form", "NV"},
                                   {"incorporation", "2015-03-01"},
                                   {"directors", {"P0000000000000000000000000000beef"}}});
  CHECK(unknown.status == 404);
  CHECK(unknown.body["field"] == "directors");
  Answer again = k.post("/v1/companies", json{{"company_number", "0403170701"},
                                              {"name", "X"},
                                              {"legal_form", "NV"},
                                              {"incorporation", "2015-03-01"}});
  CHECK(again.status == 409);
  // One PartyId parser for every field that names a person: a malformed one
  // is a 400 naming the field, never "no such director" (it was a 404).
  for (const auto& [path, body] : std::vector<std::pair<std::string, json>>{
           {"/v1/companies",
            {{"company_number", "0566988259"},
             {"name", "Y"},
             {"legal_form", "NV"},
             {"incorporation", "2015-03-01"},
             {"directors", {"P0123"}}}},
           {"/v1/companies/0403170701/directors", {{"party_id", "P0123"}, {"from", "2025-01-01"}}},
           {"/v1/companies/0403170701/directors/removal",
            {{"party_id", director.substr(0, 32)}, {"to", "2025-01-01"}}},
           {"/v1/suspense/match", {{"bank_ref", "x"}, {"party_id", "P" + std::string(32, 'A')}}}}) {
    Answer bad = k.post(path, body);
    INFO(path << " " << bad.body.dump());
    CHECK(bad.status == 400);
    CHECK(bad.body["error"] == "PartyIdFormat");
    CHECK(bad.body["field"] == (path == "/v1/companies" ? "directors" : "party_id"));
  }
  Answer sheet = k.post("/v1/companies/0403170701/balance-sheets",
                        json{{"financial_year_end", "2023-12-31"}, {"total", "1500000.00"}});
  INFO(sheet.body.dump());
  CHECK(sheet.status == 201);
  Answer run = k.post("/v1/runs/company-contributions", json{{"year", 2025}}, kBatch);
  INFO(run.body.dump());
  REQUIRE(run.status == 200);
  CHECK(run.body["aggregates"] == 1);
  CHECK(run.body["events_written"].get<int>() >= 1);
  CHECK(k.post("/v1/runs/company-contributions", json{{"year", 2025}}, kBatch)
            .body["events_written"] == 0);
}

TEST_CASE("erasure destroys the person's key: the registration no longer opens",
          "[commands][erasure]") {
  InProcessKassa k;
  const std::string party = register_person(k, "85073003328");
  CHECK(k.get("/v1/persons/lookup?niss=85073003328").body["party_id"] == party);
  Answer a =
      k.post("/v1/persons/" + party + "/erasure", json{{"legal_basis", "GDPR art. 17"}}, kAdmin);
  INFO(a.body.dump());
  REQUIRE(a.status == 201);
  CHECK(a.body["events"][0]["type"] == "PersonalDataErased");
  // The NISS index forgets the person; the events stay and still verify.
  int status = 0;
  for (int i = 0; i < 100 && status != 404; ++i) {
    status = k.get("/v1/persons/lookup?niss=85073003328").status;
    if (status != 404) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(status == 404);
  CHECK(types(events_of(k, party)) ==
        std::vector<std::string>{"PersonRegistered", "PersonalDataErased"});
}

TEST_CASE("staff change a person's name, address, account and contact details",
          "[commands][personal]") {
  // Before: no route wrote PersonalDataChanged (POST .../personal-data was
  // 404): an address or a bank account given after the registration could
  // not be recorded at all.
  InProcessKassa k;
  const std::string party = register_person(k, "85073003328");
  const std::string path = "/v1/persons/" + party + "/personal-data";
  const json change = {{"last_name", "Janssens"},
                       {"address",
                        {{"street", "Rue Neuve"},
                         {"number", "12"},
                         {"box", "b3"},
                         {"postal_code", "1000"},
                         {"city", "Bruxelles"},
                         {"country", "BE"}}},
                       {"iban", "BE71 0961 2345 6769"},
                       {"email", "jan.janssens@example.be"},
                       {"phone", "+32 2 123 45 67"},
                       {"date", "2025-03-10"}};
  Answer a = k.post(path, change);
  INFO(a.body.dump());
  REQUIRE(a.status == 201);
  REQUIRE(a.body["events"].size() == 4);
  for (const auto& e : a.body["events"]) CHECK(e["type"] == "PersonalDataChanged");

  // The identity overlays the changes on the registration: the first name
  // and the NISS stay as registered.
  const std::string wait =
      "?min_offset=" + std::to_string(a.body["min_offset"].get<std::int64_t>());
  Answer id = k.get("/v1/persons/" + party + "/identity" + wait);
  REQUIRE(id.status == 200);
  CHECK(id.body["niss"] == "85073003328");
  CHECK(id.body["first_name"] == "Jan");
  CHECK(id.body["last_name"] == "Janssens");
  CHECK(id.body["address"] == json{{"street", "Rue Neuve"},
                                   {"number", "12"},
                                   {"box", "b3"},
                                   {"postal_code", "1000"},
                                   {"city", "Bruxelles"},
                                   {"country", "BE"}});
  CHECK(id.body["iban"] == "BE71096123456769");
  CHECK(id.body["email"] == "jan.janssens@example.be");
  CHECK(id.body["phone"] == "+32 2 123 45 67");
  // The name index follows: the new last name finds the file, the old one not.
  auto search = [&](const char* name) {
    return k.post("/v1/persons/search", json{{"name", name}}).body["persons"];
  };
  REQUIRE(search("jan janssens").size() == 1);
  CHECK(search("jan janssens")[0]["party_id"] == party);
  CHECK(search("peeters").empty());
  // No value given is in clear anywhere: not in the auditor's events, not
  // in the records the log holds (any case; the IBAN with or without spaces).
  const auto lower = [](std::string text) {
    for (char& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return text;
  };
  std::string everything = lower(events_of(k, party).dump());
  const auto topic = kassa::log::Topic::kPersonEvents;
  for (std::int32_t p = 0; p < k.log().partition_count(topic); ++p) {
    auto records = k.log().read(topic, p, 0, 10'000, std::chrono::milliseconds(0));
    REQUIRE(records.ok());
    for (const auto& r : *records) everything += lower(r.value);
  }
  for (const char* value : {"janssens", "rue neuve", "bruxelles", "be71096123456769", "be71 0961",
                            "jan.janssens@example.be", "123 45 67"}) {
    INFO(value);
    CHECK(everything.find(value) == std::string::npos);
  }

  SECTION("bad input is refused naming the field and the rule; nothing is written") {
    const auto before = events_of(k, party).size();
    auto refused = [&](const json& body, int status = 400) {
      Answer r = k.post(path, body);
      INFO(body.dump() << " -> " << r.body.dump());
      CHECK(r.status == status);
      return r.body["error"].get<std::string>() + " " +
             (r.body["field"].is_null() ? "null" : r.body["field"].get<std::string>());
    };
    CHECK(refused(json::object()) == "NothingToChange body");
    CHECK(refused({{"date", "2025-03-11"}}) == "NothingToChange body");
    CHECK(refused({{"last_name", "---"}}) == "NameFormat last_name");
    CHECK(refused({{"email", "jan..janssens@example.be"}}) == "EmailFormat email");
    CHECK(refused({{"first_name", " "}}) == "NameFormat first_name");
    CHECK(refused({{"address",
                    {{"street", "Rue Neuve"},
                     {"postal_code", "100"},
                     {"city", "Bruxelles"},
                     {"country", "BE"}}}}) == "AddressFormat address.postal_code");
    CHECK(refused({{"address", {{"street", 12}}}}) == "StringRequired address.street");
    CHECK(refused({{"address", "Rue Neuve 12, 1000 Bruxelles"}}) == "ObjectRequired address");
    CHECK(refused({{"address", {{"planet", "Mars"}}}}) == "UnknownField address.planet");
    CHECK(refused({{"iban", "BE00 0961 2345 6769"}}) == "IbanCheckDigits iban");
    CHECK(refused({{"email", "jan.example.be"}}) == "EmailFormat email");
    CHECK(refused({{"phone", "call me"}}) == "PhoneFormat phone");
    CHECK(k.post(path, json{{"phone", "+32 2 123 45 67"}}, kAuditor).status == 403);
    CHECK(k.post("/v1/persons/P0190a2b3c4d57e8f9a0b1c2d3e4f5a6b/personal-data",
                 json{{"phone", "+32 2 123 45 67"}})
              .status == 404);
    CHECK(events_of(k, party).size() == before);
  }
  SECTION("an erased person's data cannot be changed") {
    REQUIRE(
        k.post("/v1/persons/" + party + "/erasure", json{{"legal_basis", "GDPR art. 17"}}, kAdmin)
            .status == 201);
    Answer r = k.post(path, json{{"phone", "+32 2 123 45 67"}});
    CHECK(r.status == 409);
    CHECK(r.body["error"] == "PersonalDataErased");
  }
}

TEST_CASE("bank import of a camt.053 file: the payer's account matches, the rest waits in suspense",
          "[commands][bank][camt]") {
  InProcessKassa k;
  const std::string maes = register_person(k, "78120304535", "BE61310126985517");
  std::ifstream in(KASSA_TESTDATA "/bank/camt053-001-02-fund.xml", std::ios::binary);
  REQUIRE(in);
  const std::string file((std::istreambuf_iterator<char>(in)), {});
  Answer a = k.post_raw("/v1/payments/import", file, "application/xml", kStaff);
  INFO(a.body.dump());
  REQUIRE(a.status == 200);
  CHECK(a.body["format"] == "camt.053");
  CHECK(a.body["debit_lines"] == 1);
  CHECK(a.body["matched"] == 1);
  const int credits = a.body["credit_lines"];
  CHECK(credits >= 3);
  CHECK(a.body["suspense"] == credits - 1);
  std::size_t to_maes = 0;
  for (const auto& line : a.body["lines"]) {
    if (line.value("party_id", "") == maes) {
      ++to_maes;
      CHECK(line["amount"] == "500.00");
      CHECK(line["matched_by"] == "account");
    }
  }
  CHECK(to_maes == 1);
  Answer again = k.post_raw("/v1/payments/import", file, "application/xml", kStaff);
  CHECK(again.body["events_written"] == 0);
  Answer suspense = k.get("/v1/suspense");
  CHECK(suspense.body["count"] == credits - 1);
}

TEST_CASE("a bank line is booked once in all; a joint account names nobody",
          "[commands][bank][review]") {
  InProcessKassa k;
  // Two persons gave the same (household) account.
  register_person(k, "85073003328", "BE71096123456769");
  register_person(k, "90011512165", "BE71096123456769");
  bank::CodaDraft draft;
  draft.creation_date = bdate(2025, 3, 3);
  draft.opening_date = bdate(2025, 3, 2);
  draft.account_iban = "BE68539007547034";
  draft.paper_sequence = 9;
  draft.movements = {
      {20'000, bdate(2025, 3, 3), "", "bijdrage", "BE71096123456769", "HOUSEHOLD"},
      {15'000, bdate(2025, 3, 3), "", "bijdrage", "BE43068999999501", "NEWCOMER"},
  };
  const std::string file = *bank::write_coda(draft);
  Answer a = k.post_raw("/v1/payments/import", file, "application/octet-stream", kBatch);
  INFO(a.body.dump());
  REQUIRE(a.status == 200);
  CHECK(a.body["suspense"] == 2);  // the joint account matches nobody
  CHECK(a.body["matched"] == 0);

  // The payer of the second line registers with that account; the file
  // comes again: the line stays where it was booked, nothing is written.
  const std::string newcomer = register_person(k, "78120304535", "BE43068999999501");
  Answer again = k.post_raw("/v1/payments/import", file, "application/octet-stream", kBatch);
  INFO(again.body.dump());
  CHECK(again.body["events_written"] == 0);
  CHECK(again.body["already_recorded"] == 2);
  CHECK(again.body["lines"][1]["booked_to"] == "suspense");
  CHECK(types(events_of(k, newcomer)) == std::vector<std::string>{"PersonRegistered"});

  // Reading the suspense list (payers' names) is in the access log.
  CHECK(k.get("/v1/suspense").status == 200);
  Answer access = k.get("/v1/audit/access-log", kAuditor);
  INFO(access.body.dump());
  REQUIRE(access.status == 200);
  std::size_t suspense_reads = 0;
  for (const auto& r : access.body["records"]) {
    if (r["route"] == "GET /v1/suspense") {
      ++suspense_reads;
      CHECK(r["principal"] == "clerk-1");
      CHECK(r["purpose"] == "test");
    }
  }
  CHECK(suspense_reads == 1);
}

// Imports a CODA file of the fund's account dated 3 March 2025 whose
// `movements` match nobody: each waits in suspense.
Answer import_unmatched(InProcessKassa& k, int paper_sequence,
                        std::vector<bank::CodaMovement> movements) {
  bank::CodaDraft draft;
  draft.creation_date = bdate(2025, 3, 3);
  draft.opening_date = bdate(2025, 3, 2);
  draft.account_iban = "BE68539007547034";
  draft.paper_sequence = paper_sequence;
  draft.movements = std::move(movements);
  return k.post_raw("/v1/payments/import", *bank::write_coda(draft), "application/octet-stream",
                    kBatch);
}

TEST_CASE("staff match a suspense item to its payer: the payment is booked on the member once",
          "[commands][bank][suspense]") {
  InProcessKassa k;
  const std::string payer = register_person(k, "85073003328");
  const std::string other = register_person(k, "90011512165");
  Answer imported = import_unmatched(
      k, 11, {{25'000, bdate(2025, 3, 3), "", "for my brother", "BE43068999999501", "UNCLE"}});
  REQUIRE(imported.body["suspense"] == 1);
  const std::string ref = imported.body["lines"][0]["bank_ref"];
  REQUIRE(k.get("/v1/suspense").body["count"] == 1);

  Answer unknown = k.post("/v1/suspense/match", json{{"bank_ref", "nope"}, {"party_id", payer}});
  CHECK(unknown.status == 404);
  CHECK(unknown.body["error"] == "SuspenseItemUnknown");
  Answer both = k.post("/v1/suspense/match", json{{"bank_ref", ref}});
  CHECK(both.status == 400);
  CHECK(both.body["error"] == "MatchTargetRequired");

  Answer match = k.post("/v1/suspense/match", json{{"bank_ref", ref}, {"party_id", payer}});
  INFO(match.body.dump());
  REQUIRE(match.status == 201);
  CHECK(match.body["amount"] == "250.00");
  CHECK(match.body["match_events"] == 1);
  CHECK(match.body["events"][0]["type"] == "PaymentReceived");
  auto events = events_of(k, payer, match.body["min_offset"]);
  CHECK(types(events) ==
        std::vector<std::string>{"PersonRegistered", "PaymentReceived", "PaymentAllocated"});
  CHECK(events[1]["body"]["bank_ref"] == ref);
  CHECK(events[1]["body"]["amount_cents"] == 25000);

  Answer retry = k.post("/v1/suspense/match", json{{"bank_ref", ref}, {"party_id", payer}});
  CHECK(retry.status == 200);
  CHECK(retry.body["events"].empty());
  Answer elsewhere = k.post("/v1/suspense/match", json{{"bank_ref", ref}, {"party_id", other}});
  CHECK(elsewhere.status == 409);
  CHECK(elsewhere.body["error"] == "SuspenseItemAlreadyMatched");
  // The open list no longer shows it (once the match is projected).
  int count = -1;
  for (int i = 0; i < 100 && count != 0; ++i) {
    count = k.get("/v1/suspense").body["count"];
    if (count != 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(count == 0);
}

TEST_CASE("the suspense list is paged, with the whole list's count and total",
          "[commands][bank][suspense]") {
  // Before: one answer with every item (220,000 items: 55 MB in 6.5 s).
  InProcessKassa k;
  Answer imported =
      import_unmatched(k, 13,
                       {{1'000, bdate(2025, 3, 3), "", "one", "BE43068999999501", "A"},
                        {2'000, bdate(2025, 3, 3), "", "two", "BE43068999999501", "B"},
                        {3'000, bdate(2025, 3, 3), "", "three", "BE43068999999501", "C"}});
  REQUIRE(imported.body["suspense"] == 3);
  Answer first = k.get("/v1/suspense?limit=2");
  INFO(first.body.dump());
  REQUIRE(first.status == 200);
  CHECK(first.body["count"] == 3);
  CHECK(first.body["total"] == "60.00");
  REQUIRE(first.body["items"].size() == 2);
  CHECK(first.body["items"][0]["counterparty_name"] == "A");
  CHECK(first.body["items"][1]["amount"] == "20.00");
  REQUIRE(first.body["next_cursor"] == first.body["items"][1]["event_id"]);
  Answer second =
      k.get("/v1/suspense?limit=2&cursor=" + first.body["next_cursor"].get<std::string>());
  REQUIRE(second.body["items"].size() == 1);
  CHECK(second.body["items"][0]["counterparty_name"] == "C");
  CHECK(second.body["count"] == 3);
  CHECK(second.body["next_cursor"].is_null());
  CHECK(k.get("/v1/suspense?cursor=nope").body["error"] == "CursorUnknown");
  CHECK(k.get("/v1/suspense?limit=0").body["error"] == "LimitRange");
}

TEST_CASE("erasure shreds the keys of the bank lines matched to the person",
          "[commands][erasure][suspense]") {
  // Before: a suspense item matched to a person kept its own data key after
  // the person was erased: the payer's name, IBAN and free text stayed
  // readable.
  InProcessKassa k;
  const std::string payer = register_person(k, "85073003328");
  const std::string other = register_person(k, "90011512165");
  Answer imported = import_unmatched(
      k, 12,
      {{25'000, bdate(2025, 3, 3), "", "for my brother", "BE43068999999501", "UNCLE"},
       {10'000, bdate(2025, 3, 3), "", "from a neighbour", "BE62510007547061", "NEIGHBOUR"}});
  REQUIRE(imported.body["suspense"] == 2);
  std::map<std::string, std::string> subject_of;  // bank_ref -> key subject
  Answer open = k.get("/v1/suspense");
  REQUIRE(open.body["count"] == 2);
  for (const auto& item : open.body["items"]) {
    const auto id = kassa::log::Uuid::parse(item["event_id"].get<std::string>());
    REQUIRE(id.ok());
    subject_of[item["bank_ref"]] = kassa::log::suspense_subject(*id);
  }
  const std::string mine = imported.body["lines"][0]["bank_ref"];
  const std::string theirs = imported.body["lines"][1]["bank_ref"];
  REQUIRE(k.post("/v1/suspense/match", json{{"bank_ref", mine}, {"party_id", payer}}).status ==
          201);
  REQUIRE(k.post("/v1/suspense/match", json{{"bank_ref", theirs}, {"party_id", other}}).status ==
          201);
  REQUIRE(k.service().keys().get(subject_of[mine]).ok());

  Answer erased =
      k.post("/v1/persons/" + payer + "/erasure", json{{"legal_basis", "GDPR art. 17"}}, kAdmin);
  INFO(erased.body.dump());
  REQUIRE(erased.status == 201);
  auto gone = k.service().keys().get(subject_of[mine]);
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error().rule == kassa::log::rules::kKeyErased);
  // Someone else's matched line keeps its key.
  CHECK(k.service().keys().get(subject_of[theirs]).ok());
}

TEST_CASE(
    "every euro once: a refund, a bank line and a notice's communication each name one "
    "payment and one member",
    "[commands][once]") {
  InProcessKassa k;
  const std::string an = register_person(k, "85073003328", "BE71096123456769");
  const std::string jan = register_person(k, "90011512165");
  const std::string P = "/v1/persons/";
  Answer paid =
      k.post(P + an + "/payments",
             json{{"amount", "100.00"}, {"value_date", "2025-02-01"}, {"bank_ref", "B-1"}});
  REQUIRE(paid.status == 201);

  // A refund retried without an Idempotency-Key pays out once.
  const json refund{{"amount", "20.00"}, {"refund_ref", "REF2-001"}, {"date", "2025-02-10"}};
  CHECK(k.post(P + an + "/refunds", refund).status == 201);
  const auto written = k.log().total_events();
  Answer again = k.post(P + an + "/refunds", refund);
  CHECK(again.status == 409);
  CHECK(again.body["error"] == "RefundAlreadyRecorded");
  json other = refund;
  other["amount"] = "30.00";
  Answer conflict = k.post(P + an + "/refunds", other);
  CHECK(conflict.status == 409);
  CHECK(conflict.body["error"] == "RefundReferenceConflict");
  CHECK(conflict.body["message"].get<std::string>().find("20.00") != std::string::npos);
  CHECK(conflict.body["message"].get<std::string>().find("30.00") != std::string::npos);
  CHECK(k.log().total_events() == written);
  // No account registered, none given: a refund has nowhere to go.
  Answer nowhere = k.post(P + jan + "/refunds", json{{"amount", "1.00"}, {"refund_ref", "REF-J"}});
  CHECK(nowhere.status == 422);
  CHECK(nowhere.body["error"] == "RefundAccountUnknown");
  CHECK(nowhere.body["field"] == "iban");

  // One bank line is booked on one person.
  Answer elsewhere =
      k.post(P + jan + "/payments",
             json{{"amount", "100.00"}, {"value_date", "2025-02-01"}, {"bank_ref", "B-1"}});
  CHECK(elsewhere.status == 409);
  CHECK(elsewhere.body["error"] == "BankRefBookedElsewhere");
  CHECK(elsewhere.body["message"].get<std::string>().find(an) != std::string::npos);
  // The same line on the same person with another amount says so.
  Answer differs =
      k.post(P + an + "/payments",
             json{{"amount", "999.00"}, {"value_date", "2025-02-01"}, {"bank_ref", "B-1"}});
  CHECK(differs.status == 409);
  CHECK(differs.body["error"] == "BankRefAmountDiffers");
  CHECK(differs.body["message"].get<std::string>().find("100.00") != std::string::npos);
  CHECK(differs.body["message"].get<std::string>().find("999.00") != std::string::npos);
  CHECK(k.log().total_events() == written);

  // A payment carrying An's notice communication is not Jan's, unless staff say so.
  Answer assessed =
      k.post("/v1/runs/assessment", json{{"quarter", "2025-Q1"}, {"date", "2025-01-05"}}, kBatch);
  REQUIRE(assessed.status == 200);
  const json an_events = events_with(k, an, "PaymentNoticeIssued");
  std::string communication;
  for (const auto& e : an_events) {
    if (e["type"] == "PaymentNoticeIssued") communication = e["body"]["structured_communication"];
  }
  REQUIRE(communication.size() == 12);
  json foreign{{"amount", "50.00"},
               {"value_date", "2025-02-03"},
               {"bank_ref", "B-2"},
               {"communication", communication}};
  Answer refused = k.post(P + jan + "/payments", foreign);
  CHECK(refused.status == 409);
  CHECK(refused.body["error"] == "CommunicationOfAnotherMember");
  foreign["book_on_this_member"] = true;
  CHECK(k.post(P + jan + "/payments", foreign).status == 201);
}

TEST_CASE("careless JSON is refused, not guessed at: a key given twice, a field no request takes",
          "[commands][strict]") {
  InProcessKassa k;
  const std::string party = register_person(k, "85073003328");
  const auto written = k.log().total_events();
  Answer twice =
      k.post("/v1/persons/" + party + "/payments",
             std::string(R"({"amount":"10.00","amount":"99999.00","value_date":"2025-02-01",)"
                         R"("bank_ref":"B-1"})"),
             kStaff);
  CHECK(twice.status == 400);
  CHECK(twice.body["error"] == "JsonDuplicateKey");
  CHECK(twice.body["field"] == "amount");
  Answer nested =
      k.post("/v1/persons/" + party + "/payment-plans/grant",
             std::string(R"({"plan_ref":"P","instalments":[{"due":"2025-03-01","due":"2025-04-01",)"
                         R"("amount":"1.00"}]})"),
             kStaff);
  CHECK(nested.status == 400);
  CHECK(nested.body["field"] == "due");
  Answer misspelt =
      k.post("/v1/persons/" + party + "/payments", json{{"amount", "10.00"},
                                                        {"value_date", "2025-02-01"},
                                                        {"bank_ref", "B-1"},
                                                        {"comunication", "+++090/9337/55493+++"}});
  CHECK(misspelt.status == 400);
  CHECK(misspelt.body["error"] == "UnknownField");
  CHECK(misspelt.body["field"] == "comunication");
  CHECK(misspelt.body["message"].get<std::string>().find("communication") != std::string::npos);
  CHECK(k.post("/v1/runs/quarter-end", json{{"quarter", "2025-Q1"}, {"dry_run", true}}, kBatch)
            .status == 400);
  CHECK(k.log().total_events() == written);
}

TEST_CASE("implausible dates are refused with the field and the rule, and nothing is written",
          "[commands][dates]") {
  InProcessKassa k;
  const std::string party = register_person(k, "85073003328");  // affiliated since 2025-01-01
  const auto written = k.log().total_events();
  const auto refused = [&](const Answer& a, const char* rule, const char* field) {
    INFO(a.body.dump());
    CHECK(a.status == 422);
    CHECK(a.body["error"] == rule);
    CHECK(a.body["field"] == field);
  };
  // Runs: a quarter that has not ended, a reminder day to come, a quarter
  // or year years ahead.
  refused(k.post("/v1/runs/quarter-end", json{{"quarter", "2030-Q1"}}, kBatch), "QuarterNotEnded",
          "quarter");
  refused(k.post("/v1/runs/year-end", json{{"year", 2030}}, kBatch), "YearNotEnded", "year");
  refused(k.post("/v1/runs/reminders", json{{"date", "2099-01-01"}}, kBatch), "RunDateInFuture",
          "date");
  refused(
      k.post("/v1/runs/assessment", json{{"quarter", "2030-Q1"}, {"date", "2030-01-05"}}, kBatch),
      "DateBeyondHorizon", "quarter");
  refused(k.post("/v1/runs/company-contributions", json{{"year", 2031}}, kBatch),
          "DateBeyondHorizon", "year");
  // Commands: a business date years ahead; facts that cannot be.
  refused(k.post("/v1/persons/" + party + "/contraintes",
                 json{{"served_on", "2099-01-01"}, {"bailiff_ref", "B"}, {"date", "2099-01-01"}}),
          "DateBeyondHorizon", "date");
  refused(k.post("/v1/persons/" + party + "/death",
                 json{{"death", "2000-01-01"}, {"date", "2025-03-01"}}),
          "DeathBeforeAffiliation", "death");
  refused(k.post("/v1/persons/" + party + "/benefits", json{{"kind", "BridgingRight"},
                                                            {"ground", "Bankruptcy"},
                                                            {"claim_ref", "BR-1"},
                                                            {"event_date", "2099-05-01"},
                                                            {"date", "2025-03-01"}}),
          "EventDateInFuture", "event_date");
  refused(k.post("/v1/persons/" + party + "/payments", json{{"amount", "10.00"},
                                                            {"value_date", "2025-03-10"},
                                                            {"bank_ref", "B-9"},
                                                            {"date", "2025-03-01"}}),
          "ValueDateInFuture", "value_date");
  CHECK(k.log().total_events() == written);
  // Twelve births one day apart: the second is the first recorded again.
  Answer born = k.post("/v1/persons/" + party + "/births",
                       json{{"birth", "2025-05-01"}, {"date", "2025-05-10"}});
  REQUIRE(born.status == 201);
  refused(k.post("/v1/persons/" + party + "/births",
                 json{{"birth", "2025-05-02"}, {"date", "2025-05-10"}}),
          "BirthTooSoon", "birth");
  CHECK(k.post("/v1/persons/" + party + "/births",
               json{{"birth", "2025-05-02"}, {"multiple", true}, {"date", "2025-05-10"}})
            .status == 201);
}

TEST_CASE(
    "amounts cannot wrap: the extremes of int64 cents through every command are 4xx, a bank "
    "line beyond the ceiling waits in suspense, each suspense item says why",
    "[commands][amounts]") {
  InProcessKassa k;
  const std::string party = register_person(k, "85073003328", "BE71096123456769");
  const std::string P = "/v1/persons/" + party;
  Answer paid =
      k.post(P + "/payments",
             json{{"amount", "100.00"}, {"value_date", "2025-02-01"}, {"bank_ref", "B-0"}});
  REQUIRE(paid.status == 201);
  const auto written = k.log().total_events();
  for (const char* extreme : {"92233720368547758.07", "-92233720368547758.08", "10000000.01",
                              "92233720368547758.08", "99999999999999999999.99"}) {
    INFO(extreme);
    const std::vector<std::pair<std::string, json>> commands = {
        {P + "/payments", {{"amount", extreme}, {"value_date", "2025-02-01"}, {"bank_ref", "B-X"}}},
        {P + "/refunds", {{"amount", extreme}, {"refund_ref", "R-X"}}},
        {P + "/income", {{"year", 2024}, {"net_income", std::string(extreme) + "0"}}},
        {P + "/provisional-base", {{"year", 2025}, {"base", std::string(extreme) + "0"}}},
        {P + "/contests",
         {{"quarters", {"2025-Q1"}}, {"amount", extreme}, {"case_ref", "C-X"}, {"forum", "T"}}},
        {P + "/overpayments",
         {{"kind", "BridgingRight"},
          {"period_start", "2025-01-01"},
          {"period_end", "2025-01-31"},
          {"amount", extreme},
          {"reason_code", "X"},
          {"reason", "x"},
          {"appeal_body", "T"},
          {"appeal_deadline", "2025-06-01"}}},
    };
    for (const auto& [path, body] : commands) {
      Answer a = k.post(path, body);
      INFO(path << " " << a.body.dump());
      CHECK(a.status >= 400);
      CHECK(a.status < 500);
    }
  }
  Answer ceiling = k.post(
      P + "/payments",
      json{{"amount", "92233720368547758.07"}, {"value_date", "2025-02-01"}, {"bank_ref", "B-1"}});
  CHECK(ceiling.body["error"] == "AmountImplausible");
  CHECK(ceiling.body["field"] == "amount");
  CHECK(k.log().total_events() == written);

  // Bank files: a line beyond the ceiling is held for review; the others say why they wait.
  bank::CodaDraft draft;
  draft.creation_date = bdate(2025, 2, 10);
  draft.opening_date = bdate(2025, 2, 9);
  draft.account_iban = "BE68539007547034";
  draft.paper_sequence = 8;
  draft.movements = {
      {1'000'000'001, bdate(2025, 2, 10), "", "big", "BE71096123456769", "JAN"},  // above 10M
      {12'345, bdate(2025, 2, 10), "", "wie ben ik", "BE43068999999501",
       "NOBODY"},                                              // unknown account
      {500, bdate(2025, 2, 10), "", "cash", "", "NOBODY"},     // nothing to go on
      {700, bdate(2025, 2, 10), "999000100104", "", "", "X"},  // no such member
  };
  Answer a = k.post_raw("/v1/payments/import", *bank::write_coda(draft), "application/octet-stream",
                        kBatch);
  INFO(a.body.dump());
  REQUIRE(a.status == 200);
  CHECK(a.body["suspense"] == 4);
  CHECK(a.body["lines"][0]["suspense_reason"] == "AboveCeiling");
  CHECK(a.body["lines"][1]["suspense_reason"] == "UnknownAccount");
  CHECK(a.body["lines"][2]["suspense_reason"] == "NoCommunicationNoAccount");
  CHECK(a.body["lines"][3]["suspense_reason"] == "UnknownMemberNumber");
  Answer suspense = k.get("/v1/suspense");
  REQUIRE(suspense.status == 200);
  CHECK(suspense.body["count"] == 4);
  CHECK(suspense.body["items"][0]["reason"] == "AboveCeiling");
  CHECK(suspense.body["total"] == "10000135.46");
}

TEST_CASE(
    "a person registered after two runs is charged for both quarters by the next run, "
    "which says so; due at the end of its quarter, no 3 % before",
    "[commands][late]") {
  InProcessKassa k;
  const std::string early = register_person(k, "85073003328");
  for (const auto& [quarter, date] :
       {std::pair{"2025-Q1", "2025-01-05"}, {"2025-Q2", "2025-04-05"}}) {
    Answer run = k.post("/v1/runs/assessment", json{{"quarter", quarter}, {"date", date}}, kBatch);
    REQUIRE(run.status == 200);
    CHECK(run.body["persons_assessed_late"] == 0);
  }
  // Registered in May, started in February: no run has assessed Q1 or Q2.
  json body = person("90011512165", "2025-02-01");
  body["date"] = "2025-05-20";
  Answer reg = k.post("/v1/persons", body);
  REQUIRE(reg.status == 201);
  const std::string late = reg.body["party_id"].get<std::string>();
  // The early one's Q1 and Q2; nothing for the late one.
  const auto run = k.post("/v1/runs/quarter-end", json{{"quarter", "2025-Q2"}}, kBatch);
  CHECK(run.body["events_written"] == 2);

  Answer q3 =
      k.post("/v1/runs/assessment", json{{"quarter", "2025-Q3"}, {"date", "2025-07-05"}}, kBatch);
  INFO(q3.body.dump());
  REQUIRE(q3.status == 200);
  CHECK(q3.body["persons_assessed_late"] == 1);
  CHECK(q3.body["quarters_assessed_late"] == 2);
  CHECK(q3.body["events_written"] == 8);  // the early one's Q3; the late one's Q1, Q2, Q3
  // Again: each quarter once.
  Answer again =
      k.post("/v1/runs/assessment", json{{"quarter", "2025-Q3"}, {"date", "2025-07-05"}}, kBatch);
  CHECK(again.body["events_written"] == 0);
  CHECK(again.body["persons_assessed_late"] == 0);

  events_with(k, late, "PaymentNoticeIssued");
  Answer debt = k.get("/v1/persons/" + late + "/debt");
  INFO(debt.body.dump());
  REQUIRE(debt.status == 200);
  REQUIRE(debt.body["lines"].size() == 3);
  const char* quarters[] = {"2025-Q1", "2025-Q2", "2025-Q3"};
  for (std::size_t i = 0; i < 3; ++i) {
    const json& line = debt.body["lines"][i];
    CHECK(line["quarter"] == quarters[i]);
    CHECK(line["principal"] == "906.14");  // 871.71 + 3.95 % fees
    CHECK(line["due_date"] == "2025-09-30");
    CHECK(line["notice_sent"] == "2025-07-05");
  }
  CHECK(debt.body["outstanding"] == "2718.42");
  // Reminders follow the moved due date: none in July.
  Answer reminders = k.post("/v1/runs/reminders", json{{"date", "2025-07-20"}}, kBatch);
  REQUIRE(reminders.status == 200);
  CHECK(reminders.body["events_written"] == 2);  // the early one's reminder only
}

TEST_CASE("the run board shows each run, how far it came and how it ended", "[commands][runs]") {
  // Before: a run answered only when it had finished; no one else (the
  // batch operator's console, an auditor) could see it run or that it ran.
  InProcessKassa k;
  for (const char* niss : {"85073003328", "90011512165", "78120304535"}) register_person(k, niss);
  CHECK(k.get("/v1/runs", kBatch).body["runs"].empty());
  Answer first =
      k.post("/v1/runs/assessment", json{{"quarter", "2025-Q1"}, {"date", "2025-01-05"}}, kBatch);
  REQUIRE(first.status == 200);
  Answer second = k.post("/v1/runs/reminders", json{{"date", "2025-01-06"}}, kBatch);
  REQUIRE(second.status == 200);
  CHECK(second.body["run_id"].get<int>() == first.body["run_id"].get<int>() + 1);

  Answer board = k.get("/v1/runs", kAuditor);
  INFO(board.body.dump());
  REQUIRE(board.status == 200);
  const json& runs = board.body["runs"];
  REQUIRE(runs.size() == 2);
  const json& assessment = runs[1];  // the latest first
  CHECK(runs[0]["run"] == "reminders");
  CHECK(runs[0]["business_date"] == "2025-01-06");
  CHECK(assessment["run_id"] == first.body["run_id"]);
  CHECK(assessment["run"] == "assessment");
  CHECK(assessment["business_date"] == "2025-01-05");
  CHECK(assessment["principal"] == "nightly");
  CHECK(assessment["state"] == "done");
  CHECK(assessment["error"].is_null());
  CHECK(assessment["aggregates"] == 3);
  CHECK(assessment["aggregates_done"] == 3);
  CHECK(assessment["aggregates_changed"] == 3);
  CHECK(assessment["events_written"] == 6);
  CHECK(assessment["rejected"] == 0);
  CHECK(assessment["started_at"].get<std::string>().size() == 27);  // 2026-…T…:….000000Z
  CHECK(assessment["finished_at"] >= assessment["started_at"]);
  // Staff neither run batches nor watch them.
  CHECK(k.get("/v1/runs", kStaff).status == 403);
}

TEST_CASE("an enumeration is accepted in every spelling the API shows", "[commands][enums]") {
  // Before: openapi.json documents category "helping_spouse", answers and
  // the domain say "helping-spouse", raw events show "HelpingSpouse"; only
  // the second was accepted. Starter statuses came back as "primo-starter"
  // and were refused in that spelling.
  InProcessKassa k;
  const char* nisses[] = {"85073003328", "90011512165", "78120304535",
                          "85073003427", "90011512264", "78120304634"};
  const std::pair<const char*, const char*> spellings[] = {
      {"helping_spouse", "not_starter"}, {"helping-spouse", "not-starter"},
      {"HelpingSpouse", "NotStarter"},   {"main", "primo_starter"},
      {"main", "primo-starter"},         {"Main", "PrimoStarter"}};
  int n = 0;
  for (const auto& [category, starter] : spellings) {
    json body = person(nisses[n++]);
    body["category"] = category;
    body["starter"] = starter;
    Answer a = k.post("/v1/persons", body);
    INFO(category << " / " << starter << ": " << a.body.dump());
    CHECK(a.status == 201);
  }
  json wrong = person("85073003526");
  wrong["category"] = "helping spouse";
  Answer refused = k.post("/v1/persons", wrong);
  CHECK(refused.status == 400);
  CHECK(refused.body["error"] == "UnknownCategory");
  CHECK(refused.body["field"] == "category");
}
