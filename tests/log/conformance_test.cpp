// The EventLog contract, held against every adapter. Compiled twice: the
// journal run (label unit) and, with KASSA_LOG_TEST_KAFKA, the Kafka run
// against the real broker from scripts/kafka (label integration).

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "log/quarantine.h"
#include "log_fixtures.h"

using namespace kassa::log;
using namespace kassa::log::testing;
using std::chrono::milliseconds;

#if defined(KASSA_LOG_TEST_KAFKA)
#define KASSA_LOG_FIXTURES KafkaFixture
#else
#define KASSA_LOG_FIXTURES JournalFixture
#endif

namespace {

constexpr milliseconds kSoon{5'000};

// Every record of a partition, from its start to the high-water mark.
std::vector<StoredRecord> read_all(EventLog& log, Topic topic, int32_t partition) {
  std::vector<StoredRecord> out;
  const int64_t hwm = must(log.high_water_mark(topic, partition));
  int64_t next = 0;
  while (next < hwm) {
    auto got = must(log.read(topic, partition, next, 500, kSoon));
    REQUIRE_FALSE(got.empty());
    next = got.back().offset + 1;
    for (auto& r : got) out.push_back(std::move(r));
  }
  return out;
}

// Polls until `count` records arrived or nothing came for a while.
std::vector<StoredRecord> poll_n(Subscription& sub, std::size_t count) {
  std::vector<StoredRecord> out;
  while (out.size() < count) {
    auto got = must(sub.poll(count - out.size(), kSoon));
    if (got.empty()) break;
    for (auto& r : got) out.push_back(std::move(r));
  }
  return out;
}

std::vector<Position> all_partitions(EventLog& log, Topic topic, int64_t offset = 0) {
  std::vector<Position> out;
  for (int32_t p = 0; p < log.partition_count(topic); ++p) out.push_back({topic, p, offset});
  return out;
}

}  // namespace

TEMPLATE_TEST_CASE("append returns consecutive offsets and read returns the records intact",
                   "[log][conformance]", KASSA_LOG_FIXTURES) {
  TestType f;
  EventLog& log = *f.log;
  const std::string key = "party-0001";
  const int32_t p = log.partition_for(Topic::kPersonEvents, key);

  std::vector<Record> first = make_records("first", 3);
  first[1].event_type = std::string(kEventB);
  first[1].schema_version = 7;
  first[2].value = sealed(std::string("bytes\0with\xff nul", 15));  // not text
  const auto o1 = must(log.append(Topic::kPersonEvents, key, first));
  CHECK(o1 == std::vector<int64_t>{0, 1, 2});
  const auto o2 = must(log.append(Topic::kPersonEvents, key, make_records("second", 2)));
  CHECK(o2 == std::vector<int64_t>{3, 4});
  CHECK(must(log.high_water_mark(Topic::kPersonEvents, p)) == 5);

  const auto got = must(log.read(Topic::kPersonEvents, p, 0, 100, kSoon));
  REQUIRE(got.size() == 5);
  for (std::size_t i = 0; i < got.size(); ++i) {
    CHECK(got[i].offset == static_cast<int64_t>(i));
    CHECK(got[i].topic == Topic::kPersonEvents);
    CHECK(got[i].partition == p);
    CHECK(got[i].key == key);
    CHECK(got[i].timestamp_us > 0);
    CHECK_FALSE(got[i].quarantine.has_value());
  }
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(got[i].value == first[i].value);
    CHECK(got[i].event_type == first[i].event_type);
    CHECK(got[i].schema_version == first[i].schema_version);
  }
  CHECK(unsealed(got[4].value) == "second#1");

  SECTION("a read from the middle returns at most max_records, in order") {
    const auto mid = must(log.read(Topic::kPersonEvents, p, 2, 2, kSoon));
    REQUIRE(mid.size() == 2);
    CHECK(mid[0].offset == 2);
    CHECK(mid[1].offset == 3);
  }
  SECTION("another partition and the other topic are untouched") {
    for (int32_t q = 0; q < log.partition_count(Topic::kPersonEvents); ++q) {
      if (q != p) CHECK(must(log.high_water_mark(Topic::kPersonEvents, q)) == 0);
    }
    for (int32_t q = 0; q < log.partition_count(Topic::kCompanyEvents); ++q) {
      CHECK(must(log.high_water_mark(Topic::kCompanyEvents, q)) == 0);
    }
  }
}

