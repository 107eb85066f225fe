// `kassa replay ...` end to end on the embedded journal: exit codes 0, 1, 2,
// the JSON document, and an export/import/verify round trip.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>

#include "cli_support.h"
#include "fund_story.h"
#include "history.h"
#include "log_test_support.h"
#include "replay/archive.h"

namespace lg = kassa::log;
using kassa::log::testing::TempDir;
using namespace kassa::replay::testing;

namespace {

void make_journal(const std::string& dir, std::vector<GeneratedEvent> history) {
  lg::LogConfig c;
  c.journal_path = dir;
  auto log = lg::open_event_log(c);
  REQUIRE(log.ok());
  append_history(**log, history);
}

}  // namespace

TEST_CASE("kassa replay: usage errors exit 2 with a clear message", "[replay][cli]") {
  CHECK(kassa_cli("replay verify --from nonsense").exit_code == 2);
  CHECK(kassa_cli("replay verify --from kafka://nohost").exit_code == 2);
  CHECK(kassa_cli("replay verify").exit_code == 2);
  CHECK(kassa_cli("replay export --from journal://x --to y.zip").exit_code == 2);
  CHECK(kassa_cli("replay import x.kassa --into other.kassa").exit_code == 2);
  CHECK(kassa_cli("replay nonsense").exit_code == 2);
}

