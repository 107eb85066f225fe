#pragma once
// The EventLog port: an append-only, partitioned log of opaque records.
//
// The log knows nothing of the event encoding: a record is bytes plus the
// headers a consumer may filter on (event type, schema version). All records
// of one aggregate go to one partition chosen from the aggregate key, so
// they stay in order. Two adapters implement the port: kafka::KafkaLog and
// journal::JournalLog (the embedded default when no brokers are configured);
// tests/log/conformance_test.cpp holds both to the same contract.
//
// Contract:
//  * append() returns only after every record is durable (Kafka: acked by
//    all in-sync replicas; journal: fsync'd), with the offsets assigned in
//    the order of the records. On error nothing is promised: some records may
//    have landed (at-least-once for a failed batch); the caller treats the
//    whole batch as not done and may retry it.
//  * Offsets within a partition increase strictly. The journal's are
//    consecutive; Kafka's are consecutive for what Kassa writes (no
//    transactions, no compaction). A consumer resumes at "last offset + 1".
//  * high_water_mark() is the offset the next record will get.
//  * read() returns at least one record if any exists at from_offset, else
//    waits up to `wait` for one; from_offset > high-water mark is an error.
//
// Thread-safety: every method may be called from several threads at once.
// One writer per aggregate is the caller's job (the log keeps the order of
// records within one append, not between concurrent appends for one key).
// A Subscription is used by one thread at a time and must not outlive the
// EventLog that made it.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"
#include "log/log_config.h"

namespace kassa::log {

// What a writer hands to the log.
struct Record {
  std::string value;            // the encoded event: opaque bytes
  std::string event_type;       // header "kassa.event_type"
  uint16_t schema_version = 0;  // header "kassa.schema_version"
};

// Why and from where a record was quarantined (quarantine topic only).
struct QuarantineInfo {
  std::string reason;
  Topic source_topic = Topic::kPersonEvents;
  int32_t source_partition = -1;
  int64_t source_offset = -1;
};

// What a reader gets back.
struct StoredRecord {
  Topic topic = Topic::kPersonEvents;
  int32_t partition = -1;
  int64_t offset = -1;
  std::string key;  // the aggregate key
  std::string value;
  std::string event_type;
  uint16_t schema_version = 0;
  int64_t timestamp_us = 0;  // when the log stored it (Kafka: ms precision)
  std::optional<QuarantineInfo> quarantine;
};

// One aggregate's batch, for append_many().
struct KeyedBatch {
  std::string_view aggregate_key;
  std::span<const Record> records;
};

// A place in the log: the next offset to read from one topic-partition.
struct Position {
  Topic topic = Topic::kPersonEvents;
  int32_t partition = 0;
  int64_t offset = 0;
  friend bool operator==(const Position&, const Position&) = default;
};

// The partitioner both adapters share: Kafka's default Java partitioner,
// (murmur2(key) & 0x7fffffff) % partitions, so a Java or librdkafka
// "murmur2_random" client with the same key agrees with Kassa.
// REQUIRES: partitions > 0
int32_t partition_for_key(std::string_view key, int32_t partitions);
// Kafka's murmur2 (seed 0x9747b28c), as org.apache.kafka.common.utils.Utils.
uint32_t murmur2(std::string_view data);

// The key of a quarantine record: "<topic name>/<partition>/<offset>" of the
// original, so a second quarantine of the same record can be recognised.
std::string quarantine_key(const LogConfig& config, Topic topic, int32_t partition, int64_t offset);

// Delivers the records of a fixed set of topic-partitions, each partition in
// log order, from the given start offsets (the caller stores its own offsets:
// no consumer-group commits are involved).
class Subscription {
 public:
  virtual ~Subscription() = default;
  // Up to `max` records, waiting up to `timeout` for the first one. Records
  // of different partitions may interleave; within a partition they are in
  // order, without gaps or repeats.
  virtual Result<std::vector<StoredRecord>> poll(std::size_t max,
                                                 std::chrono::milliseconds timeout) = 0;
  // The next offset of every subscribed partition (advanced by poll()).
  virtual std::vector<Position> positions() const = 0;
};

class EventLog {
 public:
  virtual ~EventLog() = default;

