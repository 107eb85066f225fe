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

#include <map>
#include <mutex>
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

  Result<std::vector<std::int64_t>> append(log::Topic topic, std::string_view key,
                                           std::span<const log::Record> records) override {
    const std::int32_t partition = partition_for(topic, key);
    auto offsets = inner().append(topic, key, records);
    if (!offsets) {
      forget(topic, partition);
      return offsets;
    }
    if (!offsets->empty()) raise(topic, partition, offsets->back() + 1);
    return offsets;
  }

  Result<std::vector<std::vector<std::int64_t>>> append_many(
      log::Topic topic, std::span<const log::KeyedBatch> batches) override {
    auto offsets = inner().append_many(topic, batches);
    if (!offsets) {
      std::lock_guard lock(mu_);
      for (const auto& b : batches) marks_.erase({topic, partition_for(topic, b.aggregate_key)});
      ++generation_;
      return offsets;
    }
    for (std::size_t i = 0; i < batches.size(); ++i) {
      if (!(*offsets)[i].empty()) {
        raise(topic, partition_for(topic, batches[i].aggregate_key), (*offsets)[i].back() + 1);
      }
    }
    return offsets;
  }

 private:
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
};

}  // namespace kassa::write
