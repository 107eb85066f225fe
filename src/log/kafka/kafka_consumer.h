#pragma once
// KafkaSubscription — the Kafka adapter's reader: a plain consumer that is
// assigned (never subscribed) to explicit topic-partition offsets, commits
// nothing, and reads only committed data (isolation.level=read_committed).
// The caller keeps its own offsets (the projector stores them in RocksDB).
//
// Thread-safety: one thread at a time (librdkafka's consumer is thread-safe,
// the position bookkeeping here is not).

#include <librdkafka/rdkafka.h>

#include <memory>

#include "log/event_log.h"
#include "log/kafka/kafka_stats.h"

namespace kassa::log::kafka {

class KafkaSubscription final : public Subscription {
 public:
  // A consumer of `config`'s brokers, assigned to `from`; with a board, its
  // statistics go there every second (and leave it when the consumer is
  // destroyed). Only for a consumer polled all the time (the projector's):
  // librdkafka queues the statistics until a poll, so an idle one would
  // grow without bound.
  static Result<std::unique_ptr<KafkaSubscription>> open(
      const LogConfig& config, std::vector<Position> from,
      std::shared_ptr<KafkaStatsBoard> stats = nullptr);
  ~KafkaSubscription() override;
  KafkaSubscription(const KafkaSubscription&) = delete;
  KafkaSubscription& operator=(const KafkaSubscription&) = delete;

  // Replaces the assignment; records prefetched for the old one are dropped.
  Status assign(std::vector<Position> from);

  Result<std::vector<StoredRecord>> poll(std::size_t max,
                                         std::chrono::milliseconds timeout) override;
  std::vector<Position> positions() const override { return positions_; }

  // Like poll(), but keeps waiting until `min_records` arrived (or the
  // deadline), then takes what is already fetched up to `max`.
  Result<std::vector<StoredRecord>> collect(std::size_t max, std::size_t min_records,
                                            std::chrono::steady_clock::time_point deadline);

 private:
  KafkaSubscription(const LogConfig& config, rd_kafka_t* rk,
                    std::shared_ptr<KafkaStatsBoard> stats);
  static int on_stats(rd_kafka_t* rk, char* json, size_t len, void* opaque);
  Position* position_of(Topic topic, int32_t partition);

  LogConfig config_;
  rd_kafka_t* rk_;
  std::shared_ptr<KafkaStatsBoard> stats_;
  std::vector<Position> positions_;
};

// Maps a full topic name back to the Topic it names under `config`'s prefix.
std::optional<Topic> topic_from_name(const LogConfig& config, std::string_view name);

}  // namespace kassa::log::kafka
