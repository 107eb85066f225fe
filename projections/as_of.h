#pragma once
// As-of answers: the statement, debt, career … of ONE aggregate computed
// from its own events only (read from the per-aggregate index, never by
// replaying the log), keeping those the fund had decided by a date (?at=)
// or recorded by an instant (?known_at=). The events are folded through the
// same projection code as the live store (the ledger's domain::evolve),
// into a MemKv, and the usual read functions answer from it.
//
// Thread-safety: a pure function of the store's view; call from any thread.

#include <cstdint>
#include <memory>
#include <optional>

#include "domain/aggregate.h"
#include "projections/kv.h"
#include "projections/projector.h"

namespace kassa::projections {

struct AsOf {
  std::optional<std::int32_t> decided_up_to_days;  // ?at=
  std::optional<std::int64_t> recorded_up_to_us;   // ?known_at=
  bool active() const { return decided_up_to_days || recorded_up_to_us; }
  // Whether an event belongs to the view: decided on or before the date
  // (domain::decided_on: a quarter's assessment exists from its notice's
  // date, not from the first day of the quarter it is about) and recorded
  // at or before the instant. The one rule for ?at= / ?known_at=,
  // `kassa replay report` and `kassa replay rebuild --at / --known-at`.
  bool admits(const schemas::Envelope& envelope) const {
    if (decided_up_to_days && domain::decided_on(envelope).to_days() > *decided_up_to_days) {
      return false;
    }
    if (recorded_up_to_us && envelope.recorded_at_us() > *recorded_up_to_us) return false;
    return true;
  }
};

// REQUIRES: deps.rulebook. deps.keys is ignored (no NISS index in a view).
Result<std::unique_ptr<MemKv>> fold_aggregate(const KvView& live, const ProjectionDeps& deps,
                                              schemas::AggregateKind kind, std::string_view key,
                                              const AsOf& as_of);

}  // namespace kassa::projections
