// Topic set-up on the real broker: creation is idempotent, and a topic that
// exists with another partition count is refused (keys would move).

#include <catch2/catch.hpp>

#include "log/kafka/kafka_log.h"
#include "log_fixtures.h"
#include "support/kafka_fixture.h"

using namespace kassa::log;
using namespace kassa::log::testing;

TEST_CASE("opening Kafka creates the topics once and checks their partition counts",
          "[log][kafka][topics]") {
  LogConfig config = small_config();
  config.brokers = kassa::testing::test_brokers();
  config.topic_prefix = kassa::testing::unique_name("kassa.test.topics");
  { (void)must(kafka::KafkaLog::open(config)); }
  CHECK(kassa::testing::partition_count(config.topic_name(Topic::kPersonEvents)) == 4);
  CHECK(kassa::testing::partition_count(config.topic_name(Topic::kCompanyEvents)) == 2);
  CHECK(kassa::testing::partition_count(config.topic_name(Topic::kQuarantine)) == 1);

  SECTION("a second open finds them and goes on") {
    auto again = kafka::KafkaLog::open(config);
    CHECK(again.ok());
  }
  SECTION("another partition count is refused") {
    config.person_partitions = 8;
    auto other = kafka::KafkaLog::open(config);
    REQUIRE_FALSE(other.ok());
    CHECK(other.error().code == kassa::Errc::kConflict);
    CHECK(other.error().rule == "TopicPartitionCount");
  }
}

TEST_CASE("a topic that would delete records by age or size is refused, naming the fix",
          "[log][kafka][topics][retention]") {
  // Before: Kassa created its topics with the broker's defaults (7 days'
  // retention on a stock broker) and opened existing ones whatever their
  // retention: the ledger's history would have been deleted after a week.
  // (The test above shows the topics Kassa creates pass this check: every
  // open checks them.)
  LogConfig config = small_config();
  config.brokers = kassa::testing::test_brokers();
  config.topic_prefix = kassa::testing::unique_name("kassa.test.retention");
  kassa::testing::create_topic(config.topic_name(Topic::kPersonEvents), config.person_partitions);
  kassa::testing::create_topic(config.topic_name(Topic::kCompanyEvents), config.company_partitions);
  kassa::testing::create_topic(config.topic_name(Topic::kQuarantine), 1);
  auto opened = kafka::KafkaLog::open(config);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error().code == kassa::Errc::kConflict);
  CHECK(opened.error().rule == "TopicRetention");
  INFO(opened.error().message);
  CHECK(opened.error().message.find(config.topic_name(Topic::kPersonEvents)) != std::string::npos);
  CHECK(opened.error().message.find("retention.ms=") != std::string::npos);
  CHECK(opened.error().message.find("--add-config retention.ms=-1,retention.bytes=-1") !=
        std::string::npos);
}
