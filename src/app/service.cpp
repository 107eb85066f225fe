#include "app/service.h"

#include "app/backup.h"

#include <filesystem>

#include <spdlog/spdlog.h>

#include "http/console_routes.h"
#include "http/health_routes.h"
#include "http/query_routes.h"
#include "projections/niss_index.h"
#include "projections/state.h"

namespace kassa::app {

namespace {

// Bytes of the regular files under `folder` (0 if it is absent). A file or
// a folder that vanishes while it counts (a compaction, the old store a
// rebuild removes) is skipped; the rest is still counted.
std::uint64_t folder_bytes(const std::filesystem::path& folder) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end;
       it.increment(ec)) {
    std::error_code entry_ec;
    const auto status = it->symlink_status(entry_ec);
    if (entry_ec) continue;
    if (std::filesystem::is_directory(status)) {
      total += folder_bytes(it->path());
    } else if (std::filesystem::is_regular_file(status)) {
      const auto size = it->file_size(entry_ec);
      if (!entry_ec) total += size;
    }
  }
  return total;
}

// The writers' Loader: the aggregate's state and chain tip from the
// projections' state column family, once the projector has applied
// everything durable in the aggregate's partition (WriterLog::durable_mark).
// Why that is "everything durable": this process is the only writer of its
// partitions, and the writer holds the aggregate's stripe while loading, so
// no event of this aggregate can be appended meanwhile. If the projector
// does not catch up in time the load fails with kUnavailable (503): nothing
// is decided on a stale state.
template <typename A, typename LoadFn>
typename write::AggregateWriter<A>::Loader state_loader(write::WriterLog& log,
                                                        projections::ProjectionRunner& runner,
                                                        LoadFn load,
                                                        std::chrono::milliseconds timeout) {
  using Loaded = typename write::AggregateWriter<A>::Loaded;
  return [&log, &runner, load, timeout](const std::string& key) -> Result<std::optional<Loaded>> {
    const std::int32_t partition = log.partition_for(A::kTopic, key);
    KASSA_ASSIGN_OR_RETURN(auto mark, log.durable_mark(A::kTopic, partition));
    if (mark > 0 && !runner.projector()->wait_until(A::kTopic, partition, mark - 1, timeout)) {
      return Error::unavailable("ProjectorBehind",
                                "the projections have not caught up with the log; retry");
    }
    return load(*runner.stores().get(), key);
  };
}

template <typename State, typename Loaded>
Result<std::optional<Loaded>> to_loaded(
    Result<std::optional<projections::LoadedState<State>>> found) {
  if (!found) return found.error();
  if (!found->has_value()) return std::optional<Loaded>{};
  return std::optional<Loaded>{Loaded{std::move((*found)->state), (*found)->tip}};
}

}  // namespace