TEST_CASE("kassa replay verify|export|import on a journal", "[replay][cli]") {
  TempDir dir;
  const std::string good = dir.path() + "/good";
  const auto history = generate_history({12, 3, 5, 17});
  make_journal(good, history);

  auto ok = kassa_cli("replay verify --from journal://" + good);
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find(": OK") != std::string::npos);
  auto json = kassa_cli("replay verify --from journal://" + good + " --json");
  REQUIRE(json.exit_code == 0);
  const auto doc = nlohmann::json::parse(json.out);
  CHECK(doc["ok"] == true);
  CHECK(doc["events"] == history.size());
  CHECK(doc["partitions"].size() == 8 + 4 + 1);

  const std::string file = dir.path() + "/h.kassa";
  CHECK(kassa_cli("replay export --from journal://" + good + " --to " + file).exit_code == 0);
  CHECK(kassa_cli("replay export --from journal://" + good + " --to " + file).exit_code == 1);
  CHECK(kassa_cli("replay verify --from " + file).exit_code == 0);
  const std::string copy = dir.path() + "/copy";
  auto imported = kassa_cli("replay import " + file + " --into journal://" + copy + " --json");
  REQUIRE(imported.exit_code == 0);
  CHECK(nlohmann::json::parse(imported.out)["events"] == history.size());
  CHECK(kassa_cli("replay verify --from journal://" + copy).exit_code == 0);
  CHECK(kassa_cli("replay import " + file + " --into journal://" + copy).exit_code == 1);

  // One flipped byte inside an event: verify and import both fail.
  std::string bytes;
  {
    std::ifstream in(file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const auto& victim = history[20].event.frame;
  const auto at = bytes.find(std::string(victim.begin(), victim.end()));
  REQUIRE(at != std::string::npos);
  bytes[at + victim.size() - 3] = static_cast<char>(bytes[at + victim.size() - 3] ^ 1);
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  auto bad = kassa_cli("replay verify --from " + file + " --json");
  CHECK(bad.exit_code == 1);
  const auto report = nlohmann::json::parse(bad.out);
  CHECK(report["ok"] == false);
  REQUIRE(report["failures"].size() >= 1);
  CHECK(report["failures"][0]["event_id"] == history[20].event_id);
  CHECK(report["archive"]["file_hash_ok"] == false);
  CHECK(
      kassa_cli("replay import " + file + " --into journal://" + dir.path() + "/other").exit_code ==
      1);

  // rebuild, diff and report through the CLI.
  auto rebuilt = kassa_cli("replay rebuild --from journal://" + good + " --into " + dir.path() +
                           "/store --json");
  REQUIRE(rebuilt.exit_code == 0);
  const auto sums = nlohmann::json::parse(rebuilt.out)["checksums"];
  CHECK(sums.size() == 11);
  auto again = kassa_cli("replay rebuild --from journal://" + copy + " --into " + dir.path() +
                         "/store2 --json");
  REQUIRE(again.exit_code == 0);
  CHECK(nlohmann::json::parse(again.out)["checksums"] == sums);
  CHECK(kassa_cli("replay rebuild --from journal://" + good + " --into " + dir.path() + "/store")
            .exit_code == 1);  // not a fresh folder
  CHECK(kassa_cli("replay rebuild --from journal://" + good + " --into x --known-at soon")
            .exit_code == 2);
  CHECK(kassa_cli("replay rebuild --from journal://" + good + " --into x --at 2025-02-30")
            .exit_code == 2);
  // As of 2025-01-02: rounds 0 and 1 of the 17 aggregates (effective
  // 2025-01-01 + round); a date after every event gives the plain checksums.
  auto early = kassa_cli("replay rebuild --from journal://" + good + " --into " + dir.path() +
                         "/early --at 2025-01-02 --json");
  REQUIRE(early.exit_code == 0);
  const auto early_doc = nlohmann::json::parse(early.out);
  CHECK(early_doc["at"] == "2025-01-02");
  CHECK(early_doc["known_at"].is_null());
  CHECK(early_doc["applied"] == 2 * 15);
  CHECK(early_doc["left_out"] == 3 * 15);
  CHECK(early_doc["records"] == history.size());
  CHECK(early_doc["checksums"]["statement"] != sums["statement"]);
  auto late = kassa_cli("replay rebuild --from journal://" + good + " --into " + dir.path() +
                        "/late --at 2099-12-31 --json");
  REQUIRE(late.exit_code == 0);
  CHECK(nlohmann::json::parse(late.out)["left_out"] == 0);
  CHECK(nlohmann::json::parse(late.out)["checksums"] == sums);
  auto early_text = kassa_cli("replay rebuild --from journal://" + good + " --into " + dir.path() +
                              "/early2 --at 2025-01-02");
  REQUIRE(early_text.exit_code == 0);
  CHECK(early_text.out.find(early_doc["checksums"]["statement"].get<std::string>()) !=
        std::string::npos);
  CHECK(early_text.out.find("45 events decided or recorded later left out") != std::string::npos);
  CHECK(kassa_cli("replay diff --live " + dir.path() + "/store --rebuilt " + dir.path() + "/store2")
            .exit_code == 0);
  CHECK(kassa_cli("replay diff --live " + dir.path() + "/store --rebuilt " + dir.path() + "/none")
            .exit_code == 1);
  auto person = kassa_cli("replay report --store " + dir.path() + "/store --person " +
                          history[0].key + " --at 2025-12-31 --json");
  REQUIRE(person.exit_code == 0);
  const auto statement = nlohmann::json::parse(person.out);
  CHECK(statement["party_id"] == history[0].key);
  CHECK(statement["events_used"] == 5);
  REQUIRE(!statement["statement"]["lines"].empty());
  CHECK(statement["statement"]["lines"][0]["event"]["event_id"].get<std::string>().size() == 36);
  CHECK(kassa_cli("replay report --store " + dir.path() + "/store --person " + history[0].key +
                  " --at 2025-13-01")
            .exit_code == 2);
  CHECK(kassa_cli("replay report --store " + dir.path() +
                  "/store --person 93051822361 --at 2025-12-31")
            .exit_code == 2);  // a NISS needs --niss-secret

  // A chain broken in the journal itself: exit 1.
  const std::string broken = dir.path() + "/broken";
  auto tampered = history;
  lg::Hash wrong{};
  wrong.fill(7);
  tampered[40].event = with_prev_hash(tampered[40].event, wrong);
  make_journal(broken, tampered);
  auto chain = kassa_cli("replay verify --from journal://" + broken);
  CHECK(chain.exit_code == 1);
  CHECK(chain.out.find("PrevHashMismatch") != std::string::npos);
  CHECK(chain.out.find(history[40].event_id) != std::string::npos);
}

TEST_CASE("kassa replay report --company: the account and directors as of a date",
          "[replay][cli][report]") {
  namespace pt = kassa::projections::testing;
  pt::Ledger ledger;
  const auto story = kassa::replay::testing::write_company(ledger);
  const std::string dir = ledger.dir();
  {
    auto stream = pt::must(kassa::replay::make_log_stream(ledger.log(), "ledger"));
    pt::must(kassa::replay::export_archive(*stream, dir + "/f.kassa", {}, nullptr));
  }
  REQUIRE(
      kassa_cli("replay rebuild --from " + dir + "/f.kassa --into " + dir + "/store").exit_code ==
      0);
  const std::string store = " --store " + dir + "/store";
  auto json = kassa_cli("replay report" + store + " --company 0566.988.259 --at 2025-12-31 --json");
  REQUIRE(json.exit_code == 0);
  const auto doc = nlohmann::json::parse(json.out);
  CHECK(doc["company_number"] == "0566988259");
  CHECK(doc["events_used"] == 8);
  CHECK(doc["statement"]["balance"] == "199.73");
  CHECK(doc["statement"]["lines"][0]["event"]["event_id"] == story.assessed_id.to_string());
  REQUIRE(doc["directors"].size() == 2);
  auto march = kassa_cli("replay report" + store + " --company BE0566988259 --at 2025-03-31");
  REQUIRE(march.exit_code == 0);
  CHECK(march.out.find("Peeters Bouw") != std::string::npos);
  CHECK(march.out.find(story.anna_added_id.to_string()) != std::string::npos);
  CHECK(march.out.find(story.bert_removed_id.to_string()) == std::string::npos);  // later
  CHECK(march.out.find("3 events used, 5 decided later") != std::string::npos);

  CHECK(kassa_cli("replay report" + store + " --company 0566988258 --at 2025-12-31").exit_code ==
        2);  // check digits
  CHECK(kassa_cli("replay report" + store + " --company 0417497106 --at 2025-12-31").exit_code ==
        1);  // no such company
  CHECK(kassa_cli("replay report" + store + " --at 2025-12-31").exit_code == 2);
  CHECK(kassa_cli("replay report" + store + " --company 0566988259 --person " + story.anna +
                  " --at 2025-12-31")
            .exit_code == 2);
}

namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("a journal damaged in every partition: verify names every range, nothing is replaced",
          "[replay][cli][damage]") {
  namespace fs = std::filesystem;
  TempDir dir;
  const std::string data = dir.path() + "/data";
  const std::string journal = data + "/journal";
  REQUIRE(kassa_cli("demo generate --data-dir " + data +
                    " --persons 150 --seed 3 --from-year 2025 "
                    "--to-year 2025")
              .exit_code == 0);
  REQUIRE(kassa_cli("projections rebuild --data-dir " + data).exit_code == 0);
  const std::string current = read_file(data + "/projections/CURRENT");
  lg::testing::flush_journal(journal);
  const std::string table = lg::testing::largest_table(journal);
  // 64 flipped bytes spread over the table: every partition's records are
  // damaged somewhere.
  const auto size = fs::file_size(table);
  REQUIRE(size > 200'000);
  for (std::uintmax_t at = 1000; at + 8192 < size; at += size / 64)
    lg::testing::flip_byte(table, at);
  const std::string tables_before = read_file(table);

  // Before: "person.events/2 0 events ... OK", exit 0.
  auto verified = kassa_cli("replay verify --from journal://" + journal + " --json");
  CHECK(verified.exit_code == 1);
  const auto report = nlohmann::json::parse(verified.out);
  CHECK(report["ok"] == false);
  std::set<int> person_partitions;
  for (const auto& d : report["damaged_ranges"]) {
    CHECK(d["detail"].get<std::string>().find("Corruption") != std::string::npos);
    CHECK(d["from_offset"].get<int64_t>() >= 0);
    if (d["topic"] == "person.events") person_partitions.insert(d["partition"].get<int>());
  }
  CHECK(person_partitions.size() == 8);
  auto text = kassa_cli("replay verify --from journal://" + journal);
  CHECK(text.exit_code == 1);
  CHECK(text.out.find("DAMAGED person.events/") != std::string::npos);
  CHECK(text.out.find("damaged ranges") != std::string::npos);
  // verify opened it read-only: the damaged table is as it was.
  CHECK(read_file(table) == tables_before);

  // Before: the rebuild went without the partitions, swapped the store in
  // and deleted the old one.
  auto rebuilt = kassa_cli("projections rebuild --data-dir " + data);
  CHECK(rebuilt.exit_code == 1);
  CHECK(read_file(data + "/projections/CURRENT") == current);
}
