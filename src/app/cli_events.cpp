#include "app/cli_events.h"

#include "app/cli_support.h"

#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "log/event_codec.h"
#include "log/rocksdb_key_store.h"
#include "projections/event_json.h"
#include "replay/source.h"

namespace kassa::app {

namespace {

volatile std::sig_atomic_t g_stop = 0;

struct TailOptions {
  std::string from;
  bool json = false;
  bool follow = false;
  std::string type;
  std::string aggregate;
  std::string keys;  // a key store folder: open the sealed blocks
};

std::string text_line(const nlohmann::json& e) {
  std::string line = e["topic"].get<std::string>() + "/" +
                     std::to_string(e["partition"].get<int>()) + "@" +
                     std::to_string(e["offset"].get<std::int64_t>()) + " " +
                     e["aggregate_key"].get<std::string>() + " #" +
                     std::to_string(e["sequence"].get<std::uint64_t>()) + " " +
                     e["type"].get<std::string>() + " decided=" + e["decided"].get<std::string>();
  if (e["effective_quarter"].is_string())
    line += " quarter=" + e["effective_quarter"].get<std::string>();
  return line;
}

void tail(const TailOptions& o) {
  auto spec = replay::parse_source(o.from);
  if (!spec.ok()) fail("--from", spec.error());
  if (spec->kind == replay::SourceKind::kArchive) {
    throw CLI::ValidationError("--from", "events tail reads kafka:// or journal://");
  }
  if (o.follow && spec->kind == replay::SourceKind::kJournal) {
    // The journal is opened read-only (kassad owns it): it would never
    // see a later event, and --follow would wait for nothing.
    throw CLI::ValidationError("--follow", "follows Kafka topics; a journal is read as it stands");
  }
  std::unique_ptr<log::RocksDbKeyStore> keys;
  if (!o.keys.empty()) {
    // Read-only: beside the kassad that owns it, or a backup's copy.
    auto opened = log::RocksDbKeyStore::open_read_only(o.keys);
    if (!opened.ok()) fail("--keys", opened.error());
    keys = std::move(opened).value();
    std::cerr << "note: personal data is printed in clear (--keys); kassad's access log does not "
                 "see this read\n";
  }
  auto log = replay::open_existing_log(*spec);
  if (!log.ok()) fail("source", log.error());
  std::vector<log::Position> from;
  std::vector<log::Position> until;
  for (log::Topic topic : {log::Topic::kPersonEvents, log::Topic::kCompanyEvents}) {
    for (std::int32_t p = 0; p < (*log)->partition_count(topic); ++p) {
      auto hwm = (*log)->high_water_mark(topic, p);
      if (!hwm.ok()) fail("source", hwm.error());
      from.push_back({topic, p, 0});
      until.push_back({topic, p, *hwm});
    }
  }
  auto sub = (*log)->subscribe(from);
  if (!sub.ok()) fail("source", sub.error());
  std::signal(SIGINT, [](int) { g_stop = 1; });
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  std::uint64_t undecodable = 0;
  const auto reached = [&] {
    const auto at = (*sub)->positions();
    for (const log::Position& u : until) {
      for (const log::Position& p : at) {
        if (p.topic == u.topic && p.partition == u.partition && p.offset < u.offset) return false;
      }
    }
    return true;
  };
  while (!g_stop && (o.follow || !reached())) {
    auto records = (*sub)->poll(4096, std::chrono::milliseconds(200));
    if (!records.ok()) fail("read", records.error());
    for (const log::StoredRecord& r : *records) {
      if (!o.aggregate.empty() && r.key != o.aggregate) continue;
      auto decoded = log::decode_event(std::span<const std::uint8_t>(
          reinterpret_cast<const std::uint8_t*>(r.value.data()), r.value.size()));
      if (!decoded.ok()) {
        ++undecodable;
        std::cerr << "error: " << log::topic_suffix(r.topic) << "/" << r.partition << "@"
                  << r.offset << " does not decode: " << decoded.error().message << " ("
                  << decoded.error().rule << ")\n";
        continue;
      }
      if (!o.type.empty() && decoded->type_name() != o.type) continue;
      const nlohmann::json e = projections::event_json(
          *decoded, projections::EventPosition{r.topic, r.partition, r.offset}, keys.get());
      std::cout << (o.json ? e.dump() : text_line(e)) << "\n";
    }
    std::cout.flush();
  }
  if (undecodable > 0) {
    std::cerr << undecodable << " records did not decode; `kassa replay verify --from " << o.from
              << "` tells more\n";
    throw CLI::RuntimeError(1);
  }
}

}  // namespace

void add_events_commands(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("events", "A log's events, decoded");
  cmd->require_subcommand(1);
  auto o = std::make_shared<TailOptions>();
  CLI::App* t = cmd->add_subcommand("tail", "Print every event of a log, one line each");
  t->add_option("--from", o->from, "kafka://HOST:PORT[?prefix=P] or journal://DIR")->required();
  t->add_flag("--json", o->json,
              "one JSON object a line, in business units (personal data sealed)");
  CLI::Option* follow =
      t->add_flag("--follow", o->follow, "keep waiting for new events (Ctrl-C stops)");
  t->add_option("--type", o->type, "only events of this type (e.g. PaymentRecorded)");
  t->add_option("--aggregate", o->aggregate, "only the events of this PartyId or company number");
  t->add_option("--keys", o->keys,
                "the fund's key store (a data folder's keys/, or a backup's): --json then shows "
                "each sealed block opened (personal data in clear); the store as it stands "
                "when the command starts, hence not with --follow")
      ->needs("--json")
      ->excludes(follow);
  t->callback([o] { tail(*o); });
}

}  // namespace kassa::app
