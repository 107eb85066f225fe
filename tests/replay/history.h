#pragma once
// Generated event histories for the replay tests: many persons and
// companies, their events interleaved as a busy fund would write them, each
// chain correct (sequence 1, 2, 3..., prev_hash linked). Deterministic for a
// seed. Also: helpers to tamper with one event and to read a log back.

#include <cstdint>
#include <string>
#include <vector>

#include "log/event_codec.h"
#include "log/event_log.h"

namespace kassa::replay::testing {

struct GeneratedEvent {
  log::Topic topic = log::Topic::kPersonEvents;
  std::string key;
  log::EncodedEvent event;
  std::string event_id;  // text form
  uint64_t sequence = 0;
};

struct HistoryShape {
  int persons = 20;
  int companies = 5;
  int events_per_aggregate = 10;
  uint64_t seed = 42;
};

// In log order: round-robin over the aggregates, one event each per round.
std::vector<GeneratedEvent> generate_history(const HistoryShape& shape);

// Appends in order (append_many in chunks of `chunk` single-record batches).
void append_history(log::EventLog& log, const std::vector<GeneratedEvent>& events,
                    std::size_t chunk = 500);

// The same event re-encoded (valid buffer, correct own hash) with another
// prev_hash.
log::EncodedEvent with_prev_hash(const log::EncodedEvent& event, const log::Hash& prev_hash);

log::Record to_record(const log::EncodedEvent& event);

// Every record of every partition of every topic, in topic/partition/offset
// order.
std::vector<log::StoredRecord> read_all(log::EventLog& log);

// Equal in everything a replay must preserve (not the log's own timestamp).
bool same_records(const std::vector<log::StoredRecord>& a, const std::vector<log::StoredRecord>& b);

}  // namespace kassa::replay::testing
