#pragma once
// The per-aggregate event index: every event's frame under its aggregate
// and sequence, with where it was read. As-of answers (?at=, ?known_at=)
// and the auditor's raw-events route read one aggregate's events from here
// without touching the log or replaying anyone else's.
//
// Column family "index":
//   [kind tag][aggregate key][sequence be64]
//     -> [topic u8][partition be32][offset be64][frame bytes ...]

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "projections/projection.h"

namespace kassa::projections {

class EventIndexProjection final : public Projection {
 public:
  std::string_view name() const override { return "index"; }
  Cf cf() const override { return Cf::kIndex; }
  Status apply(const log::DecodedEvent& event, const EventPosition& position,
               ApplyContext& context) override;
};

struct IndexedEvent {
  EventPosition position;
  log::DecodedEvent event;
};

// Every indexed event of one aggregate, in sequence order, verified again
// (decode_event) as it is read.
Status for_each_indexed_event(const KvView& view, schemas::AggregateKind kind, std::string_view key,
                              const std::function<Status(const IndexedEvent&)>& visit);

// At most `limit` events of one aggregate with a sequence above
// `after_sequence`, in order; `more` when the aggregate has further ones.
struct IndexedPage {
  std::vector<IndexedEvent> events;
  bool more = false;
};
Result<IndexedPage> read_indexed_events(const KvView& view, schemas::AggregateKind kind,
                                        std::string_view key, std::uint64_t after_sequence,
                                        std::size_t limit);

}  // namespace kassa::projections
