// rebuild, diff and report: every projection rebuilt by the service's projector from
// an archive or a journal gives the live store's checksums, whatever the
// batching; --known-at cuts the history; diff names the differing keys.
#include <catch2/catch.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "decided_ledger.h"
#include "domain/person_decide.h"
#include "fund_story.h"
#include "projections/as_of.h"
#include "projections/debt.h"
#include "projections/event_index.h"
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

TEST_CASE("rebuild gives the live store's checksums from an archive and a journal",
          "[replay][rebuild]") {
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
  auto one_by_one =
      pt::must(rp::rebuild(spec("journal://" + dir + "/j2"), dir + "/r2", options, nullptr));
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
        // 'h' and 'p' entries of 40 persons, their 40 member numbers ('m'),
        // the 40 bank lines their payments booked ('b'), their 'w' (name
        // words) and 's' (identity events) entries and the 80 'n' entries
        // of their names' words (two words each): without a key store the
        // whole identifier index is left out.
        CHECK(p.only_live == 320);
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
    auto r5 =
        pt::must(rp::rebuild(spec("journal://" + dir + "/j2"), dir + "/r5", options, nullptr));
    CHECK(as_map(r5.checksums) == as_map(r.checksums));
  }
}

namespace {

namespace s = kassa::schemas;
namespace d = kassa::domain;
using kassa::testing::DecidedLedger;

using kassa::testing::quarter;
using kassa::testing::ymd;

std::size_t written(const kassa::Result<kassa::write::Outcome>& done) {
  pt::must(done.ok() ? kassa::Status{} : kassa::Status(done.error()));
  return done->events.size();
}

d::RecordPayment payment(std::int64_t cents, d::Date value, const std::string& ref) {
  return {d::Money::from_cents(cents), value,       std::nullopt, ref,
          s::PaymentChannel::Coda,     std::nullopt};
}

// The first half of 2025 for `n` persons, every event decided on or before
// 2025-06-30: registered, assessed for Q1 (5 January) and Q2 (5 April), a
// payment valued 10 May, and for every third person the 3 % of 30 June.
// Returns how many events were written.
std::size_t first_half(DecidedLedger& l, int n, std::vector<std::string>& parties) {
  std::size_t events = 0;
  for (int i = 0; i < n; ++i) {
    const std::string p = l.register_person(i + 1, ymd(2025, 1, 2));
    ++events;
    parties.push_back(p);
    events += written(l.person(p,
                               d::ChangeProvisionalBase{2025, d::Money::from_cents(4'000'000),
                                                        s::ProvisionalBasis::ChosenHigher, ""},
                               ymd(2025, 1, 2)));
    events += written(l.person(p, d::AssessQuarter{quarter(2025, 1)}, ymd(2025, 1, 5)));
    events += written(l.person(p, d::AssessQuarter{quarter(2025, 2)}, ymd(2025, 4, 5)));
    events += written(
        l.person(p, payment(200'000 + 1'000 * i, ymd(2025, 5, 10), "CODA-" + std::to_string(i)),
                 ymd(2025, 5, 12)));
    if (i % 3 == 0) {
      events +=
          written(l.person(p, d::ApplyQuarterEndSurcharges{quarter(2025, 2)}, ymd(2025, 6, 30)));
    }
  }
  return events;
}

// Then the third quarter, decided after 2025-06-30.
std::size_t second_half(DecidedLedger& l, const std::vector<std::string>& parties) {
  std::size_t events = 0;
  for (const std::string& p : parties) {
    events += written(l.person(p, d::AssessQuarter{quarter(2025, 3)}, ymd(2025, 7, 5)));
    events += written(l.person(p, payment(100'000, ymd(2025, 10, 15), "CODA-Q3-" + p.substr(1, 6)),
                               ymd(2025, 10, 16)));
  }
  return events;
}

void export_to(kassa::log::EventLog& log, const std::string& file) {
  auto stream = pt::must(rp::make_log_stream(log, "ledger"));
  pt::must(rp::export_archive(*stream, file, {}, nullptr));
}

// The service's as-of answer for one person (what GET ...?at= returns).
struct AsOfAnswer {
  std::int64_t balance = 0;
  std::int64_t outstanding = 0;
  std::int64_t debt_balance = 0;
};

AsOfAnswer as_of_answer(const pj::KvView& view, const std::string& p) {
  auto header = pt::must(pj::read_statement_header(view, s::AggregateKind::Person, p));
  auto debt = pt::must(pj::read_debt(view, p));
  return {header ? header->balance_cents : 0, debt ? debt->outstanding.cents() : 0,
          debt ? debt->balance.cents() : 0};
}

AsOfAnswer folded(const pj::Store& store, const DecidedLedger& l, const std::string& p,
                  const pj::AsOf& as_of) {
  pj::ProjectionDeps deps;
  deps.rulebook = &l.rulebook();
  auto view = pt::must(pj::fold_aggregate(store, deps, s::AggregateKind::Person, p, as_of));
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
  DecidedLedger ledger;
  std::vector<std::string> parties;
  const std::size_t first = first_half(ledger, 9, parties);
  // What the write side's own fold says each owed at the end of June.
  std::vector<std::int64_t> june_balance;
  for (const auto& p : parties) june_balance.push_back(ledger.person_state(p).balance().cents());
  const std::string dir = ledger.dir();
  export_to(ledger.log(), dir + "/first-half.kassa");  // the history truncated at 2025-06-30
  const std::size_t second = second_half(ledger, parties);
  export_to(ledger.log(), dir + "/full.kassa");
  const auto full = spec(dir + "/full.kassa");

  rp::RebuildOptions options;
  options.keys = &ledger.keys();
  options.niss_secret.fill(7);
  auto plain = pt::must(rp::rebuild(full, dir + "/plain", options, nullptr));
  REQUIRE(plain.applied == first + second);
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
    auto truncated = pt::must(
        rp::rebuild(spec(dir + "/first-half.kassa"), dir + "/truncated", options, nullptr));
    rp::RebuildOptions june = options;
    june.at_days = pt::must(rp::parse_date_days("2025-06-30"));
    auto r = pt::must(rp::rebuild(full, dir + "/june", june, nullptr));
    CHECK(r.records == plain.records);
    CHECK(r.left_out == second);
    CHECK(r.applied == truncated.applied);
    CHECK(r.quarantined == 0);
    auto sums = as_map(r.checksums);
    const auto truncated_sums = as_map(truncated.checksums);
    // Only the projector's own bookkeeping differs: it read the whole log.
    CHECK(sums.at("offsets") != truncated_sums.at("offsets"));
    sums["offsets"] = truncated_sums.at("offsets");
    CHECK(sums == truncated_sums);
    CHECK(sums != plain_sums);

    // Whatever the batching and the passes.
    pt::must(rp::import_archive(dir + "/full.kassa", spec("journal://" + dir + "/j"), nullptr));
    june.max_batch = 1;
    auto one_by_one =
        pt::must(rp::rebuild(spec("journal://" + dir + "/j"), dir + "/june1", june, nullptr));
    CHECK(as_map(one_by_one.checksums) == as_map(r.checksums));
    rp::RebuildOptions june_passes = june;
    june_passes.passes = 3;
    june_passes.max_batch = 4;
    auto in_passes = pt::must(
        rp::rebuild(spec("journal://" + dir + "/j"), dir + "/june3", june_passes, nullptr));
    CHECK(in_passes.passes == 3);
    CHECK(in_passes.left_out == second);
    CHECK(in_passes.applied == r.applied);
    CHECK(as_map(in_passes.checksums) == as_map(r.checksums));

    // Statement and debt from the rebuilt store = the service's ?at= answer
    // = what the write side's state said at the end of June.
    auto june_store = pt::must(rp::open_existing_store(dir + "/june"));
    auto plain_store = pt::must(rp::open_existing_store(dir + "/plain"));
    pj::AsOf at_june;
    at_june.decided_up_to_days = june.at_days;
    for (std::size_t i = 0; i < parties.size(); ++i) {
      const auto got = as_of_answer(*june_store, parties[i]);
      const auto want = folded(*plain_store, ledger, parties[i], at_june);
      CHECK(got.balance == want.balance);
      CHECK(got.outstanding == want.outstanding);
      CHECK(got.balance == got.debt_balance);
      CHECK(got.balance == june_balance[i]);
    }
  }

  SECTION("--known-at: only what was recorded by then") {
    rp::RebuildOptions known = options;
    known.known_at_us = pt::must(rp::parse_timestamp_us("2025-07-01T00:00:00Z"));
    auto k = pt::must(rp::rebuild(full, dir + "/known", known, nullptr));
    CHECK(k.left_out == second);
    auto truncated = pt::must(
        rp::rebuild(spec(dir + "/first-half.kassa"), dir + "/truncated2", options, nullptr));
    auto sums = as_map(k.checksums);
    sums["offsets"] = as_map(truncated.checksums).at("offsets");
    CHECK(sums == as_map(truncated.checksums));
  }

  SECTION("a date in the middle of the chains: kept events keep their offsets") {
    rp::RebuildOptions march = options;
    march.at_days = pt::must(rp::parse_date_days("2025-03-31"));
    auto r = pt::must(rp::rebuild(full, dir + "/march", march, nullptr));
    CHECK(r.quarantined == 0);  // the chains verify across the events left out
    CHECK(r.applied == 9 * 4);  // registration, base, the Q1 assessment and its notice
    CHECK(r.left_out == plain.applied - 9 * 4);
    auto march_store = pt::must(rp::open_existing_store(dir + "/march"));
    auto plain_store = pt::must(rp::open_existing_store(dir + "/plain"));
    pj::AsOf at_march;
    at_march.decided_up_to_days = march.at_days;
    for (std::size_t i = 0; i < parties.size(); ++i) {
      const std::string& p = parties[i];
      const auto got = as_of_answer(*march_store, p);
      const auto want = folded(*plain_store, ledger, p, at_march);
      CHECK(got.balance == 213'098);  // DOMAIN.md §10 ex. 1: 2,050.00 + 80.98
      CHECK(got.balance == want.balance);
      CHECK(got.outstanding == want.outstanding);
      auto kept = indexed(*march_store, p);
      auto all = indexed(*plain_store, p);
      REQUIRE(kept.size() == 4);
      for (std::size_t k = 0; k < kept.size(); ++k) CHECK(kept[k] == all[k]);
    }
    // The same report from the as-of store and from the full store.
    auto from_march =
        pt::must(rp::person_report(*march_store, parties[4], *march.at_days, std::nullopt));
    auto from_plain =
        pt::must(rp::person_report(*plain_store, parties[4], *march.at_days, std::nullopt));
    CHECK(from_march.totals.balance_cents == from_plain.totals.balance_cents);
    REQUIRE(from_march.lines.size() == from_plain.lines.size());
    CHECK(from_march.lines.back().source.offset == from_plain.lines.back().source.offset);
    CHECK(from_march.events_left_out == 0);
    CHECK(from_plain.events_left_out == indexed(*plain_store, parties[4]).size() - 4);
  }
}

TEST_CASE("printable keys show ASCII and escape the rest", "[replay][rebuild]") {
  CHECK(rp::printable_key(std::string("Pab\x00\x01\xff\\", 7)) == "Pab\\x00\\x01\\xff\\x5c");
}

TEST_CASE("report: a person's statement, debt and career as known on a date, with lineage",
          "[replay][report]") {
  DecidedLedger ledger;
  // DOMAIN.md §10 ex. 1 decided by the domain: registered, a base of
  // 40,000.00, Q1 assessed on 5 January and Q2 on 5 April, 3,000.00 valued
  // 10 May (booked 12 May), the 3 % of 30 June on Q2's unpaid 1,261.96.
  const std::string p = ledger.register_person(77, ymd(2025, 1, 2));
  written(ledger.person(p,
                        d::ChangeProvisionalBase{2025, d::Money::from_cents(4'000'000),
                                                 s::ProvisionalBasis::ChosenHigher, ""},
                        ymd(2025, 1, 2)));
  written(ledger.person(p, d::AssessQuarter{quarter(2025, 1)}, ymd(2025, 1, 5)));
  written(ledger.person(p, d::AssessQuarter{quarter(2025, 2)}, ymd(2025, 4, 5)));
  auto paid = ledger.person(p, payment(300'000, ymd(2025, 5, 10), "CODA-0001"), ymd(2025, 5, 12));
  written(paid);
  const std::string pay = paid->events.at(0).event_id.to_string();
  written(ledger.person(p, d::ApplyQuarterEndSurcharges{quarter(2025, 2)}, ymd(2025, 6, 30)));
  const std::string dir = ledger.dir();
  export_to(ledger.log(), dir + "/f.kassa");
  rp::RebuildOptions options;
  options.keys = &ledger.keys();
  options.niss_secret.fill(7);
  pt::must(rp::rebuild(spec(dir + "/f.kassa"), dir + "/store", options, nullptr));
  auto store = pt::must(rp::open_existing_store(dir + "/store"));

  pj::NissSecret secret;
  secret.fill(7);
  const std::string niss = DecidedLedger::niss_of(77);
  CHECK(pt::must(rp::find_person(*store, niss, secret)) == p);
  CHECK(pt::must(rp::find_person(*store, p, std::nullopt)) == p);
  auto unknown = rp::find_person(*store, DecidedLedger::niss_of(78), secret);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().rule == "PersonUnknown");
  CHECK(unknown.error().message.find(DecidedLedger::niss_of(78)) == std::string::npos);
  CHECK(rp::find_person(*store, niss, std::nullopt).error().rule == "NissSecretRequired");

  // Today: the same as the store the projector wrote.
  auto now = pt::must(
      rp::person_report(*store, p, pt::must(rp::parse_date_days("2025-12-31")), std::nullopt));
  const auto page = pt::must(pj::read_statement(*store, s::AggregateKind::Person, p, {}));
  REQUIRE(now.lines.size() == page.lines.size());
  REQUIRE(page.lines.size() == 7);
  for (std::size_t i = 0; i < page.lines.size(); ++i) {
    CHECK(now.lines[i].line.balance == page.lines[i].balance);
    CHECK(now.lines[i].line.kind == page.lines[i].kind);
    CHECK(now.lines[i].source.sequence == page.lines[i].sequence);
    CHECK_FALSE(now.lines[i].source.event_id.empty());
  }
  CHECK(now.totals.balance_cents == 129'982);  // 1,299.82 owed
  REQUIRE(now.debt.has_value());
  CHECK(now.debt->outstanding == pt::must(pj::read_debt(*store, p))->outstanding);
  CHECK(now.debt->balance.cents() == now.totals.balance_cents);
  CHECK(now.events_used == 9);
  CHECK(now.events_left_out == 0);
  // The lineage points at the very record in the log.
  const auto& payment_line = now.lines[4];
  CHECK(d::to_string(payment_line.line.kind) == "payment");
  CHECK(payment_line.source.event_type == "PaymentReceived");
  CHECK(payment_line.source.event_id == pay);
  auto record =
      pt::must(ledger.log().read(payment_line.source.topic, payment_line.source.partition,
                                 payment_line.source.offset, 1, std::chrono::milliseconds(0)));
  REQUIRE(record.size() == 1);
  CHECK(pt::must(lg::decode_event(std::span<const std::uint8_t>(
                     reinterpret_cast<const std::uint8_t*>(record[0].value.data()),
                     record[0].value.size())))
            .event_id()
            .to_string() == pay);

  // As of 2025-04-30: what was decided by then — both quarters (Q2's notice
  // went out on 5 April), no payment yet.
  auto then = pt::must(
      rp::person_report(*store, p, pt::must(rp::parse_date_days("2025-04-30")), std::nullopt));
  CHECK(then.events_used == 6);
  CHECK(then.events_left_out == 3);
  REQUIRE(then.lines.size() == 4);
  CHECK(then.totals.balance_cents == 426'196);
  CHECK(then.debt->outstanding.cents() == 426'196);
  // As of 2025-04-04: Q2 was not decided yet.
  auto before = pt::must(
      rp::person_report(*store, p, pt::must(rp::parse_date_days("2025-04-04")), std::nullopt));
  CHECK(before.totals.balance_cents == 213'098);
  CHECK(before.debt->outstanding.cents() == 213'098);
  // As known on 2025-05-11T00:00Z (recorded): the payment was booked on the 12th.
  auto known =
      pt::must(rp::person_report(*store, p, pt::must(rp::parse_date_days("2025-12-31")),
                                 pt::must(rp::parse_timestamp_us("2025-05-11T00:00:00Z"))));
  CHECK(known.events_used == 6);
  CHECK(known.totals.balance_cents == 426'196);
  CHECK(pt::must(rp::parse_timestamp_us("2025-04-15T00:00:00.5Z")) == 1744675200500000);
  CHECK_FALSE(rp::parse_timestamp_us("2025-04-15 00:00:00Z").ok());

  const auto json = rp::to_json(now);
  CHECK(json["statement"]["balance"] == "1299.82");
  CHECK(json["statement"]["lines"][4]["event"]["event_id"] == pay);
  CHECK(json["statement"]["lines"][0]["debt"] == "2025-Q1");
  std::ostringstream text;
  rp::print_report(now, text);
  CHECK(text.str().find(pay) != std::string::npos);
  CHECK(text.str().find(niss) == std::string::npos);
  CHECK(rp::format_us(1744675200000000) == "2025-04-15T00:00:00.000000Z");
  CHECK_FALSE(rp::parse_date_days("2025-02-30").ok());
}
