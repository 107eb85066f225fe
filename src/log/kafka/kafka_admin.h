#pragma once
// Topic administration for the Kafka adapter: create Kassa's topics with the
// configured partitions, idempotently, and check what the broker has.
//
// Thread-safety: stateless functions; each call uses the handle it is given
// (librdkafka handles are thread-safe).

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <string>
#include <vector>

#include "domain/result.h"

namespace kassa::log::kafka {

struct TopicSpec {
  std::string name;
  int32_t partitions = 1;
  int16_t replication_factor = 1;
};

// Sends the client's own log lines (connection failures, broker state)
// through spdlog, in Kassa's format (`librdkafka client=... facility=...
// message="..."`), instead of librdkafka's own lines on stderr. Syslog
// levels 0-3 log as error, 4 warn, 5-6 info, 7 debug. Every client Kassa
// makes calls it on its configuration.
void use_structured_log(rd_kafka_conf_t* conf);

// Creates every missing topic ("already exists" is fine) with
// retention.ms=-1, retention.bytes=-1 and cleanup.policy=delete (the log
// is the ledger: kept forever, never compacted), then checks each topic's
// partition count against its spec and its effective retention settings
// (a broker's default of 7 days would delete the history).
// Errors: kUnavailable (broker unreachable, creation refused),
// kConflict (a topic exists with another partition count:
// TopicPartitionCount; or would delete records: TopicRetention).
Status ensure_topics(rd_kafka_t* rk, const std::vector<TopicSpec>& topics,
                     std::chrono::milliseconds timeout);

// The partition count the broker reports for a topic.
Result<int32_t> broker_partition_count(rd_kafka_t* rk, const std::string& topic,
                                       std::chrono::milliseconds timeout);

}  // namespace kassa::log::kafka
