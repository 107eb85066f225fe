#include "log/quarantine.h"

#include <spdlog/spdlog.h>

namespace kassa::log {

VerifyingReader::VerifyingReader(EventLog& log, std::unique_ptr<Subscription> source,
                                 RecordVerifier verify)
    : log_(log), source_(std::move(source)), verify_(std::move(verify)) {
  KASSA_ASSERT(source_ != nullptr, "VerifyingReader needs a subscription");
  positions_ = source_->positions();
}

Result<std::vector<StoredRecord>> read_quarantine(EventLog& log) {
  std::vector<StoredRecord> out;
  for (int32_t p = 0; p < log.partition_count(Topic::kQuarantine); ++p) {
    KASSA_ASSIGN_OR_RETURN(auto hwm, log.high_water_mark(Topic::kQuarantine, p));
    int64_t next = 0;
    while (next < hwm) {
      KASSA_ASSIGN_OR_RETURN(auto got,
                             log.read(Topic::kQuarantine, p, next, 1000, std::chrono::milliseconds(0)));
      if (got.empty()) {
        return Error::unavailable("QuarantineRead", "quarantine partition " + std::to_string(p) +
                                                        " returned nothing below its high-water mark");
      }
      next = got.back().offset + 1;
      for (auto& r : got) out.push_back(std::move(r));
    }
  }
  return out;
}

Status VerifyingReader::load_quarantined_keys() {
  KASSA_ASSIGN_OR_RETURN(auto existing, read_quarantine(log_));
  for (const StoredRecord& r : existing) quarantined_keys_.insert(r.key);
  keys_loaded_ = true;
  return {};
}

Status VerifyingReader::quarantine(const StoredRecord& record, const std::string& reason) {
  if (!keys_loaded_) KASSA_TRY(load_quarantined_keys());
  const std::string key = quarantine_key(log_.config(), record.topic, record.partition, record.offset);
  if (quarantined_keys_.count(key) == 0) {
    KASSA_TRY(log_.append_quarantine(record, reason));
    quarantined_keys_.insert(key);
  } else {
    spdlog::info("{} already quarantined; skipping it again", key);
  }
  ++quarantined_;
  return {};
}

void VerifyingReader::advance(const StoredRecord& record) {
  for (Position& p : positions_) {
    if (p.topic == record.topic && p.partition == record.partition) {
      p.offset = record.offset + 1;
      return;
    }
  }
}

std::vector<Position> VerifyingReader::positions() const { return positions_; }

Result<std::vector<StoredRecord>> VerifyingReader::poll(std::size_t max,
                                                        std::chrono::milliseconds timeout) {
  if (pending_.empty()) {
    KASSA_ASSIGN_OR_RETURN(auto got, source_->poll(max, timeout));
    for (auto& r : got) pending_.push_back(std::move(r));
  }
  std::vector<StoredRecord> out;
  while (!pending_.empty() && out.size() < max) {
    StoredRecord& next = pending_.front();
    Status verdict = verify_(next);
    if (!verdict.ok()) {
      const std::string reason = verdict.error().rule + ": " + verdict.error().message;
      Status moved = quarantine(next, reason);
      if (!moved.ok()) {
        spdlog::error("quarantining {} partition {} offset {} failed: {}",
                      log_.config().topic_name(next.topic), next.partition, next.offset,
                      moved.error().message);
        if (out.empty()) return moved.error();
        return out;  // the bad record stays first in pending_
      }
      advance(next);
      pending_.pop_front();
      continue;
    }
    advance(next);
    out.push_back(std::move(next));
    pending_.pop_front();
  }
  return out;
}

}  // namespace kassa::log
