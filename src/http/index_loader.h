#pragma once
// The Loader AggregateWriter<A> asks on a cache miss: the aggregate's state
// folded from the projections store's per-aggregate index (Cf::kIndex, the
// frames themselves), after the projector has applied everything up to the
// partition's current high-water mark.
//
// Why this is "everything durable": the writer holds the aggregate's stripe
// while loading, and this process is the only writer of the partition
// (single writer per partition). Every event of this aggregate that was ever
// acknowledged sits below the high-water mark read here, so once the
// projector applied hwm - 1 the index holds all of them; nobody can append
// another one meanwhile. A failed append evicts the aggregate, and the next
// load waits for whatever of that append did land. The chain tip is the last
// indexed event's (sequence, hash). If the projector does not catch up in
// time the load fails with kUnavailable (503): nothing is decided on a stale
// state.
//
// Thread-safety: the returned function may be called from any thread.

#include <chrono>

#include "log/event_log.h"
#include "projections/event_index.h"
#include "projections/projector.h"
#include "projections/store.h"
#include "write/aggregate_writer.h"

namespace kassa::http {

template <typename A>
typename write::AggregateWriter<A>::Loader index_loader(
    log::EventLog& log, projections::StoreHandle& stores, projections::Projector& projector,
    std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
  using Loaded = typename write::AggregateWriter<A>::Loaded;
  return [&log, &stores, &projector, timeout](const std::string& key)
             -> Result<std::optional<Loaded>> {
    const std::int32_t partition = log.partition_for(A::kTopic, key);
    auto hwm = log.high_water_mark(A::kTopic, partition);
    if (!hwm) return hwm.error();
    if (*hwm > 0 && !projector.wait_until(A::kTopic, partition, *hwm - 1, timeout)) {
      return Error::unavailable("ProjectorBehind",
                                "the projections have not caught up with the log; retry");
    }
    auto store = stores.get();
    Loaded loaded;
    bool any = false;
    Status folded = projections::for_each_indexed_event(
        *store, A::kKind, key, [&](const projections::IndexedEvent& e) -> Status {
          KASSA_TRY(A::evolve(loaded.state, e.event.envelope()));
          loaded.tip = log::ChainTip{e.event.sequence(), e.event.hash()};
          any = true;
          return {};
        });
    if (!folded) return folded.error();
    if (!any) return std::optional<Loaded>{};
    return std::optional<Loaded>{std::move(loaded)};
  };
}

}  // namespace kassa::http
