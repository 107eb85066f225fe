#include "app/cli_demo.h"

#include "app/cli_support.h"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "app/config.h"
#include "app/logging.h"
#include "demo/population.h"
#include "domain/category.h"
#include "log/rocksdb_key_store.h"

namespace kassa::app {

namespace {

struct DemoOptions {
  Config config;
  demo::PopulationSpec spec;
  int companies = -1;  // default: one per 20 persons
  bool json = false;
  std::string party_ids_file;
  std::string log_level = "info";
};

struct ReadOptions {
  Config config;
  bool json = false;
};

nlohmann::json to_json(const demo::PopulationSummary& s, double seconds) {
  nlohmann::json categories = nlohmann::json::object();
  for (const auto& [c, n] : s.categories) categories[std::string(domain::to_string(c))] = n;
  nlohmann::json samples = nlohmann::json::array();
  for (const auto& [label, key] : s.samples) samples.push_back({{"label", label}, {"key", key}});
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& r : s.assessment_runs) {
    runs.push_back({{"quarter", r.quarter},
                    {"persons", r.persons},
                    {"events", r.events},
                    {"seconds", r.seconds}});
  }
  return {
      {"persons", s.persons},
      {"companies", s.companies},
      {"events", s.events()},
      {"person_events", s.person_events},
      {"company_events", s.company_events},
      {"fund_events", s.fund_events},
      {"seconds", seconds},
      {"events_per_s", seconds > 0 ? static_cast<double>(s.events()) / seconds : 0.0},
      {"assessment_events", s.assessment_events},
      {"assessment_seconds", s.assessment_seconds},
      {"assessment_events_per_s",
       s.assessment_seconds > 0 ? static_cast<double>(s.assessment_events) / s.assessment_seconds
                                : 0.0},
      {"assessment_runs", runs},
      {"categories", categories},
      {"primo_starters", s.primo_starters},
      {"newcomers", s.newcomers},
      {"cessations", s.cessations},
      {"payments", s.payments},
      {"bank_statements", s.bank_statements},
      {"bank_lines", s.bank_lines},
      {"payments_by_account", s.payments_by_account},
      {"suspense", s.suspense},
      {"persons_reminded", s.persons_reminded},
      {"persons_formally_noticed", s.persons_formally_noticed},
      {"payment_plans", s.payment_plans},
      {"dispenses", s.dispenses},
      {"waivers", s.waivers},
      {"bridging_rights", s.bridging_rights},
      {"benefit_payments", s.benefit_payments},
      {"refunds", s.refunds},
      {"regularisations", s.regularisations},
      {"personal_data_changes", s.personal_data_changes},
      {"persons_assessed_late", s.persons_assessed_late},
      {"quarters_assessed_late", s.quarters_assessed_late},
      {"rejected", s.rejected},
      {"states_spilled", s.states_spilled},
      {"states_loaded", s.states_loaded},
      {"samples", samples}};
}

void print(const demo::PopulationSummary& s, const demo::PopulationSpec& spec, double seconds) {
  std::cout << "generated " << s.persons << " persons and " << s.companies << " companies, "
            << spec.from_year << ".." << spec.to_year << ", seed " << spec.seed << ": "
            << s.events() << " events in " << seconds << " s\n  categories:";
  for (const auto& [c, n] : s.categories) std::cout << " " << domain::to_string(c) << " " << n;
  std::cout << "\n  newcomers " << s.newcomers << " (primo-starters " << s.primo_starters
            << "), cessations " << s.cessations << ", payments " << s.payments
            << ", regularisations " << s.regularisations << ", personal data changes "
            << s.personal_data_changes << ", quarters assessed late " << s.quarters_assessed_late
            << " (" << s.persons_assessed_late << " persons)"
            << "\n  bank (CODA): " << s.bank_statements << " statements, " << s.bank_lines
            << " credit lines, matched by account " << s.payments_by_account << ", in suspense "
            << s.suspense << "\n  reminded " << s.persons_reminded << ", formal notices "
            << s.persons_formally_noticed << ", payment plans " << s.payment_plans << ", dispenses "
            << s.dispenses << ", waivers " << s.waivers << ", bridging rights " << s.bridging_rights
            << " (commands refused by the domain: " << s.rejected << ")\n";
  if (s.states_spilled > 0) {
    std::cout << "  person states beyond " << spec.cached_persons << " in memory: spilled "
              << s.states_spilled << " times, read back " << s.states_loaded << " times\n";
  }
  std::cout << "PartyIds to try:\n";
  for (const auto& [label, key] : s.samples) std::cout << "  " << key << "  " << label << "\n";
}

void generate(DemoOptions& o) {
  init_logging("kassa", o.log_level);
  finish(o.config);
  o.spec.companies = o.companies >= 0 ? o.companies : o.spec.persons / 20;
  o.spec.scratch_dir = (std::filesystem::path(o.config.data_dir) / "generator-scratch").string();
  std::error_code ec;
  std::filesystem::create_directories(o.config.data_dir, ec);
  if (ec) fail("data dir", Error::unavailable("DataDir", o.config.data_dir + ": " + ec.message()));
  auto log = log::open_event_log(o.config.log);
  if (!log.ok()) fail("event log", log.error());
  // Seeded: the same seed gives the same keys, nonces and event ids.
  log::SeededRandom key_random(o.spec.seed * 2 + 1);
  log::SeededRandom event_random(o.spec.seed);
  auto keys = log::RocksDbKeyStore::open(o.config.keys_dir(), key_random);
  if (!keys.ok()) fail("key store", keys.error());
  const auto started = std::chrono::steady_clock::now();
  auto summary = demo::generate_population(
      **log, **keys, event_random, o.spec, [](const std::string& quarter, std::size_t events) {
        spdlog::info("msg=\"demo quarter generated\" quarter={} events={}", quarter, events);
      });
  if (!summary.ok()) fail("generate", summary.error());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!o.party_ids_file.empty()) {
    std::ofstream out(o.party_ids_file);
    for (const auto& key : summary->party_ids) out << key << "\n";
    if (!out) fail("party ids", Error::unavailable("PartyIdsFile", o.party_ids_file));
  }
  if (o.json) {
    std::cout << to_json(*summary, seconds).dump(2) << "\n";
  } else {
    print(*summary, o.spec, seconds);
  }
}

