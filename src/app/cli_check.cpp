#include "app/cli_check.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "app/config.h"
#include "domain/fund_config.h"
#include "domain/rulebook.h"
#include "projections/rebuild.h"
#include "replay/check.h"

namespace kassa::app {

namespace p = kassa::projections;

namespace {

struct CheckArgs {
  Config config;
  std::string store;  // a store folder itself (a copy, an archive's rebuild)
  std::string date;
  bool json = false;
  std::size_t max_listed = 200;
};

[[noreturn]] void fail(const std::string& what, const Error& e) {
  std::cerr << "error: " << what << ": " << e.message << " (" << e.rule << ")\n";
  throw CLI::RuntimeError(2);
}

void run(CheckArgs& args) {
  std::string path = args.store;
  if (path.empty()) {
    finish(args.config);
    auto live = p::live_store_path(args.config.projections_dir());
    if (!live.ok()) fail("projections folder", live.error());
    path = *live;
  }
  if (!std::filesystem::exists(path + "/CURRENT")) {
    std::cerr << "error: no projection store at " << path << "\n";
    throw CLI::RuntimeError(2);
  }
  replay::CheckOptions options;
  if (args.date.empty()) {
    const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    options.on =
        domain::Date::from_days(static_cast<std::int32_t>(today.time_since_epoch().count()));
  } else {
    auto on = domain::Date::parse(args.date, "date");
    if (!on.ok()) fail("--date", on.error());
    options.on = *on;
  }
  options.max_listed = args.max_listed;
  auto store = p::Store::open(path);
  if (!store.ok()) fail("store", store.error());
  const auto rulebook = domain::Rulebook::belgian_default();
  const auto fund = domain::FundConfig::kassa_default();
  auto report = replay::check_store(**store, rulebook, fund, options);
  if (!report.ok()) fail("check", report.error());
  if (args.json) {
    auto j = replay::to_json(*report);
    j["store"] = path;
    j["date"] = options.on.format();
    std::cout << j.dump() << "\n";
  } else {
    std::cout << "store " << path << ", contrainte eligibility judged on " << options.on.format()
              << "\n";
    replay::print_report(*report, std::cout);
  }
  if (!report->ok()) throw CLI::RuntimeError(1);
}

}  // namespace

void add_check_command(CLI::App& app) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand(
      "check",
      "Prove that every read model is a view of the domain's fold: for every person and company, "
      "statement balance = debt outstanding - credit, debt, work list, career, tax certificate "
      "and company account = the domain state's, statistics = their sums. Exit 1 on any "
      "violation. Run it with kassad stopped, or on a copy.");
  add_store_options(*cmd, args->config);
  cmd->add_option("--store", args->store,
                  "a projection store folder instead of --data-dir's live one");
  cmd->add_option("--date", args->date,
                  "the day contrainte eligibility is judged on, YYYY-MM-DD (default: today)");
  cmd->add_flag("--json", args->json, "print the report as JSON");
  cmd->add_option("--max-listed", args->max_listed, "violations listed in full (default 200)");
  cmd->callback([args] { run(*args); });
}

}  // namespace kassa::app
