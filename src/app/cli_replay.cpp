#include "app/cli_replay.h"

#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "app/logging.h"
#include "log/rocksdb_key_store.h"
#include "projections/niss_index.h"
#include "replay/archive.h"
#include "replay/progress.h"
#include "replay/rebuild.h"
#include "replay/report.h"
#include "replay/source.h"
#include "replay/verify.h"

namespace kassa::app {

namespace {

namespace rp = kassa::replay;

struct Common {
  bool json = false;
  std::string progress = "auto";
  std::string log_level = "warn";
};

[[noreturn]] void fail(const Error& error, int exit_code) {
  std::cerr << "error: " << error.message << " (" << error.rule << ")\n";
  throw CLI::RuntimeError(exit_code);
}

rp::SourceSpec parse_or_usage(const std::string& text) {
  auto spec = rp::parse_source(text);
  if (!spec.ok()) fail(spec.error(), 2);
  return *spec;
}

rp::ProgressStyle style(const std::string& name) {
  if (name == "tty") return rp::ProgressStyle::kTty;
  if (name == "lines") return rp::ProgressStyle::kLines;
  if (name == "off") return rp::ProgressStyle::kOff;
  return rp::ProgressStyle::kAuto;
}

void start(const Common& c) { init_logging("kassa", c.log_level); }

void add_common(CLI::App* cmd, Common& c) {
  cmd->add_flag("--json", c.json, "Print one JSON document on stdout");
  cmd->add_option("--progress", c.progress, "Progress on stderr: auto, tty, lines or off")
      ->check(CLI::IsMember({"auto", "tty", "lines", "off"}))
      ->default_val("auto");
  cmd->add_option("--log-level", c.log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->default_val("warn");
}

nlohmann::json stats_json(const std::vector<rp::PartitionStats>& stats) {
  nlohmann::json parts = nlohmann::json::array();
  for (const auto& st : stats) {
    parts.push_back({{"topic", log::topic_suffix(st.topic)},
                     {"partition", st.partition},
                     {"events", st.count},
                     {"first_offset", st.first_offset},
                     {"last_offset", st.last_offset},
                     {"hash_head", rp::to_hex(st.hash_head)},
                     {"aggregates", st.aggregates}});
  }
  return parts;
}

double rate(uint64_t events, double seconds) {
  return seconds > 0 ? static_cast<double>(events) / seconds : 0.0;
}

void run_verify(const Common& c, const std::string& from) {
  const rp::SourceSpec spec = parse_or_usage(from);
  start(c);
  rp::Progress progress("verify", std::cerr, style(c.progress));
  auto report = rp::verify_source(spec, &progress);
  if (!report.ok() && c.json) {
    std::cout << nlohmann::json{{"ok", false},
                                {"source", spec.url()},
                                {"error",
                                 {{"rule", report.error().rule},
                                  {"message", report.error().message}}}}
                     .dump(2)
              << "\n";
  }
  if (!report.ok()) fail(report.error(), 1);
  if (c.json) {
    std::cout << rp::to_json(*report).dump(2) << "\n";
  } else {
    rp::print_report(*report, std::cout);
  }
  if (!report->ok()) throw CLI::RuntimeError(1);
}

void run_export(const Common& c, const std::string& from, const std::string& to) {
  const rp::SourceSpec spec = parse_or_usage(from);
  const rp::SourceSpec target = parse_or_usage(to);
  if (target.kind != rp::SourceKind::kArchive) {
    fail(Error::invalid("to", "SourceSyntax", "--to names a FILE.kassa archive"), 2);
  }
  if (spec.kind == rp::SourceKind::kArchive) {
    fail(Error::invalid("from", "SourceSyntax",
                        "--from is kafka://... or journal://...; copy an archive with cp"),
         2);
  }
  start(c);
  auto log = rp::open_existing_log(spec);
  if (!log.ok()) fail(log.error(), 1);
  auto stream = rp::make_log_stream(**log, spec.url());
  if (!stream.ok()) fail(stream.error(), 1);
  rp::Progress progress("export", std::cerr, style(c.progress));
  rp::ExportOptions options;
  options.source_url = spec.url();
  options.tool_version = KASSA_VERSION;
  auto summary = rp::export_archive(**stream, target.location, options, &progress);
  if (!summary.ok()) fail(summary.error(), 1);
  if (c.json) {
    std::cout << nlohmann::json{{"ok", true},
                                {"archive", target.location},
                                {"source", spec.url()},
                                {"events", summary->events},
                                {"bytes", summary->bytes},
                                {"file_hash", summary->file_hash},
                                {"seconds", summary->seconds},
                                {"events_per_second", rate(summary->events, summary->seconds)},
                                {"partitions", stats_json(summary->partitions)}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "exported " << summary->events << " records from " << spec.url() << " to "
              << target.location << " (" << summary->bytes << " bytes, BLAKE2b-256 "
              << summary->file_hash << ") in " << summary->seconds << " s\n";
  }
}

void run_import(const Common& c, const std::string& file, const std::string& into) {
  const rp::SourceSpec archive = parse_or_usage(file);
  const rp::SourceSpec target = parse_or_usage(into);
  if (archive.kind != rp::SourceKind::kArchive) {
    fail(Error::invalid("archive", "SourceSyntax", "import reads a FILE.kassa archive"), 2);
  }
  if (target.kind == rp::SourceKind::kArchive) {
    fail(Error::invalid("into", "SourceSyntax", "--into is kafka://... or journal://..."), 2);
  }
  start(c);
  rp::Progress progress("import", std::cerr, style(c.progress));
  auto summary = rp::import_archive(archive.location, target, &progress);
  if (!summary.ok()) fail(summary.error(), 1);
  if (c.json) {
    std::cout << nlohmann::json{{"ok", true},
                                {"archive", archive.location},
                                {"into", target.url()},
                                {"events", summary->events},
                                {"quarantined", summary->quarantined},
                                {"seconds", summary->seconds},
                                {"events_per_second", rate(summary->events, summary->seconds)}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "imported " << summary->events << " events and " << summary->quarantined
              << " quarantine records from " << archive.location << " into " << target.url()
              << " in " << summary->seconds << " s\n";
  }
}

struct RebuildArgs {
  Common common;
  std::string from, into, at, known_at, keys, niss_secret;
  std::uint32_t passes = 0;  // 0: by the log's size
};

void run_rebuild(const RebuildArgs& a) {
  const rp::SourceSpec spec = parse_or_usage(a.from);
  rp::RebuildOptions options;
  if (!a.at.empty()) {
    auto day = rp::parse_date_days(a.at);
    if (!day.ok()) fail(day.error(), 2);
    options.at_days = *day;
  }
  if (!a.known_at.empty()) {
    auto ts = rp::parse_timestamp_us(a.known_at);
    if (!ts.ok()) fail(ts.error(), 2);
    options.known_at_us = *ts;
  }
  if (a.keys.empty() != a.niss_secret.empty()) {
    fail(Error::invalid("keys", "KeysWithSecret",
                        "--keys and --niss-secret go together (the NISS index needs both)"),
         2);
  }
  options.passes = a.passes;
  start(a.common);
  std::unique_ptr<log::RocksDbKeyStore> keys;
  if (!a.keys.empty()) {
    std::error_code ec;
    if (!std::filesystem::exists(a.keys, ec) || !std::filesystem::exists(a.niss_secret, ec)) {
      fail(Error::not_found("KeysMissing",
                            "no key store at " + a.keys + " or no secret at " + a.niss_secret),
           1);
    }
    auto opened = log::RocksDbKeyStore::open(a.keys);
    if (!opened.ok()) fail(opened.error(), 1);
    keys = std::move(opened).value();
    auto secret = projections::load_or_create_niss_secret(a.niss_secret);
    if (!secret.ok()) fail(secret.error(), 1);
    options.keys = keys.get();
    options.niss_secret = *secret;
  }
  rp::Progress progress("rebuild", std::cerr, style(a.common.progress));
  auto summary = rp::rebuild(spec, a.into, options, &progress);
  if (!summary.ok()) fail(summary.error(), 1);
  if (a.common.json) {
    nlohmann::json sums = nlohmann::json::object();
    for (const auto& c : summary->checksums) sums[c.name] = c.checksum;
    std::cout << nlohmann::json{{"ok", true},
                                {"source", spec.url()},
                                {"into", a.into},
                                {"at", summary->at_days
                                           ? nlohmann::json(rp::format_days(*summary->at_days))
                                           : nlohmann::json(nullptr)},
                                {"known_at", summary->known_at_us ? nlohmann::json(rp::format_us(
                                                                        *summary->known_at_us))
                                                                  : nlohmann::json(nullptr)},
                                {"checksums", sums},
                                {"records", summary->records},
                                {"applied", summary->applied},
                                {"left_out", summary->left_out},
                                {"quarantined", summary->quarantined},
                                {"skipped", summary->skipped},
                                {"passes", summary->passes},
                                {"niss_index", summary->niss_index},
                                {"seconds", summary->seconds},
                                {"events_per_second", rate(summary->records, summary->seconds)}}
                     .dump(2)
              << "\n";
  } else {
    for (const auto& c : summary->checksums) {
      std::cout << c.name << std::string(c.name.size() < 16 ? 16 - c.name.size() : 1, ' ')
                << c.checksum << "\n";
    }
    if (summary->at_days || summary->known_at_us) {
      std::cout << "as of " << (summary->at_days ? rp::format_days(*summary->at_days) : "today")
                << (summary->known_at_us ? ", as known at " + rp::format_us(*summary->known_at_us)
                                         : std::string())
                << ": " << summary->left_out << " events decided or recorded later left out\n";
    }
    std::cout << "rebuilt " << summary->records << " events (" << summary->applied << " applied, "
              << summary->skipped << " redeliveries skipped, " << summary->quarantined
              << " refused) into " << a.into << " in " << summary->seconds << " s, "
              << summary->passes << (summary->passes == 1 ? " pass" : " passes") << "\n";
  }
  if (!summary->niss_index) {
    std::cerr << "note: no --keys: the niss projection is empty and its checksum is not the "
                 "live store's\n";
  }
  if (summary->quarantined > 0) {
    std::cerr << "warning: " << summary->quarantined
              << " records failed verification and were left out; run `kassa replay verify`\n";
  }
}

struct DiffArgs {
  Common common;
  std::string live, rebuilt;
  std::size_t max_keys = 10;
};

void run_diff(const DiffArgs& a) {
  start(a.common);
  auto report = rp::diff_stores(a.live, a.rebuilt, a.max_keys);
  if (!report.ok()) fail(report.error(), 1);
  if (a.common.json) {
    nlohmann::json parts = nlohmann::json::array();
    for (const auto& p : report->projections) {
      nlohmann::json keys = nlohmann::json::array();
      for (const auto& k : p.first) {
        keys.push_back({{"key", k.key}, {"difference", rp::to_string(k.difference)}});
      }
      parts.push_back({{"projection", p.name},
                       {"equal", p.equal()},
                       {"live_checksum", p.live_checksum},
                       {"rebuilt_checksum", p.rebuilt_checksum},
                       {"only_live", p.only_live},
                       {"only_rebuilt", p.only_rebuilt},
                       {"value_differs", p.value_differs},
                       {"first_differing_keys", keys}});
    }
    std::cout << nlohmann::json{{"equal", report->equal()}, {"projections", parts}}.dump(2) << "\n";
  } else {
    for (const auto& p : report->projections) {
      std::cout << p.name << ": "
                << (p.equal() ? "equal (" + p.live_checksum.substr(0, 16) + ")"
                              : "DIFFERENT: " + std::to_string(p.only_live) + " keys only live, " +
                                    std::to_string(p.only_rebuilt) + " only rebuilt, " +
                                    std::to_string(p.value_differs) + " with other values")
                << "\n";
      for (const auto& k : p.first) {
        std::cout << "  " << rp::to_string(k.difference) << " " << k.key << "\n";
      }
    }
    std::cout << (report->equal() ? "stores equal\n" : "stores differ\n");
  }
  if (!report->equal()) throw CLI::RuntimeError(1);
}

struct ReportArgs {
  Common common;
  std::string store, person, company, at, known_at, niss_secret;
};

void run_report(const ReportArgs& a) {
  if (a.person.empty() == a.company.empty()) {
    fail(Error::invalid("person", "ReportSubject", "report names one --person or one --company"),
         2);
  }
  std::string company;
  if (!a.company.empty()) {
    auto number = rp::find_company(a.company);
    if (!number.ok()) fail(number.error(), 2);
    company = *number;
  }
  auto at = rp::parse_date_days(a.at);
  if (!at.ok()) fail(at.error(), 2);
  std::optional<int64_t> known_at;
  if (!a.known_at.empty()) {
    auto ts = rp::parse_timestamp_us(a.known_at);
    if (!ts.ok()) fail(ts.error(), 2);
    known_at = *ts;
  }
  start(a.common);
  if (!company.empty()) {
    auto store = rp::open_existing_store(a.store);
    if (!store.ok()) fail(store.error(), 1);
    auto report = rp::company_report(**store, company, *at, known_at);
    if (!report.ok()) fail(report.error(), 1);
    if (a.common.json) {
      std::cout << rp::to_json(*report).dump(2) << "\n";
    } else {
      rp::print_report(*report, std::cout);
    }
    return;
  }
  std::optional<projections::NissSecret> secret;
  if (!a.niss_secret.empty()) {
    std::error_code ec;
    if (!std::filesystem::exists(a.niss_secret, ec)) {
      fail(Error::not_found("NissSecretMissing", "no NISS secret at " + a.niss_secret), 1);
    }
    auto loaded = projections::load_or_create_niss_secret(a.niss_secret);
    if (!loaded.ok()) fail(loaded.error(), 1);
    secret = *loaded;
  }
  auto store = rp::open_existing_store(a.store);
  if (!store.ok()) fail(store.error(), 1);
  auto party = rp::find_person(**store, a.person, secret);
  if (!party.ok()) fail(party.error(), party.error().code == Errc::kInvalidArgument ? 2 : 1);
  auto report = rp::person_report(**store, *party, *at, known_at);
  if (!report.ok()) fail(report.error(), 1);
  if (a.common.json) {
    std::cout << rp::to_json(*report).dump(2) << "\n";
  } else {
    rp::print_report(*report, std::cout);
  }
}

}  // namespace

void add_replay_commands(CLI::App& app) {
  CLI::App* replay = app.add_subcommand(
      "replay",
      "The auditor's tool: verify the event history, archives, rebuild and compare projections");
  replay->require_subcommand(1);

  auto verify = std::make_shared<std::pair<Common, std::string>>();
  CLI::App* v = replay->add_subcommand(
      "verify", "Verify every event, hash chain and (for an archive) the file itself");
  v->add_option("--from", verify->second,
                "kafka://HOST:PORT[?prefix=P], journal://DIR[?prefix=P] or FILE.kassa")
      ->required();
  add_common(v, verify->first);
  v->callback([verify] { run_verify(verify->first, verify->second); });

  struct ExportArgs {
    Common common;
    std::string from, to;
  };
  auto exp = std::make_shared<ExportArgs>();
  CLI::App* e = replay->add_subcommand("export", "Write a source's whole history to a FILE.kassa");
  e->add_option("--from", exp->from, "kafka://HOST:PORT[?prefix=P] or journal://DIR")->required();
  e->add_option("--to", exp->to, "The archive to create (never overwritten)")->required();
  add_common(e, exp->common);
  e->callback([exp] { run_export(exp->common, exp->from, exp->to); });

  struct ImportArgs {
    Common common;
    std::string file, into;
  };
  auto imp = std::make_shared<ImportArgs>();
  CLI::App* i = replay->add_subcommand(
      "import", "Load a verified FILE.kassa into an empty journal or empty topics");
  i->add_option("archive", imp->file, "FILE.kassa")->required();
  i->add_option("--into", imp->into, "kafka://HOST:PORT[?prefix=P] or journal://DIR")->required();
  add_common(i, imp->common);
  i->callback([imp] { run_import(imp->common, imp->file, imp->into); });

  auto reb = std::make_shared<RebuildArgs>();
  CLI::App* r = replay->add_subcommand(
      "rebuild", "Rebuild every projection into a fresh store and print its checksums");
  r->add_option("--from", reb->from,
                "kafka://HOST:PORT[?prefix=P], journal://DIR[?prefix=P] or FILE.kassa")
      ->required();
  r->add_option("--into", reb->into, "A folder that does not exist yet (or is empty)")->required();
  r->add_option("--at", reb->at, "YYYY-MM-DD: only events effective up to that date (as ?at=)");
  r->add_option("--known-at", reb->known_at,
                "Only events recorded by then (as ?known_at=): YYYY-MM-DDTHH:MM:SS[.ffffff]Z or "
                "microseconds");
  r->add_option("--keys", reb->keys, "The fund's key store (for the NISS index)");
  r->add_option("--niss-secret", reb->niss_secret, "The fund's NISS index secret file");
  r->add_option("--passes", reb->passes,
                "Passes over the log, each holding one share of the aggregates in memory "
                "(default: one per 3,000,000 records)")
      ->check(CLI::Range(1, 1024));
  add_common(r, reb->common);
  r->callback([reb] { run_rebuild(*reb); });

  auto dif = std::make_shared<DiffArgs>();
  CLI::App* d =
      replay->add_subcommand("diff", "Compare two projection stores projection by projection");
  d->add_option("--live", dif->live, "The service's store (a copy, or with kassad stopped)")
      ->required();
  d->add_option("--rebuilt", dif->rebuilt, "A store written by rebuild")->required();
  d->add_option("--keys-shown", dif->max_keys, "Differing keys named per projection")
      ->default_val(10);
  add_common(d, dif->common);
  d->callback([dif] { run_diff(*dif); });

  auto rep = std::make_shared<ReportArgs>();
  CLI::App* p = replay->add_subcommand(
      "report",
      "A person's statement, debt and career, or a company's account and directors, as known on "
      "a date, with lineage");
  p->add_option("--store", rep->store, "A projection store (rebuilt, or a copy of the live one)")
      ->required();
  auto* person =
      p->add_option("--person", rep->person, "National number (with --niss-secret) or PartyId");
  auto* company = p->add_option("--company", rep->company,
                                "Company number (BCE/KBO): 0566988259, 0566.988.259 or BE...");
  person->excludes(company);
  p->add_option("--at", rep->at, "YYYY-MM-DD: events effective up to that date (as ?at=)")
      ->required();
  p->add_option("--known-at", rep->known_at,
                "and recorded up to this instant (as ?known_at=): YYYY-MM-DDTHH:MM:SSZ");
  p->add_option("--niss-secret", rep->niss_secret, "The fund's NISS index secret file");
  add_common(p, rep->common);
  p->callback([rep] { run_report(*rep); });
}

}  // namespace kassa::app
