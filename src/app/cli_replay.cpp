#include "app/cli_replay.h"

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "app/logging.h"
#include "replay/archive.h"
#include "replay/progress.h"
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

}  // namespace

void add_replay_commands(CLI::App& app) {
  CLI::App* replay = app.add_subcommand(
      "replay", "The auditor's tool: verify the event history, export and import archives");
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
}

}  // namespace kassa::app
