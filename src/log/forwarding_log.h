#pragma once
// A log that forwards every call to another one: the base of logs that add
// something to appends (write::WriterLog's durable marks; tests' logs that
// count appends or make them fail) and override append / append_many.
//
// Thread-safety: as the log it forwards to.

#include <memory>

#include "log/event_log.h"

namespace kassa::log {

class ForwardingLog : public EventLog {
 public:
  explicit ForwardingLog(EventLog& inner) : inner_(inner) {}
  explicit ForwardingLog(std::unique_ptr<EventLog> owned)
      : owned_(std::move(owned)), inner_(*owned_) {}

  Result<std::vector<std::int64_t>> append(Topic t, std::string_view key,
                                           std::span<const Record> records) override {
    return inner_.append(t, key, records);
  }
  Result<std::vector<std::vector<std::int64_t>>> append_many(
      Topic t, std::span<const KeyedBatch> batches) override {
    return inner_.append_many(t, batches);
  }
  Status append_quarantine(const StoredRecord& r, std::string_view reason) override {
    return inner_.append_quarantine(r, reason);
  }
  std::int32_t partition_count(Topic t) const override { return inner_.partition_count(t); }
  Result<std::vector<StoredRecord>> read(Topic t, std::int32_t p, std::int64_t from,
                                         std::size_t max, std::chrono::milliseconds wait) override {
    return inner_.read(t, p, from, max, wait);
  }
  Result<std::int64_t> high_water_mark(Topic t, std::int32_t p) override {
    return inner_.high_water_mark(t, p);
  }
  Result<std::unique_ptr<Subscription>> subscribe(std::vector<Position> from) override {
    return inner_.subscribe(std::move(from));
  }
  const LogConfig& config() const override { return inner_.config(); }
  Health health() const override { return inner_.health(); }
  std::vector<ClientStats> client_stats() const override { return inner_.client_stats(); }

 protected:
  EventLog& inner() { return inner_; }
  const EventLog& inner() const { return inner_; }

 private:
  std::unique_ptr<EventLog> owned_;
  EventLog& inner_;
};

}  // namespace kassa::log
