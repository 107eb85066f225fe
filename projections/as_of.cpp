#include "projections/as_of.h"

#include "projections/event_index.h"

namespace kassa::projections {

Result<std::unique_ptr<MemKv>> fold_aggregate(const KvView& live, const ProjectionDeps& deps,
                                              schemas::AggregateKind kind, std::string_view key,
                                              const AsOf& as_of) {
  ProjectionDeps view_deps = deps;
  view_deps.keys = nullptr;
  if (as_of.active()) view_deps.history = History::kPartial;
  auto projections = make_projections(view_deps);
  auto mem = std::make_unique<MemKv>();
  ApplyContext context(*mem, *mem);
  Status folded = for_each_indexed_event(live, kind, key, [&](const IndexedEvent& e) -> Status {
    if (!as_of.admits(e.event.envelope())) return {};
    for (auto& p : projections) {
      Status applied = p->apply(e.event, e.position, context);
      if (!applied.ok()) return applied;
    }
    return {};
  });
  if (!folded.ok()) return folded.error();
  for (auto& p : projections) p->flush(context);
  if (context.failure()) return *context.failure();
  return mem;
}

}  // namespace kassa::projections
