#include "log/quarantine.h"

#include <spdlog/spdlog.h>

namespace kassa::log {

Result<std::vector<StoredRecord>> read_quarantine(EventLog& log) {
  std::vector<StoredRecord> out;
  for (int32_t p = 0; p < log.partition_count(Topic::kQuarantine); ++p) {
    KASSA_ASSIGN_OR_RETURN(auto hwm, log.high_water_mark(Topic::kQuarantine, p));
    int64_t next = 0;
    while (next < hwm) {
      KASSA_ASSIGN_OR_RETURN(
          auto got, log.read(Topic::kQuarantine, p, next, 1000, std::chrono::milliseconds(0)));
      if (got.empty()) {
        return Error::unavailable("QuarantineRead",
                                  "quarantine partition " + std::to_string(p) +
                                      " returned nothing below its high-water mark");
      }
      next = got.back().offset + 1;
      for (auto& r : got) out.push_back(std::move(r));
    }
  }
  return out;
}

namespace detail {

ReaderCore::ReaderCore(EventLog& log, std::unique_ptr<Subscription> source)
    : log_(log), source_(std::move(source)) {
  KASSA_ASSERT(source_ != nullptr, "a verifying reader needs a subscription");
  positions_ = source_->positions();
}

Status ReaderCore::load_quarantined_keys() {
  KASSA_ASSIGN_OR_RETURN(auto existing, read_quarantine(log_));
  for (const StoredRecord& r : existing) quarantined_keys_.insert(r.key);
  keys_loaded_ = true;
  return {};
}

Status ReaderCore::fill(std::size_t max, std::chrono::milliseconds timeout) {
  if (!pending_.empty()) return {};
  KASSA_ASSIGN_OR_RETURN(auto got, source_->poll(max, timeout));
  for (auto& r : got) pending_.push_back(std::move(r));
  return {};
}

Status ReaderCore::quarantine_front(const Error& why) {
  const StoredRecord& record = pending_.front();
  Status moved = [&]() -> Status {
    if (!keys_loaded_) KASSA_TRY(load_quarantined_keys());
    const std::string key =
        quarantine_key(log_.config(), record.topic, record.partition, record.offset);
    if (quarantined_keys_.count(key) == 0) {
      KASSA_TRY(log_.append_quarantine(record, why.rule + ": " + why.message));
      quarantined_keys_.insert(key);
    } else {
      spdlog::info("{} already quarantined; skipping it again", key);
    }
    return {};
  }();
  if (!moved.ok()) {
    spdlog::error("quarantining {} partition {} offset {} failed: {}",
                  log_.config().topic_name(record.topic), record.partition, record.offset,
                  moved.error().message);
    return moved;
  }
  ++quarantined_;
  advance(record);
  pending_.pop_front();
  return {};
}

StoredRecord ReaderCore::take_front() {
  StoredRecord record = std::move(pending_.front());
  pending_.pop_front();
  advance(record);
  return record;
}

void ReaderCore::advance(const StoredRecord& record) {
  for (Position& p : positions_) {
    if (p.topic == record.topic && p.partition == record.partition) {
      p.offset = record.offset + 1;
      return;
    }
  }
}

}  // namespace detail

VerifyingReader::VerifyingReader(EventLog& log, std::unique_ptr<Subscription> source,
                                 RecordVerifier verify)
    : reader_(log, std::move(source),
              [verify = std::move(verify)](const StoredRecord& record) -> Result<Passed> {
                KASSA_TRY(verify(record));
                return Passed{};
              }) {}

Result<std::vector<StoredRecord>> VerifyingReader::poll(std::size_t max,
                                                        std::chrono::milliseconds timeout) {
  KASSA_ASSIGN_OR_RETURN(auto got, reader_.poll(max, timeout));
  std::vector<StoredRecord> out;
  out.reserve(got.size());
  for (auto& v : got) out.push_back(std::move(v.record));
  return out;
}

}  // namespace kassa::log
