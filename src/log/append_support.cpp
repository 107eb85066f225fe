#include "log/append_support.h"

namespace kassa::log {

Status validate_append(Topic topic, std::span<const KeyedBatch> batches) {
  if (topic == Topic::kQuarantine) {
    return Error::invalid("topic", "QuarantineViaAppendQuarantine",
                          "records reach the quarantine only through append_quarantine");
  }
  for (const KeyedBatch& b : batches) {
    if (b.aggregate_key.empty() && !b.records.empty()) {
      return Error::invalid("aggregate_key", "AggregateKeyRequired",
                            "an append needs an aggregate key");
    }
  }
  return {};
}

std::vector<std::vector<int64_t>> split_by_batch(std::span<const KeyedBatch> batches,
                                                 const std::vector<int64_t>& offsets) {
  std::vector<std::vector<int64_t>> out;
  out.reserve(batches.size());
  std::size_t i = 0;
  for (const KeyedBatch& b : batches) {
    out.emplace_back(offsets.begin() + static_cast<std::ptrdiff_t>(i),
                     offsets.begin() + static_cast<std::ptrdiff_t>(i + b.records.size()));
    i += b.records.size();
  }
  return out;
}

}  // namespace kassa::log
