// A full disk under a running kassad (the embedded journal): RLIMIT_FSIZE
// set on the process from outside (prlimit, no privileges) makes every
// store's next write fail as ENOSPC would. Asserted: kassad stays up and
// answers; writes get 503 with Retry-After and a rule naming the store;
// /health answers and /ready says not ready; once the room is back, writes
// and the projector resume by themselves; nothing acknowledged is lost and
// nothing refused was written.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <thread>

#include "kassad_process.h"
#include "support/decided_ledger.h"
#include "support/file_size_limit.h"

using kassa::testing::FileSizeLimit;
using kassa::testing::KassadProcess;
using kassa::testing::Reply;
using nlohmann::json;

namespace {

using kassa::testing::DecidedLedger;

Reply register_person(KassadProcess& k, int n) {
  return k.post("/v1/persons", {{"niss", DecidedLedger::niss_of(n)},
                                {"first_name", "Test"},
                                {"last_name", "Person " + std::to_string(n)},
                                {"start", "2025-01-01"},
                                {"category", "main"},
                                {"date", "2025-01-02"}});
}

Reply pay(KassadProcess& k, const std::string& party, int n, const std::string& key) {
  return k.post("/v1/persons/" + party + "/payments",
                {{"amount", "10.00"},
                 {"value_date", "2025-02-01"},
                 {"bank_ref", "FULL-" + std::to_string(n)},
                 {"date", "2025-02-01"}},
                "staff",
                key.empty() ? httplib::Headers{} : httplib::Headers{{"Idempotency-Key", key}});
}

}  // namespace

TEST_CASE("a full disk: kassad refuses writes, keeps answering and recovers by itself",
          "[e2e][nospace]") {
  FileSizeLimit::ignore_signal();  // kassad inherits SIGXFSZ ignored
  KassadProcess k("", "");
  std::set<std::string> persons;
  for (int i = 0; i < 5; ++i) {
    Reply r = register_person(k, i);
    INFO(r.body.dump());
    REQUIRE(r.status == 201);
    persons.insert(r.body["party_id"]);
  }
  const std::string first = *persons.begin();
  REQUIRE(pay(k, first, 0, "pay-0").status == 201);

  {
    FileSizeLimit full(1, k.pid());  // no file of kassad's may grow
    std::set<std::string> rules;
    int refused = 0;
    for (int i = 0; i < 10; ++i) {
      Reply r = register_person(k, 100 + i);
      INFO(r.body.dump());
      REQUIRE(r.status == 503);
      rules.insert(r.body["error"].get<std::string>());
      Reply p = pay(k, first, 100 + i, "pay-full-" + std::to_string(i));
      INFO(p.body.dump());
      REQUIRE(p.status == 503);
      rules.insert(p.body["error"].get<std::string>());
      Reply unkeyed = pay(k, first, 150 + i, "");
      INFO(unkeyed.body.dump());
      REQUIRE(unkeyed.status == 503);
      rules.insert(unkeyed.body["error"].get<std::string>());
      refused += 3;
    }
    CHECK(refused == 30);
    INFO("rules " << json(rules).dump());
    // The key store refuses registrations, the idempotency store keyed
    // payments, the journal the others (JournalIo: the write that failed;
    // JournalWriteFailed: those refused after it).
    CHECK(rules == std::set<std::string>{"KeyStoreIo", "IdempotencyStoreWrite", "JournalIo",
                                         "JournalWriteFailed"});
    auto retry = k.raw_get("/v1/persons/" + first + "/statement");
    REQUIRE(retry);
    // A person's data is not shown without its access-log record.
    CHECK(retry->status == 503);
    CHECK(retry->get_header_value("Retry-After") == "2");
    CHECK(k.get("/health").status == 200);
    CHECK(k.get("/v1/statistics").status == 200);
    CHECK(k.get("/ready").status == 503);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // reopens are tried, and fail
    CHECK(register_person(k, 200).status == 503);
  }

  // Room again: within seconds every store is reopened and writes go on.
  Reply again;
  for (int i = 0; i < 100; ++i) {
    again = register_person(k, 300);
    if (again.status != 503) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  INFO(again.body.dump() << "\n" << k.log_text());
  REQUIRE(again.status == 201);
  persons.insert(again.body["party_id"]);
  Reply paid;
  for (int i = 0; i < 100; ++i) {
    paid = pay(k, first, 301, "pay-after");
    if (paid.status != 503) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  INFO(paid.body.dump());
  REQUIRE(paid.status == 201);
  bool ready = false;
  for (int i = 0; i < 100 && !ready; ++i) {
    ready = k.get("/ready").status == 200;
    if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(ready);

  // Every acknowledged registration is there, and no refused one.
  for (const std::string& party : persons) {
    Reply st = k.get("/v1/persons/" + party + "/statement");
    INFO(party << " " << st.body.dump());
    CHECK(st.status == 200);
  }
  for (int i = 0; i < 10; ++i) {
    CHECK(k.get("/v1/persons/lookup?niss=" + DecidedLedger::niss_of(100 + i)).status == 404);
  }
  // The person who paid has exactly the two acknowledged payments.
  Reply events = k.get("/v1/persons/" + first + "/events", "auditor");
  REQUIRE(events.status == 200);
  int payments = 0;
  for (const auto& e : events.body["events"]) payments += e["type"] == "PaymentReceived" ? 1 : 0;
  CHECK(payments == 2);
  // A refused keyed payment retried now is written once.
  Reply retried = pay(k, first, 100, "pay-full-0");
  CHECK(retried.status == 201);
}
