// Journal-specific behaviour beyond the shared contract: it survives a
// reopen, remembers its partition count, and takes concurrent appends.

#include <catch2/catch.hpp>

#include <map>
#include <thread>

#include "log/journal/journal_log.h"
#include "log_fixtures.h"

using namespace kassa::log;
using namespace kassa::log::testing;

TEST_CASE("the journal keeps its records and offsets across a reopen", "[log][journal]") {
  TempDir dir;
  LogConfig config = small_config();
  config.journal_path = dir.path() + "/j";
  int32_t p = 0;
  {
    auto log = must(journal::JournalLog::open(config));
    p = log->partition_for(Topic::kPersonEvents, "party-1");
    (void)must(log->append(Topic::kPersonEvents, "party-1", make_records("one", 3)));
  }
  auto log = must(journal::JournalLog::open(config));
  CHECK(must(log->high_water_mark(Topic::kPersonEvents, p)) == 3);
  CHECK(must(log->append(Topic::kPersonEvents, "party-1", make_records("two", 1))) ==
        std::vector<int64_t>{3});
  const auto got = must(log->read(Topic::kPersonEvents, p, 0, 10, std::chrono::milliseconds(0)));
  REQUIRE(got.size() == 4);
  CHECK(unsealed(got[2].value) == "one#2");
  CHECK(unsealed(got[3].value) == "two#0");
}

TEST_CASE("the journal refuses to open with another partition count", "[log][journal]") {
  TempDir dir;
  LogConfig config = small_config();
  config.journal_path = dir.path() + "/j";
  { (void)must(journal::JournalLog::open(config)); }
  config.person_partitions = 5;
  auto reopened = journal::JournalLog::open(config);
  REQUIRE_FALSE(reopened.ok());
  CHECK(reopened.error().rule == "JournalPartitionCount");
}

TEST_CASE("concurrent appends from several threads get distinct consecutive offsets",
          "[log][journal]") {
  TempDir dir;
  LogConfig config = small_config();
  config.journal_path = dir.path() + "/j";
  auto log = must(journal::JournalLog::open(config));
  constexpr int kThreads = 4;
  constexpr int kAppends = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string key = "writer-" + std::to_string(t);
      for (int i = 0; i < kAppends; ++i) {
        if (!log->append(Topic::kPersonEvents, key, make_records(key, 2)).ok()) std::abort();
      }
    });
  }
  for (auto& th : threads) th.join();
  int64_t total = 0;
  for (int32_t p = 0; p < log->partition_count(Topic::kPersonEvents); ++p) {
    const int64_t hwm = must(log->high_water_mark(Topic::kPersonEvents, p));
    const auto got =
        must(log->read(Topic::kPersonEvents, p, 0, 10'000, std::chrono::milliseconds(0)));
    REQUIRE(static_cast<int64_t>(got.size()) == hwm);
    std::map<std::string, int> per_key;
    for (const auto& r : got) {
      // Each key's records alternate #0, #1: an append is never interleaved.
      CHECK(unsealed(r.value) == r.key + "#" + std::to_string(per_key[r.key]++ % 2));
    }
    total += hwm;
  }
  CHECK(total == kThreads * kAppends * 2);
}