TEMPLATE_TEST_CASE("an empty batch writes nothing", "[log][conformance]", KASSA_LOG_FIXTURES) {
  TestType f;
  const auto offsets = must(f.log->append(Topic::kCompanyEvents, "0123456789", {}));
  CHECK(offsets.empty());
  for (int32_t q = 0; q < f.log->partition_count(Topic::kCompanyEvents); ++q) {
    CHECK(must(f.log->high_water_mark(Topic::kCompanyEvents, q)) == 0);
  }
}

TEMPLATE_TEST_CASE("bad arguments are refused", "[log][conformance]", KASSA_LOG_FIXTURES) {
  TestType f;
  EventLog& log = *f.log;
  auto records = make_records("x", 1);
  auto to_quarantine = log.append(Topic::kQuarantine, "k", records);
  REQUIRE_FALSE(to_quarantine.ok());
  CHECK(to_quarantine.error().code == kassa::Errc::kInvalidArgument);
  auto no_key = log.append(Topic::kPersonEvents, "", records);
  REQUIRE_FALSE(no_key.ok());
  CHECK(no_key.error().code == kassa::Errc::kInvalidArgument);
  auto no_partition =
      log.high_water_mark(Topic::kPersonEvents, log.partition_count(Topic::kPersonEvents));
  CHECK_FALSE(no_partition.ok());
  auto beyond = log.read(Topic::kPersonEvents, 0, 1, 10, milliseconds(0));
  REQUIRE_FALSE(beyond.ok());
  CHECK(beyond.error().code == kassa::Errc::kInvalidArgument);
}

