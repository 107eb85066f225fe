#pragma once
// What both adapters' append_many share: the arguments every log refuses,
// and turning the offsets of all records (in batch order) back into one list
// per batch. Internal to src/log.

#include <span>
#include <vector>

#include "log/event_log.h"

namespace kassa::log {

// Refuses the quarantine topic (it is written through append_quarantine) and
// a non-empty batch without an aggregate key.
Status validate_append(Topic topic, std::span<const KeyedBatch> batches);

// REQUIRES: offsets.size() == the number of records in `batches`.
std::vector<std::vector<int64_t>> split_by_batch(std::span<const KeyedBatch> batches,
                                                 const std::vector<int64_t>& offsets);

}  // namespace kassa::log
