#pragma once
// A log that forwards every call to another one: the base of the test logs
// that count appends or make them fail (override append / append_many).
//
// Thread-safety: as the log it forwards to.

#include <memory>

#include "log/event_log.h"

namespace kassa::testing {

class ForwardingLog : public log::EventLog {
 public:
  explicit ForwardingLog(log::EventLog& inner) : inner_(inner) {}
  explicit ForwardingLog(std::unique_ptr<log::EventLog> owned)
      : owned_(std::move(owned)), inner_(*owned_) {}

  Result<std::vector<std::int64_t>> append(log::Topic t, std::string_view key,
                                           std::span<const log::Record> records) override {
    return inner_.append(t, key, records);
  }
  Result<std::vector<std::vector<std::int64_t>>> append_many(
      log::Topic t, std::span<const log::KeyedBatch> batches) override {
    return inner_.append_many(t, batches);
  }
  Status append_quarantine(const log::StoredRecord& r, std::string_view reason) override {
    return inner_.append_quarantine(r, reason);
  }
  std::int32_t partition_count(log::Topic t) const override { return inner_.partition_count(t); }
  Result<std::vector<log::StoredRecord>> read(log::Topic t, std::int32_t p, std::int64_t from,
                                              std::size_t max,
                                              std::chrono::milliseconds wait) override {
    return inner_.read(t, p, from, max, wait);
  }
  Result<std::int64_t> high_water_mark(log::Topic t, std::int32_t p) override {
    return inner_.high_water_mark(t, p);
  }
  Result<std::unique_ptr<log::Subscription>> subscribe(std::vector<log::Position> from) override {
    return inner_.subscribe(std::move(from));
  }
  const log::LogConfig& config() const override { return inner_.config(); }

 protected:
  log::EventLog& inner() { return inner_; }

 private:
  std::unique_ptr<log::EventLog> owned_;
  log::EventLog& inner_;
};

}  // namespace kassa::testing
