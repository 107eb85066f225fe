// The Kafka clients' state for GET /metrics, from the real broker: the
// producer and a reader report their brokers UP and what they moved.

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "log/kafka/kafka_log.h"
#include "log_fixtures.h"
#include "support/kafka_fixture.h"

using namespace kassa::log;
using namespace kassa::log::testing;

namespace {

const EventLog::ClientStats* client(const std::vector<EventLog::ClientStats>& all,
                                    const std::string& role) {
  for (const auto& c : all) {
    if (c.role == role) return &c;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("the producer and a reader report their brokers and traffic every second",
          "[log][kafka][metrics]") {
  // Before: /metrics said nothing of Kafka but "writable"; an operator could
  // not see a broker connection down, a growing producer queue or errors.
  LogConfig config = small_config();
  config.brokers = kassa::testing::test_brokers();
  config.topic_prefix = kassa::testing::unique_name("kassa.test.stats");
  auto log = must(kafka::KafkaLog::open(config));
  std::vector<Record> records(3, Record{"x", "Test", 1});
  (void)must(log->append(Topic::kPersonEvents, "P-stats", records));
  const std::int32_t partition = log->partition_for(Topic::kPersonEvents, "P-stats");
  auto sub = must(log->subscribe({Position{Topic::kPersonEvents, partition, 0}}));

  // Statistics come every second; wait for the figures (not timed: a
  // generous deadline for a slow machine).
  std::size_t read = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::vector<EventLog::ClientStats> stats;
  while (std::chrono::steady_clock::now() < deadline) {
    read += must(sub->poll(100, std::chrono::milliseconds(200))).size();
    stats = log->client_stats();
    const auto* p = client(stats, "producer");
    const auto* c = client(stats, "consumer");
    if (read >= 3 && p != nullptr && p->messages_sent >= 3 && c != nullptr &&
        c->messages_received >= 3 && p->brokers_by_state.count("UP") != 0 &&
        c->brokers_by_state.count("UP") != 0) {
      break;
    }
  }
  REQUIRE(read == 3);
  const auto* producer = client(stats, "producer");
  const auto* consumer = client(stats, "consumer");
  REQUIRE(producer != nullptr);
  REQUIRE(consumer != nullptr);
  CHECK(producer->brokers_by_state.at("UP") >= 1);
  CHECK(producer->messages_sent >= 3);
  CHECK(producer->queued_messages == 0);  // every append was acknowledged
  CHECK(producer->bytes_sent > 0);
  CHECK_FALSE(producer->rtt_seconds.empty());
  CHECK(consumer->brokers_by_state.at("UP") >= 1);
  CHECK(consumer->messages_received >= 3);
  CHECK(producer->age_seconds < 30.0);

  // A reader that is gone leaves the board.
  sub.reset();
  CHECK(client(log->client_stats(), "consumer") == nullptr);
  CHECK(client(log->client_stats(), "producer") != nullptr);
}
