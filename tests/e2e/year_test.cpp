// End to end: one person through a whole year against the running kassad
// binary — on the embedded journal and on the real Kafka broker. Every step
// goes through HTTP (commands, batch runs, a CODA file); every step's events
// are asserted with the amounts DOMAIN.md gives; then the statement, the
// debt and the career are read back, now, ?at= a date and ?known_at= an
// instant.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <thread>

#include "domain/bank/coda_writer.h"
#include "kafka_fixture.h"
#include "kassad_process.h"

using kassa::testing::KassadProcess;
using kassa::testing::Reply;
using nlohmann::json;
namespace bank = kassa::domain::bank;

namespace {

const char* kNiss = "85073003328";
const char* kIban = "BE71096123456769";

json events_of(KassadProcess& k, const std::string& party) {
  Reply r = k.get("/v1/persons/" + party + "/events", "auditor");
  REQUIRE(r.status == 200);
  return r.body["events"];
}

// The person's events once `count` of them are projected (runs answer
// offsets per partition, so the test waits for the count it expects).
json events_when(KassadProcess& k, const std::string& party, std::size_t count) {
  json events;
  for (int i = 0; i < 300; ++i) {
    events = events_of(k, party);
    if (events.size() >= count) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(events.size() == count);
  return events;
}

// The events after the first `from`, as type names.
std::vector<std::string> types_from(const json& events, std::size_t from) {
  std::vector<std::string> out;
  for (std::size_t i = from; i < events.size(); ++i) out.push_back(events[i]["type"]);
  return out;
}

const json& last_of(const json& events, const std::string& type) {
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    if ((*it)["type"] == type) return *it;
  }
  FAIL("no " << type);
  static json none;
  return none;
}

Reply run(KassadProcess& k, const std::string& name, const json& body) {
  Reply r = k.post("/v1/runs/" + name, body, "batch");
  INFO(name << " " << r.body.dump());
  REQUIRE(r.status == 200);
  return r;
}

std::string money(const json& v) { return v.get<std::string>(); }

std::string cents_text(std::int64_t cents) {
  const char* sign = cents < 0 ? "-" : "";
  const std::int64_t a = cents < 0 ? -cents : cents;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%lld.%02lld", sign, static_cast<long long>(a / 100),
                static_cast<long long>(a % 100));
  return buf;
}

// The communication of a debt line ("2025-Q1", "2025 regularisation").
std::string communication_of(KassadProcess& k, const std::string& party, const std::string& debt) {
  Reply r = k.get("/v1/persons/" + party + "/debt");
  REQUIRE(r.status == 200);
  for (const auto& line : r.body["lines"]) {
    if (line["debt"] == debt) return line["communication"];
  }
  FAIL("no debt " << debt);
  return "";
}

