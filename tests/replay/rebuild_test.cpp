// rebuild, diff and report: every projection rebuilt by the service's projector from
// an archive or a journal gives the live store's checksums, whatever the
// batching; --known-at cuts the history; diff names the differing keys.
#include <catch2/catch.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fund_story.h"
#include "projections/as_of.h"
#include "projections/event_index.h"
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
        // 'h' and 'p' entries of 40 persons, and their 40 member numbers:
        // without a key store the whole identifier index is left out.
        CHECK(p.only_live == 120);
        REQUIRE(p.first.size() == 3);
        CHECK(p.first[0].difference == rp::KeyDifference::kOnlyLive);
      }
    }
  }

  SECTION("--known-at: only what was recorded by then, and diff names what came later") {
    options.known_at_us = middle;
    auto r = pt::must(rp::rebuild(spec(file), dir + "/r4", options, nullptr));
    CHECK(r.records == from_archive.records);  // every record read and verified
    CHECK(r.left_out > 0);
    CHECK(r.applied > 0);
    CHECK(r.applied + r.left_out == from_archive.applied);
    CHECK(r.quarantined == 0);
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

namespace {

namespace s = kassa::schemas;

// First half of 2025 for `n` persons (every event effective on or before
// 2025-06-30; the Q2 assessment, effective 06-30, comes before the May
// payment in the log); their party ids.
std::vector<std::string> first_half(pt::Ledger& l, int n) {
  std::vector<std::string> parties;
  for (int i = 0; i < n; ++i) {
    const std::string p = l.new_party();
    parties.push_back(p);
    l.register_person(p, pt::make_niss(i + 1));
    l.assess(p, 20251, 205'000, 8'098);
    l.assess(p, 20252, 205'000, 8'098);
    const std::int64_t paid = 200'000 + 1'000 * i;
    auto payment = l.pay(p, paid, pt::days(2025, 5, 10), "CODA-" + std::to_string(i));
    l.allocate(p, payment, pt::days(2025, 5, 10),
               {s::AllocationLine(20251, s::DebtKind::Contribution, paid)});
    if (i % 3 == 0) l.surcharge(p, 20252, 205'000, 6'150, pt::days(2025, 6, 30));
  }
  return parties;
}

// Then the third quarter: every event effective after 2025-06-30.
void second_half(pt::Ledger& l, const std::vector<std::string>& parties) {
  for (const std::string& p : parties) {
    l.assess(p, 20253, 205'000, 8'098);
    auto payment = l.pay(p, 100'000, pt::days(2025, 10, 15), "CODA-Q3");
    l.allocate(p, payment, pt::days(2025, 10, 15),
               {s::AllocationLine(20252, s::DebtKind::Contribution, 100'000)});
  }
}

void export_to(pt::Ledger& l, const std::string& file) {
  auto stream = pt::must(rp::make_log_stream(l.log(), "ledger"));
  pt::must(rp::export_archive(*stream, file, {}, nullptr));
}

// The service's as-of answer for one person (what GET ...?at= returns).
struct AsOfAnswer {
  std::int64_t balance = 0;
  std::int64_t outstanding = 0;
};

AsOfAnswer as_of_answer(const pj::KvView& view, const std::string& p) {
  auto header = pt::must(pj::read_statement_header(view, s::AggregateKind::Person, p));
  auto debt = pt::must(pj::read_debt(view, s::AggregateKind::Person, p));
  return {header ? header->balance_cents : 0, debt ? debt->outstanding() : 0};
}

AsOfAnswer folded(const pj::Store& store, pt::Ledger& l, const std::string& p,
                  const pj::AsOf& as_of) {
  auto view = pt::must(pj::fold_aggregate(store, l.deps(), s::AggregateKind::Person, p, as_of));
  return as_of_answer(*view, p);
}

std::vector<std::pair<std::uint64_t, std::int64_t>> indexed(const pj::KvView& view,
                                                            const std::string& p) {
  std::vector<std::pair<std::uint64_t, std::int64_t>> out;
  pt::must(pj::for_each_indexed_event(view, s::AggregateKind::Person, p,
                                      [&](const pj::IndexedEvent& e) -> kassa::Status {
                                        out.emplace_back(e.event.sequence(), e.position.offset);
                                        return {};
                                      }));
  return out;
}

}  // namespace

TEST_CASE("rebuild --at / --known-at: the store as of a date, as the as-of answers give it",
          "[replay][rebuild][as-of]") {
  pt::Ledger ledger;
  const auto parties = first_half(ledger, 9);
  const std::int64_t end_of_first_half = ledger.writer().clock_us();
  const std::string dir = ledger.dir();
  export_to(ledger, dir + "/first-half.kassa");  // the history truncated at 2025-06-30
  second_half(ledger, parties);
  export_to(ledger, dir + "/full.kassa");
  const auto full = spec(dir + "/full.kassa");

  rp::RebuildOptions options;
  options.keys = &ledger.keys();
  options.niss_secret.fill(7);
  auto plain = pt::must(rp::rebuild(full, dir + "/plain", options, nullptr));
  REQUIRE(plain.applied == 9 * 5 + 3 + 9 * 3);
  const auto plain_sums = as_map(plain.checksums);
  REQUIRE(plain_sums.size() == 11);

  SECTION("a date after every event: the plain rebuild") {
    rp::RebuildOptions late = options;
    late.at_days = pt::must(rp::parse_date_days("2099-12-31"));
    auto r = pt::must(rp::rebuild(full, dir + "/late", late, nullptr));
    CHECK(r.left_out == 0);
    CHECK(r.applied == plain.applied);
    CHECK(as_map(r.checksums) == plain_sums);
  }

  SECTION("an earlier date: the plain rebuild of the history truncated there") {
    auto truncated = pt::must(rp::rebuild(spec(dir + "/first-half.kassa"), dir + "/truncated",
                                          options, nullptr));
    rp::RebuildOptions june = options;
    june.at_days = pt::must(rp::parse_date_days("2025-06-30"));
    auto r = pt::must(rp::rebuild(full, dir + "/june", june, nullptr));
    CHECK(r.records == plain.records);
    CHECK(r.left_out == 9 * 3);
    CHECK(r.applied == truncated.applied);
    CHECK(r.quarantined == 0);
    auto sums = as_map(r.checksums);
    const auto truncated_sums = as_map(truncated.checksums);
    // Only the projector's own bookkeeping differs: it read the whole log.
    CHECK(sums.at("offsets") != truncated_sums.at("offsets"));
    sums["offsets"] = truncated_sums.at("offsets");
    CHECK(sums == truncated_sums);
    CHECK(sums != plain_sums);

    // Whatever the batching, and as known at the end of the first half.
    pt::must(rp::import_archive(dir + "/full.kassa", spec("journal://" + dir + "/j"), nullptr));
    june.max_batch = 1;
    auto one_by_one = pt::must(rp::rebuild(spec("journal://" + dir + "/j"), dir + "/june1", june,
                                           nullptr));
    CHECK(as_map(one_by_one.checksums) == as_map(r.checksums));
    // In passes: the events left out are counted once over all of them.
    rp::RebuildOptions june_passes = june;
    june_passes.passes = 3;
    june_passes.max_batch = 4;
    auto in_passes = pt::must(rp::rebuild(spec("journal://" + dir + "/j"), dir + "/june3",
                                          june_passes, nullptr));
    CHECK(in_passes.passes == 3);
    CHECK(in_passes.left_out == 9 * 3);
    CHECK(in_passes.applied == r.applied);
    CHECK(as_map(in_passes.checksums) == as_map(r.checksums));
    rp::RebuildOptions known = options;
    known.known_at_us = end_of_first_half;
    auto k = pt::must(rp::rebuild(full, dir + "/known", known, nullptr));
    CHECK(k.left_out == 9 * 3);
    CHECK(as_map(k.checksums) == as_map(r.checksums));

    // Statement and debt from the rebuilt store = the service's ?at= answer.
    auto june_store = pt::must(rp::open_existing_store(dir + "/june"));
    auto plain_store = pt::must(rp::open_existing_store(dir + "/plain"));
    pj::AsOf at_june;
    at_june.effective_up_to_days = june.at_days;
    for (std::size_t i = 0; i < parties.size(); ++i) {
      const auto got = as_of_answer(*june_store, parties[i]);
      const auto want = folded(*plain_store, ledger, parties[i], at_june);
      CHECK(got.balance == want.balance);
      CHECK(got.outstanding == want.outstanding);
      // 2 x (205,000 + 8,098) - the payment (+ 6,150 surcharge for every third)
      const std::int64_t expected =
          426'196 - (200'000 + 1'000 * static_cast<std::int64_t>(i)) + (i % 3 == 0 ? 6'150 : 0);
      CHECK(got.balance == expected);
    }
    CHECK(as_of_answer(*plain_store, parties[0]).balance == 232'346 + 213'098 - 100'000);
  }

  SECTION("a date in the middle of the chains: kept events keep their offsets") {
    rp::RebuildOptions april = options;
    april.at_days = pt::must(rp::parse_date_days("2025-04-30"));
    auto r = pt::must(rp::rebuild(full, dir + "/april", april, nullptr));
    CHECK(r.quarantined == 0);  // the chains verify across the events left out
    CHECK(r.applied == 9 * 2);  // registration and the Q1 assessment
    CHECK(r.left_out == plain.applied - 9 * 2);
    auto april_store = pt::must(rp::open_existing_store(dir + "/april"));
    auto plain_store = pt::must(rp::open_existing_store(dir + "/plain"));
    pj::AsOf at_april;
    at_april.effective_up_to_days = april.at_days;
    for (std::size_t i = 0; i < parties.size(); ++i) {
      const std::string& p = parties[i];
      const auto got = as_of_answer(*april_store, p);
      const auto want = folded(*plain_store, ledger, p, at_april);
      CHECK(got.balance == 213'098);
      CHECK(got.balance == want.balance);
      CHECK(got.outstanding == want.outstanding);
      auto kept = indexed(*april_store, p);
      auto all = indexed(*plain_store, p);
      REQUIRE(kept.size() == 2);
      REQUIRE(all.size() == (i % 3 == 0 ? 9u : 8u));
      CHECK(kept[0] == all[0]);
      CHECK(kept[1] == all[1]);
    }
    // The same report from the as-of store and from the full store.
    auto from_april = pt::must(rp::person_report(*april_store, parties[4], *april.at_days, std::nullopt));
    auto from_plain = pt::must(rp::person_report(*plain_store, parties[4], *april.at_days, std::nullopt));
    CHECK(from_april.totals.balance_cents == from_plain.totals.balance_cents);
    REQUIRE(from_april.lines.size() == from_plain.lines.size());
    CHECK(from_april.lines.back().source.offset == from_plain.lines.back().source.offset);
    CHECK(from_april.events_left_out == 0);
    CHECK(from_plain.events_left_out == 6);
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
