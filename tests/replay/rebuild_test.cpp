// rebuild, diff and report: every projection rebuilt by the service's projector from
// an archive or a journal gives the live store's checksums, whatever the
// batching; --known-at cuts the history; diff names the differing keys.
#include <catch2/catch.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fund_story.h"
#include "projections/debt.h"
#include "projections/statement.h"
#include "replay/archive.h"
#include "replay/rebuild.h"
#include "replay/report.h"
#include "replay/source.h"

namespace rp = kassa::replay;
namespace lg = kassa::log;
namespace pj = kassa::projections;
namespace pt = kassa::projections::testing;

namespace {

std::map<std::string, std::string> as_map(const std::vector<rp::ProjectionChecksum>& sums) {
  std::map<std::string, std::string> out;
  for (const auto& s : sums) out[s.name] = s.checksum;
  return out;
}

rp::SourceSpec spec(const std::string& text) { return pt::must(rp::parse_source(text)); }

}  // namespace

TEST_CASE("rebuild gives the live store's checksums from an archive and a journal", "[replay][rebuild]") {
  pt::Ledger ledger;
  const std::int64_t middle = rp::testing::write_fund(ledger, 40);
  const std::string dir = ledger.dir();
  std::map<std::string, std::string> live_sums;
  {
    pt::Projected live(ledger, dir + "/live");  // the service's store
    pt::must(live.projector->catch_up());
    live_sums = live.checksums();
  }
  REQUIRE(live_sums.size() == 11);

  // The history leaves through an archive, as an auditor would carry it.
  const std::string file = dir + "/fund.kassa";
  {
    auto stream = pt::must(rp::make_log_stream(ledger.log(), "ledger"));
    pt::must(rp::export_archive(*stream, file, {}, nullptr));
  }
  rp::RebuildOptions options;
  options.keys = &ledger.keys();
  options.niss_secret.fill(7);

  auto from_archive = pt::must(rp::rebuild(spec(file), dir + "/r1/", options, nullptr));
  CHECK(as_map(from_archive.checksums) == live_sums);
  CHECK(from_archive.quarantined == 0);
  CHECK(from_archive.applied == from_archive.records);
  CHECK_FALSE(std::filesystem::exists(dir + "/r1.source-journal"));
  CHECK_FALSE(std::filesystem::exists(dir + "/r1/.source-journal"));

  // Imported into a journal and rebuilt one event per batch: the same.
  pt::must(rp::import_archive(file, spec("journal://" + dir + "/j2"), nullptr));
  options.max_batch = 1;
  auto one_by_one = pt::must(rp::rebuild(spec("journal://" + dir + "/j2"), dir + "/r2", options, nullptr));
  CHECK(as_map(one_by_one.checksums) == live_sums);

  auto same = pt::must(rp::diff_stores(dir + "/live", dir + "/r2", 5));
  CHECK(same.equal());

  // A fresh store only.
  auto again = rp::rebuild(spec(file), dir + "/r2", options, nullptr);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().rule == "StoreNotEmpty");

  SECTION("without the key store only the NISS index differs") {
    rp::RebuildOptions no_keys;
    auto r = pt::must(rp::rebuild(spec(file), dir + "/r3", no_keys, nullptr));
    auto sums = as_map(r.checksums);
    CHECK(sums["niss"] != live_sums.at("niss"));
    sums["niss"] = live_sums.at("niss");
    CHECK(sums == live_sums);
    auto d = pt::must(rp::diff_stores(dir + "/live", dir + "/r3", 3));
    CHECK_FALSE(d.equal());
    for (const auto& p : d.projections) {
      CHECK(p.equal() == (p.name != "niss"));
      if (p.name == "niss") {
        CHECK(p.only_live == 80);  // 'h' and 'p' entries of 40 persons
        REQUIRE(p.first.size() == 3);
        CHECK(p.first[0].difference == rp::KeyDifference::kOnlyLive);
      }
    }
  }

  SECTION("--known-at: the history as it stood, and diff names what came later") {
    options.known_at_us = middle;
    auto r = pt::must(rp::rebuild(spec(file), dir + "/r4", options, nullptr));
    CHECK(r.records < from_archive.records);
    CHECK(r.records > 0);
    auto d = pt::must(rp::diff_stores(dir + "/live", dir + "/r4", 4));
    CHECK_FALSE(d.equal());
    for (const auto& p : d.projections) {
      if (p.name == "parties") {
        CHECK(p.only_live == 20);  // the second half of the persons
        CHECK(p.only_rebuilt == 0);
        REQUIRE(p.first.size() == 4);
        CHECK(p.first[0].key.rfind("P", 0) == 0);
      }
    }
    // Rebuilding the same cut again gives the same checksums.
    auto r5 = pt::must(rp::rebuild(spec("journal://" + dir + "/j2"), dir + "/r5", options, nullptr));
    CHECK(as_map(r5.checksums) == as_map(r.checksums));
  }
}

TEST_CASE("printable keys show ASCII and escape the rest", "[replay][rebuild]") {
  CHECK(rp::printable_key(std::string("Pab\x00\x01\xff\\", 7)) == "Pab\\x00\\x01\\xff\\x5c");
}