// A second person, who pays every quarter of 2025 on time and then the
// regularisation supplement of DOMAIN.md worked example 4 late, after its
// 3 % (the defect the one-fold read side fixed: the supplement was filed
// under the income year and its payment under the notice's, so the debt
// showed it unpaid while the statement showed it paid).
void walk_late_supplement(KassadProcess& k) {
  Reply reg = k.post("/v1/persons", {{"niss", "90010100123"},
                                     {"first_name", "Marie"},
                                     {"last_name", "Dubois"},
                                     {"start", "2025-01-01"},
                                     {"category", "main"},
                                     {"date", "2025-01-02"}});
  INFO(reg.body.dump());
  REQUIRE(reg.status == 201);
  const std::string party = reg.body["party_id"];
  const char* runs[] = {"2025-01-05", "2025-04-05", "2025-07-05", "2025-10-05"};
  const char* paid_on[] = {"2025-03-20", "2025-06-20", "2025-09-20", "2025-12-20"};
  for (int i = 0; i < 4; ++i) {
    const std::string q = "2025-Q" + std::to_string(i + 1);
    run(k, "assessment", {{"quarter", q}, {"date", runs[i]}});
    for (int w = 0; w < 100; ++w) {
      if (k.get("/v1/persons/" + party + "/debt").body["lines"].size() ==
          static_cast<std::size_t>(i + 1))
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    Reply paid = k.post("/v1/persons/" + party + "/payments",
                        {{"amount", "906.14"},
                         {"value_date", paid_on[i]},
                         {"communication", communication_of(k, party, q)},
                         {"bank_ref", "MARIE-" + q},
                         {"date", paid_on[i]}});
    INFO(paid.body.dump());
    REQUIRE(paid.status == 201);
  }
  // The income of 2025: 30,000.00 -> 6,150.00 a year; 2,663.16 more than the
  // provisional 4 x 871.71, and fees 242.93 - 4 x 34.43 = 105.21.
  Reply income = k.post("/v1/persons/" + party + "/income",
                        {{"year", 2025}, {"net_income", "30000.00"}, {"date", "2026-06-15"}});
  INFO(income.body.dump());
  REQUIRE(income.status == 201);
  std::string own = "min_offset=" + std::to_string(income.body["min_offset"].get<std::int64_t>());
  Reply debt = k.get("/v1/persons/" + party + "/debt?" + own);
  REQUIRE(debt.body["lines"].size() == 5);
  const json& supplement = debt.body["lines"][4];
  CHECK(supplement["debt"] == "2025 regularisation");
  CHECK(supplement["principal"] == "2768.37");
  CHECK(supplement["due_date"] == "2026-09-30");
  CHECK(supplement["stage"] == "notice");
  CHECK(debt.body["outstanding"] == "2768.37");
  // Unpaid on 30 September 2026: 3 % of 2,768.37 = 83.05.
  run(k, "quarter-end", {{"quarter", "2026-Q3"}});
  for (int w = 0; w < 100; ++w) {
    if (k.get("/v1/persons/" + party + "/debt").body["outstanding"] == "2851.42") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(k.get("/v1/persons/" + party + "/debt").body["lines"][4]["unpaid_surcharges"] == "83.05");
  // Paid late, with the supplement's communication: everything settled.
  Reply late =
      k.post("/v1/persons/" + party + "/payments", {{"amount", "2851.42"},
                                                    {"value_date", "2026-10-20"},
                                                    {"communication", supplement["communication"]},
                                                    {"bank_ref", "MARIE-REG-2025"},
                                                    {"date", "2026-10-20"}});
  INFO(late.body.dump());
  REQUIRE(late.status == 201);
  own = "min_offset=" + std::to_string(late.body["min_offset"].get<std::int64_t>());

  Reply now = k.get("/v1/persons/" + party + "/debt?" + own);
  CHECK(now.body["outstanding"] == "0.00");
  CHECK(now.body["credit"] == "0.00");
  CHECK(now.body["stage"] == "none");
  CHECK(now.body["lines"][4]["outstanding"] == "0.00");
  CHECK(now.body["lines"][4]["stage"] == "none");
  Reply statement = k.get("/v1/persons/" + party + "/statement?" + own);
  CHECK(statement.body["balance"] == "0.00");
  std::map<std::string, std::string> by_kind;
  for (const auto& line : statement.body["lines"]) {
    const std::string kind = line["kind"];
    if (kind == "regularisation" || kind == "regularisation-fees" ||
        kind == "quarterly-surcharge") {
      by_kind[kind] = line["debit"];
    }
  }
  CHECK(by_kind["regularisation"] == "2663.16");
  CHECK(by_kind["regularisation-fees"] == "105.21");
  CHECK(by_kind["quarterly-surcharge"] == "83.05");
  // The career counts each quarter on its final contribution: 6,150.00 / 4.
  Reply career = k.get("/v1/persons/" + party + "/career?" + own);
  REQUIRE(career.body["years"].size() == 1);
  REQUIRE(career.body["years"][0]["quarters"].size() == 4);
  for (const auto& q : career.body["years"][0]["quarters"]) {
    CHECK(q["status"] == "counted");
    CHECK(q["contribution_due"] == "1537.50");
    CHECK(q["contribution_paid"] == "1537.50");
  }
  Reply tax = k.get("/v1/persons/" + party + "/tax-certificate?" + own);
  for (const auto& y : tax.body["certificates"]) {
    if (y["year"] == 2025) {
      CHECK(y["contributions"] == "3486.84");
      CHECK(y["fees"] == "137.72");
    }
    if (y["year"] == 2026) {
      CHECK(y["regularisation"] == "2768.37");
      CHECK(y["surcharges_not_deductible"] == "83.05");
    }
  }
  // As of: before the statement, after it, after the 3 %.
  CHECK(k.get("/v1/persons/" + party + "/debt?at=2026-06-14&" + own).body["outstanding"] == "0.00");
  CHECK(k.get("/v1/persons/" + party + "/debt?at=2026-06-15&" + own).body["outstanding"] ==
        "2768.37");
  Reply at_quarter_end = k.get("/v1/persons/" + party + "/statement?at=2026-09-30&" + own);
  CHECK(at_quarter_end.body["balance"] == "2851.42");
  CHECK(k.get("/v1/persons/" + party + "/debt?at=2026-09-30&" + own).body["balance"] == "2851.42");
  // Before the supplement is paid, what was paid for 2025 (4 x 871.71)
  // covers the final 1,537.50 of Q1 and Q2, in quarter order.
  Reply career_then = k.get("/v1/persons/" + party + "/career?at=2026-09-30&" + own);
  const json& quarters = career_then.body["years"][0]["quarters"];
  CHECK(quarters[0]["status"] == "counted");
  CHECK(quarters[1]["status"] == "counted");
  CHECK(quarters[2]["contribution_paid"] == "411.84");
  CHECK(quarters[2]["status"] == "not_counted");
  CHECK(quarters[3]["status"] == "not_counted");
}

void walk_year(KassadProcess& k) {
  // 1. Registration.
  Reply reg = k.post("/v1/persons", {{"niss", kNiss},
                                     {"first_name", "Jan"},
                                     {"last_name", "Peeters"},
                                     {"start", "2025-01-01"},
                                     {"category", "main"},
                                     {"iban", kIban},
                                     {"date", "2025-01-02"}});
  INFO(reg.body.dump());
  REQUIRE(reg.status == 201);
  const std::string party = reg.body["party_id"];
  CHECK(reg.body["member_number"] == 1);
  CHECK(reg.body["events"][0]["type"] == "PersonRegistered");
  CHECK(reg.body["events"][0]["sequence"] == 1);
  CHECK(k.get("/v1/persons/lookup?niss=" + std::string(kNiss)).body["party_id"] == party);

  // 2. Assessment of 2025-Q1: the 2025 minimum, 871.71 + 3.95 % fees 34.43.
  Reply q1 = run(k, "assessment", {{"quarter", "2025-Q1"}, {"date", "2025-01-05"}});
  CHECK(q1.body["events_written"] == 2);
  json events = events_when(k, party, 3);
  CHECK(types_from(events, 1) ==
        std::vector<std::string>{"ContributionAssessed", "PaymentNoticeIssued"});
  CHECK(events[1]["body"]["contribution_cents"] == 87171);
  CHECK(events[1]["body"]["fees_cents"] == 3443);
  CHECK(events[1]["actor"] == "e2e-batch");
  // Lineage (absent from the auditor's events before): the assessment and
  // its notice share their cause (the run's command for this person) and
  // their flow; the registration had another cause.
  CHECK(events[1]["causation_id"].is_string());
  CHECK(events[2]["causation_id"] == events[1]["causation_id"]);
  CHECK(events[2]["correlation_id"] == events[1]["correlation_id"]);
  CHECK(events[0]["causation_id"] != events[1]["causation_id"]);
  const json& notice = events[2]["body"];
  CHECK(notice["amount_cents"] == 90614);
  const std::string communication = notice["structured_communication"];
  REQUIRE(communication.size() == 12);
  // base = member number (7 digits) * 1000 + notice counter, then mod 97.
  CHECK(communication.substr(0, 10) == "0000001001");

  // 3. A partial payment of 500.00 by CODA, matched on the communication.
  bank::CodaDraft coda;
  coda.creation_date = *bank::Date::make(2025, 2, 11);
  coda.opening_date = *bank::Date::make(2025, 2, 10);
  coda.account_iban = "BE68539007547034";
  coda.paper_sequence = 31;
  coda.movements = {
      {50'000, *bank::Date::make(2025, 2, 10), communication, "", "BE62510007547061", "J PEETERS"}};
  Reply imported =
      k.send("/v1/payments/import", *bank::write_coda(coda), "application/octet-stream", "batch");
  INFO(imported.body.dump());
  REQUIRE(imported.status == 200);
  CHECK(imported.body["matched"] == 1);
  CHECK(imported.body["lines"][0]["party_id"] == party);
  CHECK(imported.body["lines"][0]["matched_by"] == "communication");
  events = events_when(k, party, 5);
  CHECK(types_from(events, 3) == std::vector<std::string>{"PaymentReceived", "PaymentAllocated"});
  CHECK(events[3]["body"]["amount_cents"] == 50000);
  CHECK(events[4]["body"].value("credit_cents", std::int64_t{0}) == 0);  // all of it allocated
  const std::int64_t paid_recorded_at = events[3]["recorded_at_us"];
  // The same file again records nothing.
  Reply reimport =
      k.send("/v1/payments/import", *bank::write_coda(coda), "application/octet-stream", "batch");
  CHECK(reimport.body["events_written"] == 0);

  // 4. Quarter end: 3 % of the unpaid 406.14 = 12.18.
  Reply qe1 = run(k, "quarter-end", {{"quarter", "2025-Q1"}});
  CHECK(qe1.body["events_written"] == 1);
  events = events_when(k, party, 6);
  CHECK(events[5]["type"] == "SurchargeApplied");
  CHECK(events[5]["body"]["base_cents"] == 40614);
  CHECK(events[5]["body"]["rate_bp"] == 300);
  CHECK(events[5]["body"]["amount_cents"] == 1218);
  CHECK(run(k, "quarter-end", {{"quarter", "2025-Q1"}}).body["events_written"] == 0);

  // 5. Q2 assessed; a reminder for Q1 on its due date + 15 days.
  CHECK(run(k, "assessment", {{"quarter", "2025-Q2"}, {"date", "2025-04-05"}})
            .body["events_written"] == 2);
  Reply reminders = run(k, "reminders", {{"date", "2025-04-15"}});
  CHECK(reminders.body["events_written"] == 1);
  events = events_when(k, party, 9);
  CHECK(events[8]["type"] == "ReminderSent");
  CHECK(events[8]["body"]["amount_due_cents"] == 40614 + 1218);
  CHECK(run(k, "reminders", {{"date", "2025-04-15"}}).body["events_written"] == 0);

  // 6. End of Q2: 3 % again on Q1's unpaid principal, and on Q2's 906.14.
  Reply qe2 = run(k, "quarter-end", {{"quarter", "2025-Q2"}});
  CHECK(qe2.body["events_written"] == 2);
  events = events_when(k, party, 11);
  std::vector<std::int64_t> surcharges{events[9]["body"]["amount_cents"],
                                       events[10]["body"]["amount_cents"]};
  std::sort(surcharges.begin(), surcharges.end());
  CHECK(surcharges == std::vector<std::int64_t>{1218, 2718});

  // 7. A formal notice for Q1, unpaid one full quarter after its due date.
  Reply notices = run(k, "reminders", {{"date", "2025-07-01"}});
  CHECK(notices.body["events_written"].get<int>() >= 1);
  events = events_of(k, party);
  for (int i = 0; i < 100 && events.size() < 12; ++i) events = events_of(k, party);
  const json& formal = last_of(events, "FormalNoticeSent");
  CHECK(formal["effective_date"] == "2025-07-01");
  const std::size_t after_notice = events_when(k, party, events.size()).size();

  // 8. A payment plan for Q1 and Q2, requested and granted.
  CHECK(run(k, "assessment", {{"quarter", "2025-Q3"}, {"date", "2025-07-05"}})
            .body["events_written"] == 2);
  Reply request =
      k.post("/v1/persons/" + party + "/payment-plans",
             {{"quarters", {"2025-Q1", "2025-Q2"}}, {"instalments", 3}, {"date", "2025-07-10"}});
  INFO(request.body.dump());
  REQUIRE(request.status == 201);
  events = events_when(k, party, after_notice + 3);
  const json& requested = last_of(events, "PaymentPlanRequested");
  const std::int64_t plan_total = requested["body"]["amount_cents"];
  CHECK(plan_total == 40614 + 1218 + 1218 + 90614 + 2718);  // principal and surcharges of Q1, Q2
  const std::int64_t third = plan_total / 3;
  json instalments = json::array();
  for (int i = 0; i < 3; ++i) {
    const std::int64_t cents = i < 2 ? third : plan_total - 2 * third;
    const char* due[] = {"2025-08-15", "2025-09-15", "2025-10-15"};
    instalments.push_back(
        {{"due", due[i]},
         {"amount", std::to_string(cents / 100) + "." + (cents % 100 < 10 ? "0" : "") +
                        std::to_string(cents % 100)}});
  }
  Reply grant =
      k.post("/v1/persons/" + party + "/payment-plans/grant",
             {{"plan_ref", "PLAN-1"}, {"instalments", instalments}, {"date", "2025-07-20"}});
  INFO(grant.body.dump());
  REQUIRE(grant.status == 201);
  CHECK(grant.body["events"][0]["type"] == "PaymentPlanGranted");
  Reply debt = k.get("/v1/persons/" + party + "/debt?min_offset=" +
                     std::to_string(grant.body["min_offset"].get<std::int64_t>()));
  REQUIRE(debt.status == 200);
  CHECK(debt.body["payment_plan"]["state"] == "granted");

  // 9. Q4, then the income of 2025 (30,000.00) and its regularisation:
  //    DOMAIN.md worked example 4 — supplement 2,663.16 before fees.
  CHECK(run(k, "assessment", {{"quarter", "2025-Q4"}, {"date", "2025-10-05"}})
            .body["events_written"] == 2);
  Reply income = k.post("/v1/persons/" + party + "/income",
                        {{"year", 2025}, {"net_income", "30000.00"}, {"date", "2026-09-15"}});
  INFO(income.body.dump());
  REQUIRE(income.status == 201);
  std::vector<std::string> income_types;
  for (const auto& e : income.body["events"]) income_types.push_back(e["type"]);
  CHECK(income_types.front() == "IncomeNotified");
  CHECK(std::find(income_types.begin(), income_types.end(), "RegularisationComputed") !=
        income_types.end());
  const std::string read_own =
      "min_offset=" + std::to_string(income.body["min_offset"].get<std::int64_t>());
  events = events_when(k, party, income.body["events"].back()["sequence"].get<std::size_t>());
  const json& regularisation = last_of(events, "RegularisationComputed");
  CHECK(regularisation["body"]["provisional_contribution_cents"] == 348684);
  CHECK(regularisation["body"]["final_contribution_cents"] == 615000);
  CHECK(regularisation["body"]["final_contribution_cents"].get<std::int64_t>() -
            regularisation["body"]["provisional_contribution_cents"].get<std::int64_t>() ==
        266316);

  // 10. Read back: statement, debt, career — now, ?at= and ?known_at=.
  Reply statement = k.get("/v1/persons/" + party + "/statement?" + read_own);
  INFO(statement.body.dump());
  REQUIRE(statement.status == 200);
  std::int64_t debit = 0, credit = 0;
  std::map<std::string, int> kinds;
  for (const auto& line : statement.body["lines"]) ++kinds[line["kind"].get<std::string>()];
  CHECK(kinds["contribution"] == 4);
  CHECK(kinds["fees"] == 4);
  CHECK(kinds["payment"] == 1);
  CHECK(kinds["allocation"] == 1);
  CHECK(kinds["quarterly-surcharge"] == 3);
  CHECK(kinds["regularisation"] == 1);
  CHECK(kinds["regularisation-fees"] == 1);
  for (const auto& line : statement.body["lines"]) {
    debit +=
        static_cast<std::int64_t>(std::llround(std::stod(line["debit"].get<std::string>()) * 100));
    credit +=
        static_cast<std::int64_t>(std::llround(std::stod(line["credit"].get<std::string>()) * 100));
  }
  CHECK(money(statement.body["total_debit"]) == cents_text(debit));
  CHECK(money(statement.body["total_credit"]) == cents_text(credit));
  Reply now_debt = k.get("/v1/persons/" + party + "/debt?" + read_own);
  REQUIRE(now_debt.status == 200);
  // One model: what the statement says is owed is what the debt says.
  CHECK(now_debt.body["balance"] == statement.body["balance"]);
  CHECK(now_debt.body["outstanding"] == statement.body["balance"]);
  CHECK(now_debt.body["credit"] == "0.00");
  CHECK(now_debt.body["payment_plan"]["state"] == "granted");

  Reply career = k.get("/v1/persons/" + party + "/career?" + read_own);
  REQUIRE(career.status == 200);
  REQUIRE(career.body["years"].size() == 1);
  CHECK(career.body["years"][0]["year"] == 2025);
  CHECK(career.body["years"][0]["quarters"].size() == 4);
  for (const auto& q : career.body["years"][0]["quarters"]) CHECK(q["status"] == "not_counted");

  // As of 30 March 2025: Q1 assessed, 500.00 paid, no surcharge yet.
  Reply at = k.get("/v1/persons/" + party + "/statement?at=2025-03-30&" + read_own);
  INFO(at.body.dump());
  REQUIRE(at.status == 200);
  CHECK(money(at.body["balance"]) == "406.14");
  Reply at_debt = k.get("/v1/persons/" + party + "/debt?at=2025-03-30&" + read_own);
  CHECK(money(at_debt.body["outstanding"]) == "406.14");
  // What the fund knew just before the payment was recorded: 906.14 due.
  Reply known = k.get("/v1/persons/" + party +
                      "/debt?known_at=" + std::to_string(paid_recorded_at - 1) + "&" + read_own);
  INFO(known.body.dump());
  REQUIRE(known.status == 200);
  CHECK(money(known.body["outstanding"]) == "906.14");

  // Every read above is in the access log, with its purpose.
  Reply access = k.get("/v1/audit/access-log?party_id=" + party, "auditor");
  REQUIRE(access.status == 200);
  CHECK(access.body["records"].size() >= 8);
  CHECK(access.body["records"][0]["purpose"] == "e2e year");

  // No log line carries the NISS, the name or the account in clear.
  const std::string log = k.log_text();
  CHECK(log.find(kNiss) == std::string::npos);
  CHECK(log.find("Peeters") == std::string::npos);
  CHECK(log.find(kIban) == std::string::npos);
}

}  // namespace

TEST_CASE("a year of one person through kassad on the embedded journal", "[e2e][journal]") {
  KassadProcess kassad("", "kassa");
  walk_year(kassad);
  walk_late_supplement(kassad);
}

TEST_CASE("a year of one person through kassad on the real Kafka broker", "[e2e][kafka]") {
  KassadProcess kassad(kassa::testing::test_brokers(), kassa::testing::unique_name("e2e"));
  walk_year(kassad);
  walk_late_supplement(kassad);

  // /metrics tells the Kafka clients' state: the producer and the
  // projector's reader each see the broker UP and have moved messages.
  // librdkafka reports every second and this walk takes less: wait for the
  // figures (a generous deadline, not a timing).
  const auto has_line = [](const std::string& text, const std::string& family,
                           const std::string& labels_end) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(family + "{client=\"", 0) != 0) continue;
      const auto close = line.find("} ");
      if (close == std::string::npos || close < labels_end.size()) continue;
      if (line.compare(close - labels_end.size(), labels_end.size(), labels_end) == 0 &&
          std::stod(line.substr(close + 2)) >= 1.0) {
        return true;
      }
    }
    return false;
  };
  const std::vector<std::pair<std::string, std::string>> wanted = {
      {"kassa_kafka_brokers", R"(role="producer",state="UP")"},
      {"kassa_kafka_brokers", R"(role="consumer",state="UP")"},
      {"kassa_kafka_messages_total", R"(role="producer",direction="sent")"},
      {"kassa_kafka_messages_total", R"(role="consumer",direction="received")"}};
  std::string text;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool all = false;
  while (!all && std::chrono::steady_clock::now() < deadline) {
    auto metrics = kassad.raw_get("/metrics", "");
    REQUIRE(metrics);
    text = metrics->body;
    all = true;
    for (const auto& [family, labels] : wanted) all = all && has_line(text, family, labels);
    if (!all) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  INFO(text);
  for (const auto& [family, labels] : wanted) CHECK(has_line(text, family, labels));
}
