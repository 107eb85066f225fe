#pragma once
// WriterLog — the event log as this process's writers see it: every call is
// forwarded, and each partition's "durable mark" is kept: the offset just
// past everything known durable in it (the high-water mark when first
// asked, then raised by this process's own successful appends).
//
// Why: a writer's Loader must answer "as of everything durable", which means
// waiting until the projector applied everything below the mark. Asking the
// broker for its high-water mark costs a round trip per load (a batch run
// loads a million aggregates); since this process is the only writer of its
// partitions (single writer per partition), its own acknowledged offsets
// are the mark. After a failed append some records may have landed at
// offsets nobody told us: the partition's mark is forgotten and the next
// question asks the log again.
//
// Thread-safety: all methods from any thread.

#include <array>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "log/forwarding_log.h"

namespace kassa::write {

class WriterLog final : public log::ForwardingLog {
 public:
  explicit WriterLog(log::EventLog& inner) : ForwardingLog(inner) {}

  // The offset just past every event known durable in the partition.
  Result<std::int64_t> durable_mark(log::Topic topic, std::int32_t partition) {
    std::uint64_t generation = 0;
    {
      std::lock_guard lock(mu_);
      auto it = marks_.find({topic, partition});
      if (it != marks_.end()) return it->second;
      generation = generation_;
    }
    KASSA_ASSIGN_OR_RETURN(auto hwm, inner().high_water_mark(topic, partition));
    std::lock_guard lock(mu_);
    // A failed append meanwhile may have landed records past `hwm`: answer,
    // but do not remember a mark that may be stale.
    if (generation != generation_) return hwm;
    auto& mark = marks_[{topic, partition}];
    mark = std::max(mark, hwm);
    return mark;
  }

  // What this process's writers appended (GET /metrics): durable events by
  // type, and each append's time until durable (append or append_many =
  // one observation), failed ones apart.
  static constexpr std::array<double, 12> kLatencyBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                            0.1,   0.25,   0.5,   1.0,  2.5,   5.0};
  struct AppendStats {
    std::map<std::string, std::uint64_t> events_by_type;
    std::array<std::uint64_t, kLatencyBounds.size()> latency{};  // per bound, not cumulative
    std::uint64_t appends = 0;                                   // durable appends
    double seconds = 0;                                          // their time, summed
    std::uint64_t failures = 0;                                  // appends that failed
  };
  AppendStats append_stats() const {
    std::lock_guard lock(stats_mu_);
    return stats_;
  }

  Result<std::vector<std::int64_t>> append(log::Topic topic, std::string_view key,
                                           std::span<const log::Record> records) override {
    const std::int32_t partition = partition_for(topic, key);
    const auto start = std::chrono::steady_clock::now();
    auto offsets = inner().append(topic, key, records);
    timed(start, offsets.ok());
    if (!offsets) {
      forget(topic, partition);
      return offsets;
    }
    typed(records);
    if (!offsets->empty()) raise(topic, partition, offsets->back() + 1);
    return offsets;
  }

  Result<std::vector<std::vector<std::int64_t>>> append_many(
      log::Topic topic, std::span<const log::KeyedBatch> batches) override {
    const auto start = std::chrono::steady_clock::now();
    auto offsets = inner().append_many(topic, batches);
    timed(start, offsets.ok());
    if (!offsets) {
      std::lock_guard lock(mu_);
      for (const auto& b : batches) marks_.erase({topic, partition_for(topic, b.aggregate_key)});
      ++generation_;
      return offsets;
    }
    for (std::size_t i = 0; i < batches.size(); ++i) {
      typed(batches[i].records);
      if (!(*offsets)[i].empty()) {
        raise(topic, partition_for(topic, batches[i].aggregate_key), (*offsets)[i].back() + 1);
      }
    }
    return offsets;
  }

 private:
  // One append, durable (its time) or not (a failure).
  void timed(std::chrono::steady_clock::time_point start, bool ok) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::lock_guard lock(stats_mu_);
    if (!ok) {
      ++stats_.failures;
      return;
    }
    std::size_t i = 0;
    while (i < kLatencyBounds.size() && seconds > kLatencyBounds[i]) ++i;
    if (i < kLatencyBounds.size()) ++stats_.latency[i];
    ++stats_.appends;
    stats_.seconds += seconds;
  }
  // Durable events, by type.
  void typed(std::span<const log::Record> records) {
    std::lock_guard lock(stats_mu_);
    for (const log::Record& r : records) ++stats_.events_by_type[r.event_type];
  }

  void raise(log::Topic topic, std::int32_t partition, std::int64_t next) {
    std::lock_guard lock(mu_);
    auto it = marks_.find({topic, partition});
    if (it != marks_.end()) {
      it->second = std::max(it->second, next);
    } else {
      // Without a mark we do not know what else is durable: leave it
      // unknown, and keep a durable_mark() that read the high-water mark
      // before this append from remembering that older answer.
      ++generation_;
    }
  }
  void forget(log::Topic topic, std::int32_t partition) {
    std::lock_guard lock(mu_);
    marks_.erase({topic, partition});
    ++generation_;
  }

  std::mutex mu_;
  std::map<std::pair<log::Topic, std::int32_t>, std::int64_t> marks_;
  std::uint64_t generation_ = 0;  // counts marks forgotten or raised while unknown
  mutable std::mutex stats_mu_;
  AppendStats stats_;  // guarded by stats_mu_
};

}  // namespace kassa::write