TEST_CASE("report: a person's statement, debt and career as known on a date, with lineage",
          "[replay][report]") {
  namespace s = kassa::schemas;
  pt::Ledger ledger;
  rp::testing::write_fund(ledger, 3);  // other people around
  // Known on 2025-04-15: registration and two assessments. Later: a payment,
  // its allocation and a surcharge.
  ledger.writer().set_clock_us(std::int64_t{1744675200} * 1'000'000);  // 2025-04-15T00:00Z
  const std::string p = ledger.new_party();
  ledger.register_person(p, pt::make_niss(77));
  ledger.assess(p, 20251, 205'000, 8'098);
  ledger.assess(p, 20252, 205'000, 8'098);
  ledger.writer().set_clock_us(std::int64_t{1747180800} * 1'000'000);  // 2025-05-14T00:00Z
  auto pay = ledger.pay(p, 300'000, pt::days(2025, 5, 10), "CODA-0001");
  ledger.allocate(p, pay, pt::days(2025, 5, 10),
                  {s::AllocationLine(20251, s::DebtKind::Contribution, 205'000),
                   s::AllocationLine(20251, s::DebtKind::Fees, 8'098),
                   s::AllocationLine(20252, s::DebtKind::Contribution, 86'902)});
  ledger.surcharge(p, 20252, 205'000, 6'150, pt::days(2025, 6, 30));
  const std::string dir = ledger.dir();
  {
    auto stream = pt::must(rp::make_log_stream(ledger.log(), "ledger"));
    pt::must(rp::export_archive(*stream, dir + "/f.kassa", {}, nullptr));
  }
  rp::RebuildOptions options;
  options.keys = &ledger.keys();
  options.niss_secret.fill(7);
  pt::must(rp::rebuild(spec(dir + "/f.kassa"), dir + "/store", options, nullptr));
  auto store = pt::must(rp::open_existing_store(dir + "/store"));

  pj::NissSecret secret;
  secret.fill(7);
  CHECK(pt::must(rp::find_person(*store, pt::make_niss(77), secret)) == p);
  CHECK(pt::must(rp::find_person(*store, p, std::nullopt)) == p);
  auto unknown = rp::find_person(*store, pt::make_niss(78), secret);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().rule == "PersonUnknown");
  CHECK(unknown.error().message.find(pt::make_niss(78)) == std::string::npos);
  CHECK(rp::find_person(*store, pt::make_niss(77), std::nullopt).error().rule ==
        "NissSecretRequired");

  // Today: the same as the store the projector wrote.
  auto now = pt::must(
      rp::person_report(*store, p, pt::must(rp::parse_date_days("2025-12-31")), std::nullopt));
  const auto lines = pt::must(pj::read_statement_lines(*store, s::AggregateKind::Person, p, {}, {}));
  REQUIRE(now.lines.size() == lines.size());
  REQUIRE(lines.size() == 6);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    CHECK(now.lines[i].line.balance_cents == lines[i].balance_cents);
    CHECK(now.lines[i].line.kind == lines[i].kind);
    CHECK(now.lines[i].source.sequence == lines[i].sequence);
    CHECK_FALSE(now.lines[i].source.event_id.empty());
  }
  CHECK(now.totals.balance_cents == 132'346);  // 1,323.46 owed
  REQUIRE(now.debt.has_value());
  CHECK(now.debt->outstanding() == pt::must(pj::read_debt(*store, s::AggregateKind::Person, p))->outstanding());
  CHECK(now.events_used == 6);
  CHECK(now.events_left_out == 0);
  // The lineage points at the very record in the log.
  const auto& payment_line = now.lines[4];
  CHECK(pj::to_string(payment_line.line.kind) == "payment");
  CHECK(payment_line.source.event_type == "PaymentReceived");
  CHECK(payment_line.source.event_id == pay.to_string());
  auto record = pt::must(ledger.log().read(payment_line.source.topic, payment_line.source.partition,
                                           payment_line.source.offset, 1,
                                           std::chrono::milliseconds(0)));
  REQUIRE(record.size() == 1);
  CHECK(pt::must(lg::decode_event(std::span<const std::uint8_t>(
                     reinterpret_cast<const std::uint8_t*>(record[0].value.data()),
                     record[0].value.size())))
            .event_id() == pay);

  // As of 2025-04-30 (effective dates): registration and the first quarter.
  auto then = pt::must(
      rp::person_report(*store, p, pt::must(rp::parse_date_days("2025-04-30")), std::nullopt));
  CHECK(then.events_used == 2);
  CHECK(then.events_left_out == 4);
  REQUIRE(then.lines.size() == 2);
  CHECK(then.totals.balance_cents == 213'098);
  CHECK(then.debt->outstanding() == 213'098);
  // As known on 2025-05-01 (recorded): both assessments, no payment yet.
  auto known = pt::must(rp::person_report(*store, p, pt::must(rp::parse_date_days("2025-12-31")),
                                          pt::must(rp::parse_timestamp_us("2025-05-01T00:00:00Z"))));
  CHECK(known.events_used == 3);
  REQUIRE(known.lines.size() == 4);
  CHECK(known.totals.balance_cents == 426'196);
  CHECK(known.debt->outstanding() == 426'196);
  CHECK(pt::must(rp::parse_timestamp_us("2025-04-15T00:00:00.5Z")) == 1744675200500000);
  CHECK_FALSE(rp::parse_timestamp_us("2025-04-15 00:00:00Z").ok());

  const auto json = rp::to_json(now);
  CHECK(json["statement"]["balance"] == "1323.46");
  CHECK(json["statement"]["lines"][4]["event"]["event_id"] == pay.to_string());
  std::ostringstream text;
  rp::print_report(now, text);
  CHECK(text.str().find(pay.to_string()) != std::string::npos);
  CHECK(text.str().find(pt::make_niss(77)) == std::string::npos);
  CHECK(rp::format_us(1744675200000000) == "2025-04-15T00:00:00.000000Z");
  CHECK_FALSE(rp::parse_date_days("2025-02-30").ok());
}