// Every record of the person and company topics through EventLog::read,
// nothing decoded: the transport's ceiling as Kassa's adapters see it.
void read_log(ReadOptions& o) {
  init_logging("kassa", "warn");
  finish(o.config);
  auto log = log::open_event_log(o.config.log);
  if (!log.ok()) fail("event log", log.error());
  std::size_t records = 0, bytes = 0;
  const auto started = std::chrono::steady_clock::now();
  for (log::Topic t : {log::Topic::kPersonEvents, log::Topic::kCompanyEvents}) {
    for (std::int32_t p = 0; p < (*log)->partition_count(t); ++p) {
      auto hwm = (*log)->high_water_mark(t, p);
      if (!hwm.ok()) fail("high-water mark", hwm.error());
      for (std::int64_t next = 0; next < *hwm;) {
        auto batch = (*log)->read(t, p, next, 10'000, std::chrono::milliseconds(1000));
        if (!batch.ok()) fail("read", batch.error());
        if (batch->empty())
          fail("read", Error::unavailable("ReadStalled", "no record below the high-water mark"));
        next = batch->back().offset + 1;
        records += batch->size();
        for (const auto& r : *batch) bytes += r.value.size();
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double rate = seconds > 0 ? static_cast<double>(records) / seconds : 0.0;
  if (o.json) {
    std::cout << nlohmann::json{{"records", records},
                                {"bytes", bytes},
                                {"seconds", seconds},
                                {"records_per_s", rate}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << records << " records, " << bytes << " bytes in " << seconds << " s: " << rate
              << " records/s\n";
  }
}

}  // namespace

void add_demo_commands(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("demo", "Demo data: a realistic fund history");
  cmd->require_subcommand(1);
  auto o = std::make_shared<DemoOptions>();
  CLI::App* gen = cmd->add_subcommand(
      "generate", "Write a seeded, realistic history through the domain into an empty log");
  add_store_options(*gen, o->config);
  gen->add_option("--persons", o->spec.persons, "self-employed persons")
      ->default_val(10'000)
      ->check(CLI::Range(1, 9'000'000));
  gen->add_option("--companies", o->companies, "companies (default: persons / 20)")
      ->check(CLI::Range(0, 999'999));
  gen->add_option("--from-year", o->spec.from_year, "first year")->default_val(2022);
  gen->add_option("--to-year", o->spec.to_year, "last year")->default_val(2026);
  gen->add_option("--seed", o->spec.seed, "the same seed gives the same history")->default_val(1);
  gen->add_flag("--json", o->json, "print the summary as JSON");
  gen->add_option("--log-level", o->log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->default_val("info");
  gen->add_option("--cached-persons", o->spec.cached_persons,
                  "person states kept in memory (0: all); a larger population spills the others "
                  "to <data-dir>/generator-scratch and loads them back: less memory, more time")
      ->default_val(0);
  gen->add_option("--party-ids", o->party_ids_file, "write every PartyId to this file, one a line");
  gen->callback([o] { generate(*o); });

  auto r = std::make_shared<ReadOptions>();
  CLI::App* read = cmd->add_subcommand(
      "read-log", "Read every person and company record once, undecoded: the transport's ceiling");
  add_store_options(*read, r->config);
  read->add_flag("--json", r->json, "print the figures as JSON");
  read->callback([r] { read_log(*r); });
}

}  // namespace kassa::app
