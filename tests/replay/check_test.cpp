// `kassa check` end to end: on generated populations of three seeds over
// 2022-2026 (persons and companies, regularisations, plans, refunds,
// benefits) it finds every read model a view of the domain's fold; on a data
// folder written by the build before the one-fold read side
// (tests/data/legacy: 12 persons, seed 7, generated and projected by
// 30ef2a3) it reports that build's defects — a debt that disagrees with the
// statement — and exits 1; kassad's projection runner rebuilds such a store
// from the log, after which the same check finds nothing.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "cli_support.h"
#include "domain/fund_config.h"
#include "domain/rulebook.h"
#include "log/event_log.h"
#include "log/rocksdb_key_store.h"
#include "log_test_support.h"
#include "projections/debt.h"
#include "projections/niss_index.h"
#include "projections/rebuild.h"
#include "projections/store.h"
#include "replay/check.h"

namespace fs = std::filesystem;
using kassa::log::testing::TempDir;
using kassa::replay::testing::kassa_cli;

namespace {

std::string legacy_folder(const TempDir& dir) {
  const std::string into = dir.path() + "/legacy";
  fs::create_directories(into);
  const std::string command = "tar xzf '" + std::string(KASSA_SOURCE_DIR) +
                              "/tests/data/legacy/format-1-data-folder.tgz' -C '" + into + "'";
  REQUIRE(std::system(command.c_str()) == 0);
  return into;
}

}  // namespace

TEST_CASE("kassa check: every read model is a view of the fold on generated populations",
          "[check][cli]") {
  TempDir dir;
  std::map<std::string, int> covered;
  for (const char* seed : {"1", "7", "2026"}) {
    const std::string data = dir.path() + "/seed-" + seed;
    auto generated = kassa_cli("demo generate --data-dir " + data + " --persons 400 --seed " +
                               seed + " --from-year 2022 --to-year 2026 --json");
    REQUIRE(generated.exit_code == 0);
    INFO("seed " << seed << ": " << generated.out);
    REQUIRE(kassa_cli("projections rebuild --data-dir " + data).exit_code == 0);
    auto checked = kassa_cli("check --data-dir " + data + " --date 2027-01-15 --json");
    INFO(checked.out);
    CHECK(checked.exit_code == 0);
    const auto report = nlohmann::json::parse(checked.out);
    CHECK(report["violations"] == 0);
    CHECK(report["persons"] == 400);
    CHECK(report["companies"].get<int>() > 0);
    for (const auto& [type, n] : report["events_by_type"].items()) covered[type] += n.get<int>();
  }
  // The populations hold what the check must cover.
  for (const char* type : {"RegularisationComputed", "PaymentPlanGranted", "PaymentPlanBreached",
                           "RefundIssued", "BenefitPaid", "DispenseGranted", "SurchargeWaived",
                           "CompanyContributionAssessed", "ContributionCancelled", "PersonDied"}) {
    INFO(type);
    CHECK(covered[type] > 0);
  }
  CHECK(kassa_cli("check --data-dir " + dir.path() + "/none").exit_code == 2);
  CHECK(kassa_cli("check --data-dir " + dir.path() + "/seed-1 --date 2027-02-30").exit_code == 2);
}

TEST_CASE("kassa check reports the defects of a store written before one fold; a rebuild ends them",
          "[check][legacy]") {
  TempDir dir;
  const std::string data = legacy_folder(dir);
  auto checked = kassa_cli("check --data-dir " + data + " --date 2026-12-06 --json");
  CHECK(checked.exit_code == 1);
  const auto report = nlohmann::json::parse(checked.out);
  CHECK(report["persons"] == 12);
  // The old debt view disagreed with the statement for four of the twelve.
  CHECK(report["by_rule"]["StatementBalance"] == 4);
  CHECK(report["by_rule"]["StoreFormat"] == 1);
  bool phantom = false;
  for (const auto& v : report["listed"]) {
    if (v["rule"] == "StatementBalance" &&
        v["detail"].get<std::string>().find(
            "statement balance 0.00 but debt outstanding 3533.76") != std::string::npos) {
      phantom = true;  // owes nothing by their own statement
    }
  }
  CHECK(phantom);
  auto text = kassa_cli("check --data-dir " + data + " --date 2026-12-06");
  CHECK(text.exit_code == 1);
  CHECK(text.out.find("StatementBalance: 4") != std::string::npos);

  // kassad's runner finds the old format and rebuilds from the log.
  {
    kassa::log::LogConfig c;
    c.journal_path = data + "/journal";
    auto log = kassa::log::open_event_log(c);
    REQUIRE(log.ok());
    auto keys = kassa::log::RocksDbKeyStore::open(data + "/keys");
    REQUIRE(keys.ok());
    auto secret = kassa::projections::load_or_create_niss_secret(data + "/keys/niss_secret.key");
    REQUIRE(secret.ok());
    const auto rulebook = kassa::domain::Rulebook::belgian_default();
    kassa::projections::ProjectionDeps deps{&rulebook, keys->get(), *secret};
    auto runner = kassa::projections::ProjectionRunner::open(**log, data + "/projections", deps);
    REQUIRE(runner.ok());
    auto store = (*runner)->stores().get();
    CHECK(*store->format() == kassa::projections::kStoreFormat);
    kassa::replay::CheckOptions options;
    options.on = *kassa::domain::Date::from_ymd(2026, 12, 6);
    auto after = kassa::replay::check_store(*store, rulebook,
                                            kassa::domain::FundConfig::kassa_default(), options);
    REQUIRE(after.ok());
    CHECK(after->persons == 12);
    CHECK(after->violations == 0);
  }
  CHECK(kassa_cli("check --data-dir " + data + " --date 2026-12-06").exit_code == 0);
}

