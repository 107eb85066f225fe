#include "replay/readonly_log.h"

namespace kassa::replay {

namespace {

Error read_only() {
  return Error::invalid("log", "ReadOnlyLog", "replay never appends to the log it reads");
}

}  // namespace

ReadOnlyLog::ReadOnlyLog(log::EventLog& inner) : inner_(inner) {}

Result<std::vector<int64_t>> ReadOnlyLog::append(log::Topic, std::string_view,
                                                 std::span<const log::Record>) {
  return read_only();
}

Result<std::vector<std::vector<int64_t>>> ReadOnlyLog::append_many(
    log::Topic, std::span<const log::KeyedBatch>) {
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
  return inner_.read(topic, partition, from_offset, max_records, wait);
}

Result<int64_t> ReadOnlyLog::high_water_mark(log::Topic topic, int32_t partition) {
  return inner_.high_water_mark(topic, partition);
}

Result<std::unique_ptr<log::Subscription>> ReadOnlyLog::subscribe(std::vector<log::Position> from) {
  return inner_.subscribe(std::move(from));
}

}  // namespace kassa::replay
