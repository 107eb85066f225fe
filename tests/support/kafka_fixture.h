#pragma once
// Test support for tests against the real broker started by scripts/kafka.
// Plain librdkafka C API with RAII handles; used by integration tests only.

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace kassa::testing {

// Bootstrap servers of the test broker: KASSA_KAFKA_BROKERS, else
// 127.0.0.1:$KASSA_KAFKA_PORT (default 9092), as scripts/kafka starts it.
std::string test_brokers();

// A name no earlier run used: prefix + time + random suffix.
std::string unique_name(const std::string& prefix);

// Runs `scripts/kafka ARGS` from the source tree; returns its exit status.
int run_kafka_script(const std::string& args);

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const {
    if (rk != nullptr) rd_kafka_destroy(rk);
  }
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaDeleter>;

// Builds a configuration from key/value pairs; throws on a bad setting.
rd_kafka_conf_t* make_conf(const std::vector<std::pair<std::string, std::string>>& settings);

// Creates a topic with the given partitions (replication 1) through the
// admin API and waits for the result. Throws with the broker's message.
void create_topic(const std::string& topic, int partitions);

// Number of partitions the broker reports for a topic (-1 if unknown).
int partition_count(const std::string& topic);

struct ConsumedMessage {
  std::string key;
  std::string value;
  int32_t partition = -1;
  int64_t offset = -1;
};

// Consumes a topic from the beginning with a fresh consumer group until
// `expected` messages arrived or `timeout` passed with nothing new.
std::vector<ConsumedMessage> consume_all(const std::string& topic, std::size_t expected,
                                         std::chrono::seconds idle_timeout);

}  // namespace kassa::testing