namespace {

// Writes `record` as the debt record of the legacy folder's first person.
void put_first_debt(const std::string& data, const std::string& record) {
  auto path = kassa::projections::live_store_path(data + "/projections");
  REQUIRE(path.ok());
  auto store = kassa::projections::Store::open(*path);
  REQUIRE(store.ok());
  std::string person;
  REQUIRE((*store)
              ->scan(kassa::projections::Cf::kParties, "P", "",
                     [&](std::string_view key, std::string_view) {
                       person = std::string(key.substr(1));
                       return false;
                     })
              .ok());
  REQUIRE_FALSE(person.empty());
  kassa::projections::StoreBatch batch(**store);
  batch.put(kassa::projections::Cf::kDebt, "aP" + person, record);
  auto offsets = (*store)->offsets();
  REQUIRE(offsets.ok());
  REQUIRE((*store)->commit(batch, *offsets).ok());
}

}  // namespace

TEST_CASE("kassa check sums a debt record of format 1 with checked arithmetic", "[check][legacy]") {
  // A format-1 debt record whose amounts sum beyond int64 cents (a damaged
  // or hostile store): the check reports it unreadable, it never wraps the
  // sum into an outstanding figure (UBSan stops on the signed overflow).
  TempDir dir;
  const std::string data = legacy_folder(dir);
  kassa::projections::Writer w;
  w.u8(1).u32(1).u16(20251);
  const std::int64_t max = std::numeric_limits<std::int64_t>::max();
  // contribution, fees, regularisation, principal paid, surcharges (and
  // paid), costs (and paid)
  for (std::int64_t v : {max, max, 0L, 0L, 0L, 0L, 0L, 0L}) w.i64(v);
  w.i32(0).u8(0).i32(0).u8(0);
  w.i64(0).i64(0);  // credit, contest cancelled
  put_first_debt(data, w.take());
  auto checked = kassa_cli("check --data-dir " + data + " --date 2026-12-06 --json");
  INFO(checked.out);
  CHECK(checked.exit_code == 1);
  const auto report = nlohmann::json::parse(checked.out);
  CHECK(report["by_rule"]["DebtUnreadable"] == 1);
}

TEST_CASE("kassa check reports a debt view whose outstanding less credit leaves int64 cents",
          "[check][legacy]") {
  // Before: the statement's balance was compared with outstanding - credit
  // computed in plain int64, which wraps (and UBSan stops on).
  TempDir dir;
  const std::string data = legacy_folder(dir);
  kassa::domain::DebtView view;
  view.outstanding = kassa::domain::Money::from_cents(std::numeric_limits<std::int64_t>::max());
  view.credit = kassa::domain::Money::from_cents(-1);
  put_first_debt(data, kassa::projections::encode_debt_view(view));
  auto checked = kassa_cli("check --data-dir " + data + " --date 2026-12-06 --json");
  INFO(checked.out);
  CHECK(checked.exit_code == 1);
  const auto report = nlohmann::json::parse(checked.out);
  CHECK(report["by_rule"]["MoneyOverflow"] == 1);
  bool named = false;
  for (const auto& v : report["listed"]) {
    if (v["rule"] == "MoneyOverflow") {
      named = v["detail"].get<std::string>().find("the debt view's outstanding less its credit") !=
              std::string::npos;
    }
  }
  CHECK(named);
}
