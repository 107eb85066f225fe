#pragma once
// KafkaLog — the EventLog on Apache Kafka through librdkafka's C API.
//
// Producer: acks=all, enable.idempotence=true (librdkafka's default is off),
// linger.ms=5, lz4. The partition is passed explicitly (partition_for_key,
// the Java default partitioner), so the journal and Kafka agree and any
// Java client with the same key lands on the same partition. append()
// produces the whole batch, then waits for the delivery report of each of
// its records (tracked per call through the message opaque, not a global
// flush); any failed report makes append() return kUnavailable. Record
// values are not copied: append() blocks until the reports, so the caller's
// buffers outlive the messages.
//
// Headers: "kassa.event_type", "kassa.schema_version" (decimal); quarantine
// records add "kassa.reason", "kassa.source_topic", "kassa.source_partition",
// "kassa.source_offset". Message contents are never logged (they may hold
// encrypted personal data): log lines carry topic, partition and offset only.
//
// Reading: KafkaSubscription (assign at explicit offsets, no commits,
// read_committed). High-water marks through ListOffsets.
//
// Threads: one poller thread per KafkaLog serves delivery reports and
// errors. append() and append_many() may run on several threads at once,
// which lets callers pipeline batches; read() is serialised on one reader.

#include <librdkafka/rdkafka.h>

#include <array>
#include <atomic>
#include <mutex>
#include <thread>

#include "log/event_log.h"
#include "log/kafka/kafka_consumer.h"
#include "log/kafka/kafka_stats.h"

namespace kassa::log::kafka {

class KafkaLog final : public EventLog {
 public:
  // Connects, creates or checks the topics (config.topic_setup).
  // Errors: kUnavailable (brokers unreachable), kConflict (a topic exists
  // with another partition count), kInvalidArgument (bad settings).
  static Result<std::unique_ptr<KafkaLog>> open(const LogConfig& config);
  ~KafkaLog() override;
  KafkaLog(const KafkaLog&) = delete;
  KafkaLog& operator=(const KafkaLog&) = delete;

  Result<std::vector<int64_t>> append(Topic topic, std::string_view aggregate_key,
                                      std::span<const Record> records) override;
  Result<std::vector<std::vector<int64_t>>> append_many(
      Topic topic, std::span<const KeyedBatch> batches) override;
  Status append_quarantine(const StoredRecord& original, std::string_view reason) override;
  int32_t partition_count(Topic topic) const override { return config_.partitions(topic); }
  Result<std::vector<StoredRecord>> read(Topic topic, int32_t partition, int64_t from_offset,
                                         std::size_t max_records,
                                         std::chrono::milliseconds wait) override;
  Result<int64_t> high_water_mark(Topic topic, int32_t partition) override;
  Result<std::unique_ptr<Subscription>> subscribe(std::vector<Position> from) override;
  const LogConfig& config() const override { return config_; }
  // Not writable while the circuit is open (below).
  Health health() const override;
  // The producer's and every subscription's latest statistics (not the
  // reader behind read(), polled only now and then).
  std::vector<ClientStats> client_stats() const override { return stats_->snapshot(); }

 private:
  struct Entry;
  struct Pending;
  explicit KafkaLog(LogConfig config);
  Status start();
  Result<std::vector<int64_t>> produce_and_wait(Topic topic, std::span<const Entry> entries);
  bool valid_partition(Topic topic, int32_t partition) const;
  static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* m, void* opaque);
  static void on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque);
  static int on_stats(rd_kafka_t* rk, char* json, size_t len, void* opaque);
  Status refuse_while_down() const;

  LogConfig config_;
  rd_kafka_t* producer_ = nullptr;
  std::array<rd_kafka_topic_t*, 3> topics_{};
  std::atomic<bool> stop_{false};
  std::atomic<bool> fatal_{false};
  // The circuit: open from librdkafka's "all brokers are down" until its
  // statistics (every second) show a broker connection UP again. While
  // open, nothing is produced and waiting appends are purged from the
  // queue, so callers hear 503 within a second, not after
  // message.timeout.ms with every HTTP worker held.
  std::atomic<bool> brokers_down_{false};
  std::shared_ptr<KafkaStatsBoard> stats_ = std::make_shared<KafkaStatsBoard>();
  std::thread poller_;
  std::mutex reader_mu_;
  std::unique_ptr<KafkaSubscription> reader_;  // for read(); guarded by reader_mu_
};

}  // namespace kassa::log::kafka
