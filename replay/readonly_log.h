#pragma once
// ReadOnlyLog — an EventLog decorator for replay: it never writes to the log
// it wraps.
//
// * append() and append_many() are refused (kInvalidArgument, "ReadOnlyLog").
// * append_quarantine() keeps the record in memory (quarantined()) instead of
//   writing to the wrapped quarantine topic, so a rebuild from a live log
//   never adds to the fund's own quarantine.
// * read(), high_water_mark() and subscribe() are the wrapped log's. (It
//   used to cap partitions for `rebuild --known-at`; that is now a filter
//   over each event, rebuild.h.)
//
// Thread-safety: as the wrapped log, except quarantined(), which must not
// race append_quarantine().

#include <memory>
#include <vector>

#include "log/event_log.h"

namespace kassa::replay {

class ReadOnlyLog final : public log::EventLog {
 public:
  // REQUIRES: `inner` outlives this object.
  explicit ReadOnlyLog(log::EventLog& inner);

  Result<std::vector<int64_t>> append(log::Topic topic, std::string_view aggregate_key,
                                      std::span<const log::Record> records) override;
  Result<std::vector<std::vector<int64_t>>> append_many(
      log::Topic topic, std::span<const log::KeyedBatch> batches) override;
  Status append_quarantine(const log::StoredRecord& original, std::string_view reason) override;
  int32_t partition_count(log::Topic topic) const override { return inner_.partition_count(topic); }
  Result<std::vector<log::StoredRecord>> read(log::Topic topic, int32_t partition,
                                              int64_t from_offset, std::size_t max_records,
                                              std::chrono::milliseconds wait) override;
  Result<int64_t> high_water_mark(log::Topic topic, int32_t partition) override;
  Result<std::unique_ptr<log::Subscription>> subscribe(std::vector<log::Position> from) override;
  const log::LogConfig& config() const override { return inner_.config(); }

  // What readers asked to quarantine, with the reason (in order).
  const std::vector<std::pair<log::StoredRecord, std::string>>& quarantined() const {
    return quarantined_;
  }

 private:
  log::EventLog& inner_;
  std::vector<std::pair<log::StoredRecord, std::string>> quarantined_;
};

}  // namespace kassa::replay
