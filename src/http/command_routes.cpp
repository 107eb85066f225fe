#include "http/command_routes.h"

#include "http/command_support.h"
#include "projections/event_index.h"

namespace kassa::http {

namespace s = kassa::schemas;

Result<std::optional<write::AggregateWriter<write::FundAggregate>::Loaded>> load_fund(
    const projections::KvView& view) {
  using Loaded = write::AggregateWriter<write::FundAggregate>::Loaded;
  Loaded loaded;
  bool any = false;
  Status folded = projections::for_each_indexed_event(
      view, s::AggregateKind::Fund, write::kFundKey,
      [&](const projections::IndexedEvent& e) -> Status {
        KASSA_TRY(write::FundAggregate::evolve(loaded.state, e.event.envelope()));
        loaded.tip = log::ChainTip{e.event.sequence(), e.event.hash()};
        any = true;
        return {};
      });
  if (!folded) return folded.error();
  if (!any) return std::optional<Loaded>{};
  return std::optional<Loaded>{std::move(loaded)};
}

Status wait_for_projections(const CommandDeps& deps) {
  std::vector<log::Position> targets;
  for (log::Topic topic : {log::Topic::kPersonEvents, log::Topic::kCompanyEvents}) {
    for (std::int32_t p = 0; p < deps.log->partition_count(topic); ++p) {
      KASSA_ASSIGN_OR_RETURN(auto mark, deps.log->durable_mark(topic, p));
      targets.push_back(log::Position{topic, p, mark});
    }
  }
  auto projector = deps.projector();
  if (!projector || !projector->wait_until(targets, deps.max_wait)) {
    return Error::unavailable("ProjectorBehind",
                              "the projections have not caught up with the log; retry");
  }
  return {};
}

void add_command_routes(Router& router, const CommandDeps& deps) {
  commands::add_person_routes(router, deps);
  commands::add_collection_routes(router, deps);
  commands::add_benefit_routes(router, deps);
  commands::add_company_routes(router, deps);
  commands::add_run_routes(router, deps);
  commands::add_suspense_routes(router, deps);
}

}  // namespace kassa::http
