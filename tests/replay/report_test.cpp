// report --company: a company's account, statement and directors as of a
// date from a rebuilt store, each line and director traced to its event;
// the same answer as the service's as-of fold (?at=).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>

#include "fund_story.h"
#include "projections/as_of.h"
#include "projections/company_account.h"
#include "projections/statement.h"
#include "replay/archive.h"
#include "replay/rebuild.h"
#include "replay/report.h"
#include "replay/source.h"

namespace rp = kassa::replay;
namespace lg = kassa::log;
namespace pj = kassa::projections;
namespace pt = kassa::projections::testing;
namespace s = kassa::schemas;

namespace {

constexpr const char* kNumber = "0566988259";

lg::Uuid event_at(pt::Ledger& l, const rp::Lineage& where) {
  auto record = pt::must(
      l.log().read(where.topic, where.partition, where.offset, 1, std::chrono::milliseconds(0)));
  REQUIRE(record.size() == 1);
  return pt::must(lg::decode_event(std::span<const std::uint8_t>(
                      reinterpret_cast<const std::uint8_t*>(record[0].value.data()),
                      record[0].value.size())))
      .event_id();
}

}  // namespace

TEST_CASE("report --company: account, statement and directors as of a date, with lineage",
          "[replay][report]") {
  pt::Ledger ledger;
  rp::testing::write_fund(ledger, 3);  // other people around
  const auto story = rp::testing::write_company(ledger);
  REQUIRE(story.number == kNumber);
  const std::string& anna = story.anna;
  const std::string& bert = story.bert;
  const std::int64_t anna_offset = story.anna_added_offset;
  const lg::Uuid anna_added_id = story.anna_added_id;
  const lg::Uuid assessed_id = story.assessed_id;
  const lg::Uuid bert_removed_id = story.bert_removed_id;

  const std::string dir = ledger.dir();
  {
    auto stream = pt::must(rp::make_log_stream(ledger.log(), "ledger"));
    pt::must(rp::export_archive(*stream, dir + "/f.kassa", {}, nullptr));
  }
  pt::must(rp::rebuild(pt::must(rp::parse_source(dir + "/f.kassa")), dir + "/store", {}, nullptr));
  auto store = pt::must(rp::open_existing_store(dir + "/store"));

  CHECK(pt::must(rp::find_company("0566.988.259")) == kNumber);
  CHECK(pt::must(rp::find_company("BE0566988259")) == kNumber);
  CHECK(rp::find_company("0566988258").error().rule == "CompanyNumberCheckDigits");
  auto unknown = rp::company_report(*store, pt::must(rp::find_company("0417497106")),
                                    pt::days(2025, 12, 31), std::nullopt);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().rule == "CompanyUnknown");

  // Today: every event, the same as the store the projector wrote.
  auto now = pt::must(rp::company_report(*store, kNumber, pt::days(2025, 12, 31), std::nullopt));
  CHECK(now.events_used == 8);
  CHECK(now.events_left_out == 0);
  REQUIRE(now.account.has_value());
  CHECK(now.account->name == "Peeters Bouw");
  REQUIRE(now.account->years.size() == 1);
  CHECK(now.account->years[0].year == 2025);
  CHECK(now.account->years[0].contribution.cents() == 39'973);  // DOMAIN.md: 2025's low amount
  CHECK(now.totals.balance_cents == 19'973);
  CHECK(now.totals.balance_cents ==
        pt::must(pj::read_statement_header(*store, s::AggregateKind::Company, kNumber))
            ->balance_cents);
  REQUIRE(now.lines.size() == 3);
  CHECK(kassa::domain::to_string(now.lines[0].line.kind) == "company-contribution");
  CHECK(now.lines[0].source.event_id == assessed_id.to_string());
  CHECK(event_at(ledger, now.lines[0].source) == assessed_id);
  CHECK(kassa::domain::to_string(now.lines[1].line.kind) == "payment");
  CHECK(now.lines[1].source.event_type == "PaymentReceived");
  CHECK(kassa::domain::to_string(now.lines[2].line.kind) == "allocation");
  CHECK(now.lines[2].source.event_type == "PaymentAllocated");
  REQUIRE(now.directors.size() == 2);
  for (const auto& d : now.directors) {
    if (d.party_id == anna) {
      CHECK_FALSE(d.director.to.has_value());
      CHECK(d.added.event_id == anna_added_id.to_string());
      CHECK(d.added.offset == anna_offset);
      CHECK(d.added.topic == lg::Topic::kCompanyEvents);
      CHECK_FALSE(d.removed.has_value());
    } else {
      CHECK(d.party_id == bert);
      CHECK(d.director.to->to_days() == pt::days(2025, 9, 30));
      REQUIRE(d.removed.has_value());
      CHECK(d.removed->event_id == bert_removed_id.to_string());
      CHECK(event_at(ledger, *d.removed) == bert_removed_id);
    }
  }

  // As of 2025-03-31: registered, two current directors, nothing due yet —
  // the service's ?at= answer.
  auto march = pt::must(rp::company_report(*store, kNumber, pt::days(2025, 3, 31), std::nullopt));
  CHECK(march.events_used == 3);
  CHECK(march.events_left_out == 5);
  CHECK(march.lines.empty());
  CHECK(march.totals.balance_cents == 0);
  REQUIRE(march.directors.size() == 2);
  for (const auto& d : march.directors) {
    CHECK_FALSE(d.director.to.has_value());
    CHECK_FALSE(d.removed.has_value());
  }
  pj::AsOf at_march;
  at_march.decided_up_to_days = pt::days(2025, 3, 31);
  auto view = pt::must(
      pj::fold_aggregate(*store, ledger.deps(), s::AggregateKind::Company, kNumber, at_march));
  CHECK(pt::must(pj::read_company(*view, kNumber))->directors.size() == 2);
  CHECK(pt::must(pj::read_company(*view, kNumber))->outstanding == march.account->outstanding);
  CHECK(march.account->outstanding.is_zero());

  // As of 2025-06-30: the contribution is due, not paid.
  auto june = pt::must(rp::company_report(*store, kNumber, pt::days(2025, 6, 30), std::nullopt));
  CHECK(june.totals.balance_cents == 39'973);
  CHECK(june.account->outstanding.cents() == 39'973);

  const auto json = rp::to_json(now);
  CHECK(json["company_number"] == kNumber);
  CHECK(json["statement"]["balance"] == "199.73");
  CHECK(json["account"]["directors_liable_for"] == "199.73");  // the 200.00 allocated to it
  CHECK(json["statement"]["lines"][0]["event"]["event_id"] == assessed_id.to_string());
  CHECK(json["directors"].size() == 2);
  std::ostringstream text;
  rp::print_report(now, text);
  CHECK(text.str().find("Peeters Bouw") != std::string::npos);
  CHECK(text.str().find(bert_removed_id.to_string()) != std::string::npos);
  CHECK(text.str().find(assessed_id.to_string()) != std::string::npos);
}
