// `kassa replay ...` end to end on the embedded journal: exit codes 0, 1, 2,
// the JSON document, and an export/import/verify round trip.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "cli_support.h"
#include "history.h"
#include "log_test_support.h"

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
  CHECK(kassa_cli("replay import " + file + " --into journal://" + dir.path() + "/other").exit_code == 1);

  // rebuild, diff and report through the CLI.
  auto rebuilt = kassa_cli("replay rebuild --from journal://" + good + " --into " + dir.path() +
                           "/store --json");
  REQUIRE(rebuilt.exit_code == 0);
  const auto sums = nlohmann::json::parse(rebuilt.out)["checksums"];
  CHECK(sums.size() == 11);
  auto again = kassa_cli("replay rebuild --from journal://" + copy +
                         " --into " + dir.path() + "/store2 --json");
  REQUIRE(again.exit_code == 0);
  CHECK(nlohmann::json::parse(again.out)["checksums"] == sums);
  CHECK(kassa_cli("replay rebuild --from journal://" + good + " --into " + dir.path() + "/store")
            .exit_code == 1);  // not a fresh folder
  CHECK(kassa_cli("replay rebuild --from journal://" + good + " --into x --known-at soon")
            .exit_code == 2);
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
  CHECK(kassa_cli("replay report --store " + dir.path() + "/store --person 93051822361 --at 2025-12-31")
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
