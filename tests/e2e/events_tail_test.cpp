// `kassa events tail` on the journal of a running kassad: every event the
// write side made, one line each, in business units, personal data sealed.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "kassad_process.h"

using kassa::testing::KassadProcess;
using kassa::testing::register_jan;
using kassa::testing::run_kassa;
using nlohmann::json;

namespace {

// The JSON lines of `kassa events tail`'s output (not the journal's own
// log line).
std::vector<json> json_lines(const std::string& out) {
  std::vector<json> events;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line[0] == '{') events.push_back(json::parse(line));
  }
  return events;
}

}  // namespace

TEST_CASE("kassa events tail prints a log's events in business units, personal data sealed",
          "[e2e][events]") {
  KassadProcess k("", "");
  const std::string party = register_jan(k);
  // The 2025 minimum: 871.71 a quarter + 3.95 % fees, 34.43.
  REQUIRE(k.post("/v1/runs/assessment", {{"quarter", "2025-Q1"}, {"date", "2025-01-05"}}, "batch")
              .status == 200);

  std::string out;
  REQUIRE(run_kassa("events tail --from journal://" + k.data_dir() + "/journal --json", &out) == 0);
  const std::vector<json> events = json_lines(out);
  INFO(out);
  // The journal's own log line is logfmt, as kassad's (it was spdlog's
  // "[date] [info] ..." in the commands that did not set up logging).
  CHECK(out.find("level=info logger=kassa msg=\"journal opened") != std::string::npos);
  CHECK(out.find("] [info] ") == std::string::npos);
  REQUIRE(events.size() >= 2);
  const json* registered = nullptr;
  const json* assessed = nullptr;
  for (const json& e : events) {
    if (e["aggregate_key"] != party) continue;
    if (e["type"] == "PersonRegistered") registered = &e;
    if (e["type"] == "ContributionAssessed") assessed = &e;
  }
  REQUIRE(registered != nullptr);
  CHECK((*registered)["aggregate_kind"] == "person");
  CHECK((*registered)["sequence"] == 1);
  CHECK((*registered)["topic"] == "person.events");
  CHECK((*registered)["decided"] == "2025-01-02");
  CHECK(registered->dump().find("\"sealed\":true") != std::string::npos);
  REQUIRE(assessed != nullptr);
  CHECK(assessed->dump().find("\"quarter\":\"2025-Q1\"") != std::string::npos);
  CHECK(assessed->dump().find("\"871.71\"") != std::string::npos);
  CHECK(assessed->dump().find("\"34.43\"") != std::string::npos);
  // Never the name or the NISS: they stay sealed.
  CHECK(out.find("Peeters") == std::string::npos);
  CHECK(out.find("85073003328") == std::string::npos);

  // The text form, one event's line, and the filters.
  REQUIRE(
      run_kassa("events tail --from journal://" + k.data_dir() + "/journal --type PersonRegistered",
                &out) == 0);
  CHECK(out.find(party + " #1 PersonRegistered decided=2025-01-02") != std::string::npos);
  CHECK(out.find("ContributionAssessed") == std::string::npos);
  REQUIRE(
      run_kassa("events tail --from journal://" + k.data_dir() + "/journal --aggregate " + party,
                &out) == 0);
  CHECK(out.find("ContributionAssessed") != std::string::npos);
  CHECK(run_kassa("events tail --from history.kassa", &out) == 2);
  CHECK(run_kassa("events tail --from journal://" + k.data_dir() + "/journal --follow", &out) == 2);
}

TEST_CASE("kassa events tail --keys opens the sealed blocks; an erased person's stay shut",
          "[e2e][events]") {
  // Before: the issue asks for personal data sealed "unless an auditor key
  // is given"; there was no way to give one.
  KassadProcess k("", "");
  const std::string party = register_jan(k);
  const std::string tail = "events tail --from journal://" + k.data_dir() +
                           "/journal --json --type "
                           "PersonRegistered --keys " +
                           k.data_dir() + "/keys";

  // Beside the running kassad (the key store opened read-only).
  std::string out;
  REQUIRE(run_kassa(tail, &out) == 0);
  INFO(out);
  auto events = json_lines(out);
  REQUIRE(events.size() == 1);
  const json& personal = events[0]["body"]["personal"];
  CHECK(personal["sealed"] == true);
  CHECK(personal["key_id"] == party);
  CHECK(personal["opened"]["niss"] == "85073003328");
  CHECK(personal["opened"]["first_name"] == "Jan");
  CHECK(personal["opened"]["last_name"] == "Peeters");
  CHECK_FALSE(personal["opened"].contains("iban"));  // only what the block holds
  CHECK(out.find("personal data is printed in clear") != std::string::npos);

  // --keys without --json or with --follow (the store is read as it stands
  // at the start: later persons' blocks would not open), and a folder with
  // no key store, are refused.
  CHECK(run_kassa("events tail --from journal://" + k.data_dir() +
                      "/journal --json --follow --keys " + k.data_dir() + "/keys",
                  &out) != 0);
  CHECK(out.find("--follow") != std::string::npos);
  CHECK(run_kassa("events tail --from journal://" + k.data_dir() + "/journal --keys " +
                      k.data_dir() + "/keys",
                  &out) != 0);
  CHECK(run_kassa("events tail --from journal://" + k.data_dir() + "/journal --json --keys " +
                      k.data_dir() + "/no-such-keys",
                  &out) != 0);
  CHECK(out.find("KeyStoreIo") != std::string::npos);

  // After the erasure the block stays in the log and no longer opens.
  REQUIRE(k.post("/v1/persons/" + party + "/erasure", {{"legal_basis", "GDPR art. 17"}}, "admin")
              .status == 201);
  REQUIRE(run_kassa(tail, &out) == 0);
  events = json_lines(out);
  REQUIRE(events.size() == 1);
  CHECK(events[0]["body"]["personal"]["opened"].is_null());
  CHECK(events[0]["body"]["personal"]["unopened"] == "KeyErased");
  CHECK(out.find("Peeters") == std::string::npos);
}
