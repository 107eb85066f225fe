// The partitioner both adapters share is Kafka's default (Java) one.

#include <librdkafka/rdkafka.h>
#include <catch2/catch.hpp>

#include "log/event_log.h"

using namespace kassa::log;

TEST_CASE("murmur2 gives the values of Kafka's Java client", "[log][partitioner]") {
  // Printed by org.apache.kafka.common.utils.Utils.murmur2 (kafka-clients 4.1.2).
  CHECK(static_cast<int32_t>(murmur2("21")) == -973932308);
  CHECK(static_cast<int32_t>(murmur2("foobar")) == -790332482);
  CHECK(static_cast<int32_t>(murmur2("party-0001")) == -1545035577);
  CHECK(static_cast<int32_t>(murmur2("abc")) == 479470107);
  CHECK(static_cast<int32_t>(murmur2("")) == 275646681);
  // toPositive(murmur2(key)) % 8, as the Java DefaultPartitioner / BuiltInPartitioner.
  CHECK(partition_for_key("21", 8) == 4);
  CHECK(partition_for_key("foobar", 8) == 6);
  CHECK(partition_for_key("party-0001", 8) == 7);
  CHECK(partition_for_key("abc", 8) == 3);
}

TEST_CASE("partition_for_key agrees with librdkafka's murmur2 partitioner", "[log][partitioner]") {
  for (int i = 0; i < 5000; ++i) {
    const std::string key =
        "party-" + std::to_string(i * 7919) + std::string(static_cast<std::size_t>(i % 5), 'x');
    for (int32_t n : {1, 3, 4, 8, 12, 64}) {
      const int32_t ours = partition_for_key(key, n);
      const int32_t theirs =
          rd_kafka_msg_partitioner_murmur2(nullptr, key.data(), key.size(), n, nullptr, nullptr);
      REQUIRE(ours == theirs);
    }
  }
}