  // Appends `records` for one aggregate, in order, to partition_for(topic,
  // aggregate_key); returns their offsets once all are durable. An empty
  // batch returns no offsets and writes nothing.
  // Errors: kUnavailable (broker or disk failed; the batch is not done),
  // kInvalidArgument (empty key, quarantine topic).
  virtual Result<std::vector<int64_t>> append(Topic topic, std::string_view aggregate_key,
                                              std::span<const Record> records) = 0;

  // Several aggregates' batches in one durable write (journal: one
  // WriteBatch; Kafka: produce all, then wait once). Offsets per batch, in
  // the order given. All or error, as append().
  virtual Result<std::vector<std::vector<int64_t>>> append_many(
      Topic topic, std::span<const KeyedBatch> batches) = 0;

  // Writes `original` to the quarantine log with the reason and its origin;
  // key = quarantine_key(original). Returns once durable.
  virtual Status append_quarantine(const StoredRecord& original, std::string_view reason) = 0;

  virtual int32_t partition_count(Topic topic) const = 0;
  int32_t partition_for(Topic topic, std::string_view aggregate_key) const {
    return partition_for_key(aggregate_key, partition_count(topic));
  }

  // Up to `max_records` from `from_offset` of one partition (see contract).
  virtual Result<std::vector<StoredRecord>> read(Topic topic, int32_t partition,
                                                 int64_t from_offset, std::size_t max_records,
                                                 std::chrono::milliseconds wait) = 0;

  // The offset the next record appended to the partition will get.
  virtual Result<int64_t> high_water_mark(Topic topic, int32_t partition) = 0;

  // A reader of the given partitions from the given offsets.
  // REQUIRES: every position names an existing partition.
  virtual Result<std::unique_ptr<Subscription>> subscribe(std::vector<Position> from) = 0;

  virtual const LogConfig& config() const = 0;

  // Whether appends can be expected to succeed now. The journal always
  // says yes; Kafka says no while no broker is reachable, and its appends,
  // high-water marks and reads then fail at once (kUnavailable, rule
  // BrokerUnavailable) instead of holding the caller for the producer's
  // message timeout. `detail` says why, for /health and /ready.
  struct Health {
    bool writable = true;
    std::string detail = "ok";
  };
  virtual Health health() const { return {}; }

  // The state of the log's clients, for GET /metrics: on Kafka one entry
  // per librdkafka client (the producer, each reader), from the statistics
  // librdkafka reports every second; the journal has none.
  struct ClientStats {
    std::string name;        // librdkafka's name of the client, e.g. "kassa#producer-1"
    std::string role;        // "producer" or "consumer"
    double age_seconds = 0;  // since these statistics were reported
    // The cluster's brokers this client knows (not the bootstrap
    // addresses), by connection state ("UP", "DOWN", "CONNECT", ...).
    std::map<std::string, std::uint32_t> brokers_by_state;
    // Each known broker ("host:port/id") and its average round-trip time.
    std::vector<std::pair<std::string, double>> rtt_seconds;
    std::uint64_t queued_messages = 0;  // waiting in the client's queues
    std::uint64_t messages_sent = 0;    // to brokers (a producer's records)
    std::uint64_t messages_received = 0;
    std::uint64_t bytes_sent = 0;  // requests, all brokers
    std::uint64_t bytes_received = 0;
    // Transmission and reception errors and request timeouts, all brokers.
    std::uint64_t errors = 0;
  };
  virtual std::vector<ClientStats> client_stats() const { return {}; }

  // A backup's copy of the log in `dir` (which must not exist): the
  // embedded journal copies itself consistently (log/checkpoint.h) and
  // answers true; a log that lives elsewhere (Kafka) copies nothing and
  // answers false.
  virtual Result<bool> checkpoint(const std::string& /*dir*/) { return false; }
};

// Opens the log the configuration names: Kafka when brokers are set, else
// the embedded journal. Creates topics (or the journal) if missing.
Result<std::unique_ptr<EventLog>> open_event_log(const LogConfig& config);

}  // namespace kassa::log
