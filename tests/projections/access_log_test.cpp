// The access log's group commit: concurrent reads share synced writes, and
// every record is durable and distinct.
#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "ledger_fixture.h"
#include "projections/access_log.h"

using namespace kassa::projections;
using namespace kassa::projections::testing;

TEST_CASE("concurrent reads share the access log's synced writes", "[access_log]") {
  TempDir dir;
  constexpr int kThreads = 16;
  constexpr int kEach = 40;
  {
    auto log = AccessLog::open(dir.path() + "/access-log");
    REQUIRE(log.ok());
    std::atomic<int> ready{0};
    std::atomic<int> failed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        ready.fetch_add(1);
        while (ready.load() < kThreads) std::this_thread::yield();
        for (int i = 0; i < kEach; ++i) {
          AccessRecord r{1'700'000'000'000'000 + i,
                         "staff-" + std::to_string(t),
                         "staff",
                         "P" + std::to_string(t) + "-" + std::to_string(i),
                         "GET /v1/persons/{party_id}/statement",
                         "a call from the member"};
          if (!(*log)->record(r).ok()) failed.fetch_add(1);
        }
      });
    }
    for (auto& th : threads) th.join();
    CHECK(failed.load() == 0);
    const auto counts = (*log)->counts();
    CHECK(counts.records == kThreads * kEach);
    // On the previous main every record was its own synced write (writes
    // serialised under the store's writer lock): 640 fsyncs.
    CHECK(counts.writes < counts.records);
    CHECK(counts.writes >= 1);
  }
  // Reopened: every record is there, each once, with its own fields.
  auto log = AccessLog::open(dir.path() + "/access-log");
  REQUIRE(log.ok());
  auto all = (*log)->query(std::nullopt, 0, INT64_MAX, 10'000);
  REQUIRE(all.ok());
  REQUIRE(all->size() == static_cast<std::size_t>(kThreads * kEach));
  std::set<std::string> parties;
  for (const auto& r : *all) {
    parties.insert(r.party_id);
    CHECK(r.principal == "staff-" + r.party_id.substr(1, r.party_id.find('-') - 1));
    CHECK(r.purpose == "a call from the member");
  }
  CHECK(parties.size() == static_cast<std::size_t>(kThreads * kEach));
  // And a new record after the reopen gets a key of its own.
  REQUIRE(
      (*log)->record({1'700'000'000'000'000, "staff-x", "staff", "Pnew", "GET /x", "why"}).ok());
  auto again = (*log)->query(std::nullopt, 0, INT64_MAX, 10'000);
  REQUIRE(again.ok());
  CHECK(again->size() == static_cast<std::size_t>(kThreads * kEach + 1));
}