Status Service::start(const Config& config, log::EventLog& log, http::Router& router) {
  KASSA_ASSIGN_OR_RETURN(auto keys, log::RocksDbKeyStore::open(config.keys_dir()));
  keys_ = std::move(keys);
  KASSA_ASSIGN_OR_RETURN(
      auto secret, projections::load_or_create_niss_secret(config.keys_dir() + "/niss_secret.key"));
  const projections::ProjectionDeps projection_deps{&rulebook_, keys_.get(), secret};
  KASSA_ASSIGN_OR_RETURN(auto runner, projections::ProjectionRunner::open(
                                          log, config.projections_dir(), projection_deps));
  projections_ = std::move(runner);
  KASSA_ASSIGN_OR_RETURN(access_log_, projections::AccessLog::open(config.access_log_dir()));
  KASSA_TRY(projections_->start());

  writer_log_ = std::make_unique<write::WriterLog>(log);
  factory_ = std::make_unique<write::EventFactory>(*keys_, random_, write::system_clock());
  const auto timeout = std::chrono::milliseconds(10000);
  using PersonLoaded = write::AggregateWriter<write::PersonAggregate>::Loaded;
  using CompanyLoaded = write::AggregateWriter<write::CompanyAggregate>::Loaded;
  persons_ = std::make_unique<write::AggregateWriter<write::PersonAggregate>>(
      *writer_log_, *factory_,
      state_loader<write::PersonAggregate>(
          *writer_log_, *projections_,
          [](const projections::KvView& v, const std::string& key) {
            return to_loaded<domain::PersonState, PersonLoaded>(projections::load_person(v, key));
          },
          timeout),
      rulebook_, fund_);
  companies_ = std::make_unique<write::AggregateWriter<write::CompanyAggregate>>(
      *writer_log_, *factory_,
      state_loader<write::CompanyAggregate>(
          *writer_log_, *projections_,
          [](const projections::KvView& v, const std::string& key) {
            return to_loaded<domain::CompanyState, CompanyLoaded>(
                projections::load_company(v, key));
          },
          timeout),
      rulebook_, fund_);
  fund_writer_ = std::make_unique<write::AggregateWriter<write::FundAggregate>>(
      *writer_log_, *factory_,
      state_loader<write::FundAggregate>(
          *writer_log_, *projections_,
          [](const projections::KvView& v, const std::string&) { return http::load_fund(v); },
          timeout),
      rulebook_, fund_);

  // Hot states stay cached; the rest are read from the state column family
  // again (a run over a million persons does not keep a million states).
  persons_->set_cache_limit(100'000);
  companies_->set_cache_limit(20'000);

  KASSA_ASSIGN_OR_RETURN(auto idempotency, http::IdempotencyStore::open(config.idempotency_dir()));
  idempotency_ = std::move(idempotency);

  http::CommandDeps commands;
  commands.log = writer_log_.get();
  commands.stores = &projections_->stores();
  commands.projector = [runner = projections_.get()] { return runner->projector(); };
  commands.persons = persons_.get();
  commands.companies = companies_.get();
  commands.fund = fund_writer_.get();
  commands.keys = keys_.get();
  commands.random = &random_;
  commands.idempotency = idempotency_.get();
  commands.access_log = access_log_.get();
  commands.niss_secret = secret;

  // Start-up: the projections catch up with the log before any command is
  // decided (a long catch-up is allowed for).
  commands.max_wait = std::chrono::minutes(30);
  KASSA_TRY(http::wait_for_projections(commands));
  commands.max_wait = timeout;
  KASSA_ASSIGN_OR_RETURN(auto highest,
                         projections::highest_member_number(*projections_->stores().get()));
  members_ = std::make_unique<write::MemberNumbers>(highest);
  spdlog::info("projections caught up; write side ready highest_member_number={}", highest);

  const projections::NissSecret niss_secret = secret;
  auto* stores = &projections_->stores();
  write::MemberLookup lookup;
  lookup.by_number = [stores](std::uint32_t number) -> Result<std::optional<write::Member>> {
    KASSA_ASSIGN_OR_RETURN(auto found, projections::find_member(*stores->get(), number));
    if (!found.has_value()) return std::optional<write::Member>{};
    return std::optional<write::Member>{write::Member{(found)->kind, (found)->key}};
  };
  lookup.by_iban = [stores, niss_secret](std::string_view iban) {
    return projections::find_party_by_iban(*stores->get(), niss_secret, iban);
  };
  lookup.by_bank_line = [stores](std::string_view ref) -> Result<std::optional<write::Member>> {
    KASSA_ASSIGN_OR_RETURN(auto found, projections::find_bank_line(*stores->get(), ref));
    if (!found.has_value() || (found)->size() < 2) return std::optional<write::Member>{};
    const char tag = (*found)[0];
    const auto kind = tag == 'P'   ? schemas::AggregateKind::Person
                      : tag == 'C' ? schemas::AggregateKind::Company
                                   : schemas::AggregateKind::Fund;
    return std::optional<write::Member>{write::Member{kind, (found)->substr(1)}};
  };
  importer_ = std::make_unique<write::BankImporter>(*persons_, *companies_, *fund_writer_,
                                                    std::move(lookup), fund_.plausibility);
  commands.numbers = members_.get();
  commands.importer = importer_.get();

  http::QueryDeps queries;
  queries.stores = &projections_->stores();
  queries.access_log = access_log_.get();
  queries.projection_deps = projection_deps;
  queries.niss_secret = secret;
  queries.projector = commands.projector;
  queries.log = &log;
  queries.reminders = fund_.reminders;
  http::add_query_routes(router, queries);
  http::add_projection_admin_routes(router, *projections_);
  http::add_backup_route(
      router,
      [this, &log, secret_path = config.keys_dir() + "/niss_secret.key",
       prefix = config.log.topic_prefix, folder = config.backup_dir,
       auth = config.auth_file == config.data_dir + "/auth.json" ? config.auth_file : std::string(),
       kafka = !config.log.brokers.empty()](const std::string& name) -> Result<nlohmann::json> {
        KASSA_TRY(check_backup_name(name));
        std::error_code ec;
        std::filesystem::create_directories(folder, ec);
        if (ec)
          return Error::unavailable("BackupIo", "cannot create " + folder + ": " + ec.message());
        // The live store now: a rebuild may have swapped it since start-up.
        const std::shared_ptr<projections::Store> store = projections_->stores().get();
        const BackupSources sources{&log,
                                    store.get(),
                                    idempotency_.get(),
                                    keys_.get(),
                                    access_log_.get(),
                                    secret_path,
                                    prefix,
                                    kafka,
                                    auth};
        const std::string to =
            std::filesystem::absolute(folder + "/" + name).lexically_normal().string();
        KASSA_ASSIGN_OR_RETURN(auto manifest, make_backup(sources, to, "name"));
        manifest["path"] = to;
        return manifest;
      });
  http::add_health_routes(
      router, log, commands.projector,
      {{"keys", [keys = keys_.get()] { return keys->writable(); }},
       {"idempotency", [store = idempotency_.get()] { return store->writable(); }},
       {"access_log", [access = access_log_.get()] { return access->writable(); }}});
  static_assert(write::WriterLog::kLatencyBounds == http::kLatencyBuckets,
                "appends and requests share their latency buckets");
  router.add_metrics([writer = writer_log_.get()](http::MetricsText& out) {
    const auto st = writer->append_stats();
    out.family("kassa_events_appended_total", "counter",
               "Events this process appended and the log acknowledged durable, by event type.");
    for (const auto& [type, n] : st.events_by_type) {
      out.sample("kassa_events_appended_total", {{"type", type}}, n);
    }
    out.family("kassa_append_duration_seconds", "histogram",
               "Time from an append to the log's durable acknowledgement (one per command's or "
               "batch's write).");
    http::write_histogram(out, "kassa_append_duration_seconds", {}, st.latency, st.appends,
                          st.seconds);
    out.family(
        "kassa_append_failures_total", "counter",
        "Appends the log refused or could not make durable (nothing of them was acknowledged).");
    out.sample("kassa_append_failures_total", st.failures);
  });
  router.add_metrics([persons = persons_.get(), companies = companies_.get(),
                      fund = fund_writer_.get()](http::MetricsText& out) {
    out.family(
        "kassa_commands_total", "counter",
        "Commands this process decided, by aggregate, command and result: written (events "
        "durable), unchanged (nothing to do, a retry), rejected (a named rule), failed (not "
        "loaded, encoded or made durable). A batch run or import counts each item it reached.");
    const auto samples = [&out](const char* aggregate, const auto& counts) {
      for (const auto& c : counts) {
        out.sample("kassa_commands_total",
                   {{"aggregate", aggregate},
                    {"command", std::string(c.command)},
                    {"result",
                     std::string(write::kCommandResultNames[static_cast<std::size_t>(c.result)])}},
                   c.count);
      }
    };
    samples("person", persons->command_counts());
    samples("company", companies->command_counts());
    samples("fund", fund->command_counts());
  });
  router.add_metrics([runner = projections_.get()](http::MetricsText& out) {
    const auto st = runner->rebuild_state();
    out.family("kassa_projections_rebuild_running", "gauge",
               "1 while an in-process rebuild (POST /v1/admin/projections/rebuild) runs.");
    out.sample("kassa_projections_rebuild_running", std::uint64_t{st.running ? 1u : 0u});
    out.family("kassa_projections_rebuild_progress_ratio", "gauge",
               "How far the rebuild under way (else the last one) is, 0 to 1 over all its passes.");
    out.sample("kassa_projections_rebuild_progress_ratio", st.progress.ratio());
    out.family("kassa_projections_rebuild_pass", "gauge",
               "The rebuild's pass (1-based) and its number of passes (each reads the whole log).");
    out.sample("kassa_projections_rebuild_pass", {{"of", "current"}},
               std::uint64_t{st.progress.passes == 0 ? 0u : st.progress.pass + 1u});
    out.sample("kassa_projections_rebuild_pass", {{"of", "total"}},
               std::uint64_t{st.progress.passes});
    out.family("kassa_projections_rebuild_records", "gauge",
               "Records the current pass has read, and the records in the rebuild's cut.");
    out.sample("kassa_projections_rebuild_records", {{"of", "read"}}, st.progress.records);
    out.sample("kassa_projections_rebuild_records", {{"of", "total"}}, st.progress.total);
    out.family("kassa_projections_rebuilds_total", "counter",
               "In-process rebuilds ended since start, by outcome.");
    out.sample("kassa_projections_rebuilds_total", {{"outcome", "completed"}}, st.completed);
    out.sample("kassa_projections_rebuilds_total", {{"outcome", "failed"}}, st.failed);
  });
  std::vector<std::pair<std::string, std::string>> folders{
      {"projections", config.projections_dir()},
      {"keys", config.keys_dir()},
      {"idempotency", config.idempotency_dir()},
      {"access_log", config.access_log_dir()}};
  if (config.log.brokers.empty()) folders.emplace_back("journal", config.journal_dir());
  router.add_metrics([folders = std::move(folders)](http::MetricsText& out) {
    out.family("kassa_store_disk_bytes", "gauge",
               "Bytes on disk of each of kassad's folders (RocksDB files, WAL included; the "
               "projections' folder holds a rebuild's store beside the live one).");
    for (const auto& [name, folder] : folders) {
      out.sample("kassa_store_disk_bytes", {{"store", name}}, folder_bytes(folder));
    }
  });
  router.add_metrics([access = access_log_.get()](http::MetricsText& out) {
    const auto counts = access->counts();
    out.family(
        "kassa_access_log_records_total", "counter",
        "Access records written (one per person a read disclosed), durable before the answer.");
    out.sample("kassa_access_log_records_total", counts.records);
    out.family("kassa_access_log_writes_total", "counter",
               "Synced writes that carried them (concurrent reads share one: group commit).");
    out.sample("kassa_access_log_writes_total", counts.writes);
  });
  http::add_command_routes(router, commands);
  http::add_console_routes(router);
  return {};
}

void Service::stop() {
  if (projections_) projections_->stop();
}

}  // namespace kassa::app
