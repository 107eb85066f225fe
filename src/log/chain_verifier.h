#pragma once
// ChainVerifier — checks the per-aggregate hash chains of a log read in
// order. Events of many aggregates interleave; for each aggregate the
// sequence must run 1, 2, 3… without gap or repeat, and each event's
// prev_hash must equal the hash of the aggregate's previous event.
// Feed it only events that decode_event accepted (their own hash is already
// checked). Used by replay, the projector and the adapters' tests.
//
// Memory: one entry (key + 40 bytes) per aggregate seen.
// Thread-safety: one thread at a time.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "log/event_codec.h"

namespace kassa::log {

struct ChainTip {
  std::uint64_t sequence = 0;  // 0 = no event yet
  Hash hash{};
  friend bool operator==(const ChainTip&, const ChainTip&) = default;
};

// The chain facts of one event, for callers that hold them without a
// DecodedEvent (e.g. an index).
struct ChainLink {
  Uuid event_id;
  schemas::AggregateKind aggregate_kind = schemas::AggregateKind::Person;
  std::string_view aggregate_key;
  std::uint64_t sequence = 0;
  Hash prev_hash{};
  Hash hash{};
};

class ChainVerifier {
 public:
  // Checks the event against its aggregate's tip; on success the tip
  // advances, on failure it stays (so a quarantined event does not move it).
  // Errors are Errc::kCorrupt with rule SequenceGap, SequenceRepeat,
  // PrevHashMismatch or DuplicateEvent (the very event at the tip, fed again)
  // and a message naming the event id, aggregate and sequence.
  Status feed(const DecodedEvent& event);
  Status feed(const ChainLink& link);

  // Resume from a checkpoint: the aggregate's last verified event.
  void set_tip(schemas::AggregateKind kind, std::string_view key, const ChainTip& tip);
  std::optional<ChainTip> tip(schemas::AggregateKind kind, std::string_view key) const;
  std::size_t aggregate_count() const { return tips_.size(); }

 private:
  static std::string map_key(schemas::AggregateKind kind, std::string_view key);
  std::unordered_map<std::string, ChainTip> tips_;
};

}  // namespace kassa::log
