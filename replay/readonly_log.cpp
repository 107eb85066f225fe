#include "replay/readonly_log.h"

#include <algorithm>

namespace kassa::replay {

namespace {

Error read_only() {
  return Error::invalid("log", "ReadOnlyLog", "replay never appends to the log it reads");
}

class CappedSubscription final : public log::Subscription {
 public:
  CappedSubscription(std::unique_ptr<log::Subscription> inner, const ReadOnlyLog& log)
      : inner_(std::move(inner)), log_(log) {}

  Result<std::vector<log::StoredRecord>> poll(std::size_t max,
                                              std::chrono::milliseconds timeout) override {
    auto got = inner_->poll(max, timeout);
    if (!got.ok()) return got.error();
    std::vector<log::StoredRecord> out;
    out.reserve(got->size());
    for (auto& r : *got) {
      const int64_t cap = log_.cap(r.topic, r.partition);
      if (cap < 0 || r.offset < cap) out.push_back(std::move(r));
    }
    return out;
  }

  std::vector<log::Position> positions() const override {
    std::vector<log::Position> out = inner_->positions();
    for (auto& p : out) {
      const int64_t cap = log_.cap(p.topic, p.partition);
      if (cap >= 0) p.offset = std::min(p.offset, cap);
    }
    return out;
  }

 private:
  std::unique_ptr<log::Subscription> inner_;
  const ReadOnlyLog& log_;
};

}  // namespace

ReadOnlyLog::ReadOnlyLog(log::EventLog& inner, std::vector<log::Position> caps) : inner_(inner) {
  for (const auto& p : caps) caps_[{static_cast<int>(p.topic), p.partition}] = p.offset;
}

int64_t ReadOnlyLog::cap(log::Topic topic, int32_t partition) const {
  auto it = caps_.find({static_cast<int>(topic), partition});
  return it == caps_.end() ? -1 : it->second;
}

Result<std::vector<int64_t>> ReadOnlyLog::append(log::Topic, std::string_view,
                                                 std::span<const log::Record>) {
  return read_only();
}

Result<std::vector<std::vector<int64_t>>> ReadOnlyLog::append_many(log::Topic,
                                                                   std::span<const log::KeyedBatch>) {
  return read_only();
}

Status ReadOnlyLog::append_quarantine(const log::StoredRecord& original, std::string_view reason) {
  quarantined_.emplace_back(original, std::string(reason));
  return {};
}

Result<std::vector<log::StoredRecord>> ReadOnlyLog::read(log::Topic topic, int32_t partition,
                                                         int64_t from_offset,
                                                         std::size_t max_records,
                                                         std::chrono::milliseconds wait) {
  const int64_t c = cap(topic, partition);
  if (c >= 0 && from_offset >= c) {
    if (from_offset > c) {
      return Error::invalid("from_offset", "OffsetInRange", "offset beyond the replay's cut");
    }
    return std::vector<log::StoredRecord>{};
  }
  auto got = inner_.read(topic, partition, from_offset, max_records, wait);
  if (!got.ok() || c < 0) return got;
  auto& v = *got;
  v.erase(std::remove_if(v.begin(), v.end(), [c](const log::StoredRecord& r) { return r.offset >= c; }),
          v.end());
  return got;
}

Result<int64_t> ReadOnlyLog::high_water_mark(log::Topic topic, int32_t partition) {
  auto hwm = inner_.high_water_mark(topic, partition);
  if (!hwm.ok()) return hwm;
  const int64_t c = cap(topic, partition);
  return c >= 0 ? std::min(*hwm, c) : *hwm;
}

Result<std::unique_ptr<log::Subscription>> ReadOnlyLog::subscribe(std::vector<log::Position> from) {
  auto sub = inner_.subscribe(std::move(from));
  if (!sub.ok()) return sub.error();
  return std::unique_ptr<log::Subscription>(
      std::make_unique<CappedSubscription>(std::move(sub).value(), *this));
}

}  // namespace kassa::replay