TEMPLATE_TEST_CASE("reading at the high-water mark waits, then returns nothing or the new record",
                   "[log][conformance]", KASSA_LOG_FIXTURES) {
  TestType f;
  EventLog& log = *f.log;
  const std::string key = "party-wait";
  const int32_t p = log.partition_for(Topic::kPersonEvents, key);

  const auto t0 = std::chrono::steady_clock::now();
  const auto nothing = must(log.read(Topic::kPersonEvents, p, 0, 10, milliseconds(300)));
  CHECK(nothing.empty());
  CHECK(std::chrono::steady_clock::now() - t0 >= milliseconds(250));

  std::thread writer([&] {
    std::this_thread::sleep_for(milliseconds(200));
    (void)must(log.append(Topic::kPersonEvents, key, make_records("late", 1)));
  });
  const auto late = must(log.read(Topic::kPersonEvents, p, 0, 10, milliseconds(10'000)));
  writer.join();
  REQUIRE(late.size() == 1);
  CHECK(unsealed(late[0].value) == "late#0");
}

TEMPLATE_TEST_CASE("records of one key stay in one partition, in order; partitions follow murmur2",
                   "[log][conformance]", KASSA_LOG_FIXTURES) {
  TestType f;
  EventLog& log = *f.log;
  constexpr int kKeys = 20;
  constexpr int kRounds = 5;
  for (int round = 0; round < kRounds; ++round) {
    for (int k = 0; k < kKeys; ++k) {
      const std::string key = "party-" + std::to_string(k);
      (void)must(log.append(Topic::kPersonEvents, key,
                            make_records(key + "/r" + std::to_string(round), 3)));
    }
  }
  std::set<int32_t> used;
  std::map<std::string, std::vector<std::string>> seen;
  for (int32_t p = 0; p < log.partition_count(Topic::kPersonEvents); ++p) {
    for (const auto& r : read_all(log, Topic::kPersonEvents, p)) {
      CHECK(r.partition == partition_for_key(r.key, log.partition_count(Topic::kPersonEvents)));
      seen[r.key].push_back(unsealed(r.value));
      used.insert(p);
    }
  }
  REQUIRE(seen.size() == kKeys);
  for (const auto& [key, values] : seen) {
    REQUIRE(values.size() == kRounds * 3);
    for (int i = 0; i < kRounds * 3; ++i) {
      CHECK(values[static_cast<std::size_t>(i)] ==
            key + "/r" + std::to_string(i / 3) + "#" + std::to_string(i % 3));
    }
  }
  CHECK(used.size() == static_cast<std::size_t>(log.partition_count(Topic::kPersonEvents)));
  // The same function as Kafka's Java client; see partitioner_test.cpp.
  CHECK(log.partition_for(Topic::kPersonEvents, "party-0") == partition_for_key("party-0", 4));
}

TEMPLATE_TEST_CASE("append_many writes several aggregates at once", "[log][conformance]",
                   KASSA_LOG_FIXTURES) {
  TestType f;
  EventLog& log = *f.log;
  std::vector<std::vector<Record>> records;
  std::vector<std::string> keys;
  for (int k = 0; k < 6; ++k) {
    keys.push_back("company-" + std::to_string(k));
    records.push_back(make_records(keys.back(), k + 1));
  }
  std::vector<KeyedBatch> batches;
  for (std::size_t k = 0; k < keys.size(); ++k) batches.push_back({keys[k], records[k]});
  const auto offsets = must(log.append_many(Topic::kCompanyEvents, batches));
  REQUIRE(offsets.size() == keys.size());
  for (std::size_t k = 0; k < keys.size(); ++k) {
    REQUIRE(offsets[k].size() == k + 1);
    const int32_t p = log.partition_for(Topic::kCompanyEvents, keys[k]);
    const auto got = must(log.read(Topic::kCompanyEvents, p, offsets[k].front(), k + 1, kSoon));
    REQUIRE(got.size() == k + 1);
    for (std::size_t i = 0; i < got.size(); ++i) {
      CHECK(got[i].offset == offsets[k][i]);
      CHECK(got[i].key == keys[k]);
      CHECK(unsealed(got[i].value) == keys[k] + "#" + std::to_string(i));
    }
  }
}

TEMPLATE_TEST_CASE("a subscription delivers every partition in order from stored offsets",
                   "[log][conformance]", KASSA_LOG_FIXTURES) {
  TestType f;
  EventLog& log = *f.log;
  constexpr int kKeys = 12;
  for (int k = 0; k < kKeys; ++k) {
    (void)must(log.append(Topic::kPersonEvents, "p" + std::to_string(k), make_records("a", 4)));
  }
  (void)must(log.append(Topic::kCompanyEvents, "c0", make_records("company", 2)));
  auto sub = must(log.subscribe(all_partitions(log, Topic::kPersonEvents)));
  const auto got = poll_n(*sub, kKeys * 4);
  REQUIRE(got.size() == kKeys * 4);
  std::map<int32_t, int64_t> next;
  for (const auto& r : got) {
    CHECK(r.topic == Topic::kPersonEvents);  // the company topic was not asked for
    CHECK(r.offset == next[r.partition]);    // no gap, no repeat
    next[r.partition] = r.offset + 1;
  }
  for (const Position& pos : sub->positions()) {
    CHECK(pos.offset == must(log.high_water_mark(pos.topic, pos.partition)));
  }
  CHECK(must(sub->poll(10, milliseconds(200))).empty());

  SECTION("records appended later arrive on the same subscription") {
    (void)must(log.append(Topic::kPersonEvents, "p3", make_records("later", 2)));
    const auto later = poll_n(*sub, 2);
    REQUIRE(later.size() == 2);
    CHECK(unsealed(later[0].value) == "later#0");
    CHECK(unsealed(later[1].value) == "later#1");
  }
  SECTION("a new subscription resumes from stored positions") {
    std::vector<Position> stored = all_partitions(log, Topic::kPersonEvents);
    const int32_t p = log.partition_for(Topic::kPersonEvents, "p5");
    const int64_t hwm = must(log.high_water_mark(Topic::kPersonEvents, p));
    for (Position& pos : stored) pos.offset = must(log.high_water_mark(pos.topic, pos.partition));
    stored[static_cast<std::size_t>(p)].offset = hwm - 2;  // two records left to read
    stored.push_back({Topic::kCompanyEvents, log.partition_for(Topic::kCompanyEvents, "c0"), 1});
    auto resumed = must(log.subscribe(stored));
    const auto rest = poll_n(*resumed, 3);
    REQUIRE(rest.size() == 3);
    std::multiset<std::pair<int, int64_t>> where;
    for (const auto& r : rest) where.insert({static_cast<int>(r.topic), r.offset});
    CHECK(where.count({static_cast<int>(Topic::kPersonEvents), hwm - 2}) == 1);
    CHECK(where.count({static_cast<int>(Topic::kPersonEvents), hwm - 1}) == 1);
    CHECK(where.count({static_cast<int>(Topic::kCompanyEvents), 1}) == 1);
  }
}

TEMPLATE_TEST_CASE("a quarantined record keeps its bytes, reason and origin", "[log][conformance]",
                   KASSA_LOG_FIXTURES) {
  TestType f;
  EventLog& log = *f.log;
  (void)must(log.append(Topic::kCompanyEvents, "0999888777", make_records("q", 3)));
  const int32_t p = log.partition_for(Topic::kCompanyEvents, "0999888777");
  const auto original = must(log.read(Topic::kCompanyEvents, p, 2, 1, kSoon)).at(0);
  REQUIRE(log.append_quarantine(original, "HashChain: previous hash differs").ok());

  const auto q = must(read_quarantine(log));
  REQUIRE(q.size() == 1);
  CHECK(q[0].topic == Topic::kQuarantine);
  CHECK(q[0].key == quarantine_key(log.config(), Topic::kCompanyEvents, p, 2));
  CHECK(q[0].value == original.value);
  CHECK(q[0].event_type == original.event_type);
  CHECK(q[0].schema_version == original.schema_version);
  REQUIRE(q[0].quarantine.has_value());
  CHECK(q[0].quarantine->reason == "HashChain: previous hash differs");
  CHECK(q[0].quarantine->source_topic == Topic::kCompanyEvents);
  CHECK(q[0].quarantine->source_partition == p);
  CHECK(q[0].quarantine->source_offset == 2);
}

TEMPLATE_TEST_CASE("a corrupted record goes to the quarantine and the reader goes on",
                   "[log][conformance][quarantine]", KASSA_LOG_FIXTURES) {
  TestType f;
  EventLog& log = *f.log;
  const std::string key = "party-corrupt";
  const int32_t p = log.partition_for(Topic::kPersonEvents, key);
  (void)must(log.append(Topic::kPersonEvents, key, make_records("before", 1)));
  f.inject_raw(Topic::kPersonEvents, key, "\x01garbage that is no event");
  (void)must(log.append(Topic::kPersonEvents, key, make_records("after", 2)));
  std::string tampered = sealed("tampered");
  tampered[3] = 'X';
  const std::vector<Record> bad_crc = {Record{tampered, std::string(kEventA), 1}};
  (void)must(log.append(Topic::kPersonEvents, key, bad_crc));
  (void)must(log.append(Topic::kPersonEvents, key, make_records("last", 1)));

  auto read_through = [&](VerifyingReader& reader) {
    std::vector<StoredRecord> good;
    while (good.size() < 4) {
      auto got = must(reader.poll(100, kSoon));
      if (got.empty()) break;
      for (auto& r : got) good.push_back(std::move(r));
    }
    return good;
  };
  VerifyingReader reader(log, must(log.subscribe({{Topic::kPersonEvents, p, 0}})), test_verifier());
  const auto good = read_through(reader);
  REQUIRE(good.size() == 4);
  CHECK(unsealed(good[0].value) == "before#0");
  CHECK(unsealed(good[1].value) == "after#0");
  CHECK(unsealed(good[2].value) == "after#1");
  CHECK(unsealed(good[3].value) == "last#0");
  CHECK(reader.quarantined_count() == 2);
  CHECK(reader.positions() == std::vector<Position>{{Topic::kPersonEvents, p, 6}});

  auto q = must(read_quarantine(log));
  REQUIRE(q.size() == 2);
  CHECK(q[0].quarantine->source_offset == 1);
  CHECK(q[0].quarantine->reason.find("UnknownEventType") != std::string::npos);
  CHECK(q[0].value == "\x01garbage that is no event");
  CHECK(q[1].quarantine->source_offset == 4);
  CHECK(q[1].quarantine->reason.find("checksum") != std::string::npos);

  SECTION("a restarted reader re-reads the bad records without quarantining them twice") {
    VerifyingReader again(log, must(log.subscribe({{Topic::kPersonEvents, p, 0}})),
                          test_verifier());
    CHECK(read_through(again).size() == 4);
    CHECK(again.quarantined_count() == 2);
    CHECK(must(read_quarantine(log)).size() == 2);
  }
}

TEMPLATE_TEST_CASE("10,000 records in one append", "[log][conformance][throughput]",
                   KASSA_LOG_FIXTURES) {
  TestType f;
  EventLog& log = *f.log;
  const auto records = make_records(std::string(200, 'v'), 10'000);
  const auto t0 = std::chrono::steady_clock::now();
  const auto offsets = must(log.append(Topic::kPersonEvents, "bulk", records));
  const auto ms =
      std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - t0).count();
  REQUIRE(offsets.size() == records.size());
  for (std::size_t i = 0; i < offsets.size(); ++i) REQUIRE(offsets[i] == static_cast<int64_t>(i));
  WARN(TestType::kName << ": 10,000 records of ~210 bytes appended durably in " << ms << " ms");
  CHECK(ms < 10'000);
  const int32_t p = log.partition_for(Topic::kPersonEvents, "bulk");
  CHECK(read_all(log, Topic::kPersonEvents, p).size() == records.size());
}

TEMPLATE_TEST_CASE("appends from several threads at once each get their own offsets",
                   "[log][conformance][concurrency]", KASSA_LOG_FIXTURES) {
  TestType f;
  EventLog& log = *f.log;
  constexpr int kThreads = 4;
  constexpr int kAppends = 25;
  constexpr int kPerAppend = 400;
  std::vector<std::vector<int64_t>> offsets_of(kThreads);
  std::atomic<int> failures{0};
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string key = "writer-" + std::to_string(t);
      for (int i = 0; i < kAppends; ++i) {
        auto r = log.append(Topic::kPersonEvents, key,
                            make_records(key + "/" + std::to_string(i), kPerAppend));
        if (!r.ok()) {
          ++failures;
          return;
        }
        offsets_of[static_cast<std::size_t>(t)].insert(
            offsets_of[static_cast<std::size_t>(t)].end(), r->begin(), r->end());
      }
    });
  }
  for (auto& th : threads) th.join();
  const auto ms =
      std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - t0).count();
  REQUIRE(failures == 0);
  WARN(TestType::kName << ": " << kThreads * kAppends * kPerAppend << " records in "
                       << kThreads * kAppends << " appends from " << kThreads << " threads in "
                       << ms << " ms");
  for (int t = 0; t < kThreads; ++t) {
    const std::string key = "writer-" + std::to_string(t);
    const int32_t p = log.partition_for(Topic::kPersonEvents, key);
    std::vector<std::string> values;
    for (const auto& r : read_all(log, Topic::kPersonEvents, p)) {
      if (r.key == key) values.push_back(unsealed(r.value));
    }
    REQUIRE(values.size() == static_cast<std::size_t>(kAppends * kPerAppend));
    for (std::size_t i = 0; i < values.size(); ++i) {
      REQUIRE(values[i] ==
              key + "/" + std::to_string(i / kPerAppend) + "#" + std::to_string(i % kPerAppend));
    }
    const auto& mine = offsets_of[static_cast<std::size_t>(t)];
    CHECK(std::is_sorted(mine.begin(), mine.end()));
  }
}
