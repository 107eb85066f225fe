#include "http/command_support.h"

#include <spdlog/spdlog.h>

#include "domain/timestamp.h"
#include "http/errors.h"
#include "projections/parties.h"

namespace kassa::http::commands {

namespace {

Result<std::vector<std::string>> list_keys(const CommandDeps& deps, s::AggregateKind kind) {
  KASSA_TRY(wait_for_projections(deps));
  const std::string prefix = projections::party_key(kind, "");
  std::vector<std::string> keys;
  KASSA_TRY(deps.stores->get()->scan(projections::Cf::kParties, prefix,
                                     [&](std::string_view k, std::string_view) {
                                       keys.emplace_back(k.substr(prefix.size()));
                                       return true;
                                     }));
  return keys;
}

template <typename A>
Result<Reply> run_over(const CommandDeps& deps, write::AggregateWriter<A>& writer,
                       const RequestContext& ctx, const std::string& name,
                       typename A::Command command, d::Date date, const json& period) {
  KASSA_ASSIGN_OR_RETURN(auto keys, list_keys(deps, A::kKind));
  // On the board while it runs (GET /v1/runs), and after.
  auto run = on_run_board(deps, ctx, name, date);
  auto out = writer.run(keys, command, date, meta_for(deps, ctx), 2000, &run.entry().progress);
  run.finish(out ? Status{} : Status(out.error()));
  // A failure midway leaves the chunks before it written; a retry completes
  // the run (decide skips what is already there).
  if (!out) return out.error();
  json rejections = json::array();
  for (std::size_t i = 0; i < out->rejections.size() && i < 20; ++i) {
    rejections.push_back(error_body(out->rejections[i]));  // openapi's Error: kind included
  }
  json offsets = json::object();
  for (const auto& [partition, offset] : out->last_offsets) {
    offsets[std::to_string(partition)] = offset;
  }
  json body = {{"run", name},
               {"run_id", run.entry().id},
               {"business_date", date.format()},
               {"aggregates", out->aggregates},
               {"aggregates_changed", out->aggregates_changed},
               {"events_written", out->events_written},
               {"rejected", out->rejected},
               {"rejections", rejections},
               {"last_offsets", offsets}};
  if constexpr (std::is_same_v<A, write::PersonAggregate>) {
    if (std::holds_alternative<d::AssessQuarter>(command)) {
      // DOMAIN §4: operations hear how many persons were charged late.
      body["persons_assessed_late"] = out->aggregates_assessed_late;
      body["quarters_assessed_late"] = out->quarters_assessed_late;
    }
  }
  body.update(period);
  // Operations see each run at info, with counts (never PartyIds).
  spdlog::info(
      "batch run={} business_date={} aggregates={} changed={} events_written={} "
      "rejected={} principal={}",
      name, date.format(), out->aggregates, out->aggregates_changed, out->events_written,
      out->rejected, ctx.principal.name);
  return Reply(200, body);
}

// The kept runs, the latest first, with how far each has come.
Result<Reply> list_runs(const CommandDeps& deps) {
  json runs = json::array();
  for (const RunBoard::View& v : deps.runs->recent()) {
    runs.push_back(
        {{"run_id", v.id},
         {"run", v.run},
         {"business_date", v.business_date},
         {"principal", v.principal},
         {"state", std::string(to_string(v.state))},
         {"started_at", d::Timestamp::from_micros(v.started_us).format()},
         {"finished_at",
          v.finished_us ? json(d::Timestamp::from_micros(*v.finished_us).format()) : json(nullptr)},
         {"error", v.error.empty() ? json(nullptr) : json(v.error)},
         {"aggregates", v.total},
         {"aggregates_done", v.done},
         {"aggregates_changed", v.changed},
         {"events_written", v.events_written},
         {"rejected", v.rejected}});
  }
  return Reply(200, json{{"runs", runs}});
}

}  // namespace

void add_run_routes(Router& router, const CommandDeps& deps) {
  const std::vector<Role> batch{Role::kBatch};
  auto* idem = deps.idempotency;
  router.add(Method::kGet, "/v1/runs", {Role::kBatch, Role::kAuditor},
             [deps](const RequestContext&) -> Result<Reply> { return list_runs(deps); });
  router.add(Method::kPost, "/v1/runs/assessment", batch,
             idempotent(idem, [deps](const RequestContext& ctx) -> Result<Reply> {
               KASSA_TRY(require_object(ctx.body));
               KASSA_ASSIGN_OR_RETURN(auto q, quarter_field(ctx.body, "quarter"));
               KASSA_ASSIGN_OR_RETURN(auto date, date_field(ctx.body, "date"));
               KASSA_TRY(within_horizon(deps, q.first_day(), "quarter"));
               KASSA_TRY(within_horizon(deps, date, "date"));
               return run_over(deps, *deps.persons, ctx, "assessment", d::AssessQuarter{q}, date,
                               {{"quarter", q.format()}});
             }));
  router.add(Method::kPost, "/v1/runs/quarter-end", batch,
             idempotent(idem, [deps](const RequestContext& ctx) -> Result<Reply> {
               KASSA_TRY(require_object(ctx.body));
               KASSA_ASSIGN_OR_RETURN(auto q, quarter_field(ctx.body, "quarter"));
               KASSA_TRY(not_after_today(deps, q.last_day(), "quarter", "QuarterNotEnded"));
               return run_over(deps, *deps.persons, ctx, "quarter-end",
                               d::ApplyQuarterEndSurcharges{q}, q.last_day(),
                               {{"quarter", q.format()}});
             }));
  router.add(Method::kPost, "/v1/runs/year-end", batch,
             idempotent(idem, [deps](const RequestContext& ctx) -> Result<Reply> {
               KASSA_TRY(require_object(ctx.body));
               KASSA_ASSIGN_OR_RETURN(auto y, year_field(ctx.body));
               KASSA_ASSIGN_OR_RETURN(auto jan1, d::Date::from_ymd(y + 1, 1, 1));
               KASSA_TRY(not_after_today(deps, jan1, "year", "YearNotEnded"));
               return run_over(deps, *deps.persons, ctx, "year-end", d::ApplyYearEndSurcharge{y},
                               jan1, {{"year", y}});
             }));
  router.add(Method::kPost, "/v1/runs/reminders", batch,
             idempotent(idem, [deps](const RequestContext& ctx) -> Result<Reply> {
               KASSA_TRY(require_object(ctx.body));
               KASSA_ASSIGN_OR_RETURN(auto on, date_field(ctx.body, "date"));
               KASSA_TRY(not_after_today(deps, on, "date", "RunDateInFuture"));
               return run_over(deps, *deps.persons, ctx, "reminders", d::RunReminders{on}, on,
                               json::object());
             }));
  router.add(Method::kPost, "/v1/runs/company-contributions", batch,
             idempotent(idem, [deps](const RequestContext& ctx) -> Result<Reply> {
               KASSA_TRY(require_object(ctx.body));
               KASSA_ASSIGN_OR_RETURN(auto y, year_field(ctx.body));
               KASSA_ASSIGN_OR_RETURN(auto date, opt_date(ctx.body, "date"));
               KASSA_ASSIGN_OR_RETURN(auto jan1, d::Date::from_ymd(y, 1, 1));
               KASSA_TRY(within_horizon(deps, jan1, "year"));
               if (date) KASSA_TRY(within_horizon(deps, *date, "date"));
               return run_over(deps, *deps.companies, ctx, "company-contributions",
                               d::AssessCompanyContribution{y}, date.value_or(jan1), {{"year", y}});
             }));
}

}  // namespace kassa::http::commands
