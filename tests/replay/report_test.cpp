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

std::int64_t company_event(pt::Ledger& l, std::int32_t effective, s::EventBodyUnion b) {
  return l.writer().append(s::AggregateKind::Company, kNumber, effective, 0,
                           [&](const lg::Uuid&) { return b; });
}

lg::Uuid event_at(pt::Ledger& l, const rp::Lineage& where) {
  auto record = pt::must(l.log().read(where.topic, where.partition, where.offset, 1,
                                      std::chrono::milliseconds(0)));
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
  const std::string anna = ledger.new_party();
  const std::string bert = ledger.new_party();
  ledger.register_person(anna, pt::make_niss(41));
  ledger.register_person(bert, pt::make_niss(42));

  s::CompanyRegisteredT registered;
  registered.company_number = kNumber;
  registered.name = "Peeters Bouw";
  registered.legal_form = "SRL/BV";
  registered.incorporation_days = pt::days(2024, 11, 4);
  registered.registered_days = pt::days(2025, 1, 10);
  registered.member_number = 1234567;
  company_event(ledger, pt::days(2025, 1, 10), pt::body(std::move(registered)));
  s::CompanyDirectorAddedT anna_added;
  anna_added.director_party = anna;
  anna_added.from_days = pt::days(2025, 1, 10);
  anna_added.role = "manager";
  const std::int64_t anna_offset =
      company_event(ledger, pt::days(2025, 1, 10), pt::body(std::move(anna_added)));
  const lg::Uuid anna_added_id = ledger.writer().last_id();
  s::CompanyDirectorAddedT bert_added;
  bert_added.director_party = bert;
  bert_added.from_days = pt::days(2025, 2, 1);
  bert_added.role = "director";
  company_event(ledger, pt::days(2025, 2, 1), pt::body(std::move(bert_added)));
  s::CompanyContributionAssessedT assessed;
  assessed.year = 2025;
  assessed.band = s::CompanyBand::Low;
  assessed.amount_cents = 34'768;
  assessed.due_days = pt::days(2025, 6, 30);
  company_event(ledger, pt::days(2025, 6, 30), pt::body(std::move(assessed)));
  const lg::Uuid assessed_id = ledger.writer().last_id();
  s::PaymentReceivedT paid;
  paid.bank_ref = "CODA-C1";
  paid.amount_cents = 20'000;
  paid.value_days = pt::days(2025, 7, 15);
  paid.channel = s::PaymentChannel::Coda;
  company_event(ledger, pt::days(2025, 7, 15), pt::body(std::move(paid)));
  s::CompanyDirectorRemovedT bert_removed;
  bert_removed.director_party = bert;
  bert_removed.to_days = pt::days(2025, 9, 30);
  company_event(ledger, pt::days(2025, 9, 30), pt::body(std::move(bert_removed)));
  const lg::Uuid bert_removed_id = ledger.writer().last_id();

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
  CHECK(now.events_used == 6);
  CHECK(now.events_left_out == 0);
  REQUIRE(now.account.has_value());
  CHECK(now.account->name == "Peeters Bouw");
  CHECK(now.account->years.at(2025).due_cents == 34'768);
  CHECK(now.totals.balance_cents == 14'768);
  CHECK(now.totals.balance_cents ==
        pt::must(pj::read_statement_header(*store, s::AggregateKind::Company, kNumber))
            ->balance_cents);
  REQUIRE(now.lines.size() == 2);
  CHECK(pj::to_string(now.lines[0].line.kind) == "company-contribution");
  CHECK(now.lines[0].source.event_id == assessed_id.to_string());
  CHECK(event_at(ledger, now.lines[0].source) == assessed_id);
  CHECK(pj::to_string(now.lines[1].line.kind) == "payment");
  CHECK(now.lines[1].source.event_type == "PaymentReceived");
  REQUIRE(now.directors.size() == 2);
  for (const auto& d : now.directors) {
    if (d.party_id == anna) {
      CHECK(d.director.to_days == 0);
      CHECK(d.added.event_id == anna_added_id.to_string());
      CHECK(d.added.offset == anna_offset);
      CHECK(d.added.topic == lg::Topic::kCompanyEvents);
      CHECK_FALSE(d.removed.has_value());
    } else {
      CHECK(d.party_id == bert);
      CHECK(d.director.to_days == pt::days(2025, 9, 30));
      REQUIRE(d.removed.has_value());
      CHECK(d.removed->event_id == bert_removed_id.to_string());
      CHECK(event_at(ledger, *d.removed) == bert_removed_id);
    }
  }

  // As of 2025-03-31: registered, two current directors, nothing due yet —
  // the service's ?at= answer.
  auto march = pt::must(rp::company_report(*store, kNumber, pt::days(2025, 3, 31), std::nullopt));
  CHECK(march.events_used == 3);
  CHECK(march.events_left_out == 3);
  CHECK(march.lines.empty());
  CHECK(march.totals.balance_cents == 0);
  REQUIRE(march.directors.size() == 2);
  for (const auto& d : march.directors) {
    CHECK(d.director.to_days == 0);
    CHECK_FALSE(d.removed.has_value());
  }
  pj::AsOf at_march;
  at_march.effective_up_to_days = pt::days(2025, 3, 31);
  auto view = pt::must(
      pj::fold_aggregate(*store, ledger.deps(), s::AggregateKind::Company, kNumber, at_march));
  CHECK(pt::must(pj::read_company(*view, kNumber))->directors.size() == 2);
  CHECK(pt::must(pj::read_company(*view, kNumber))->outstanding() ==
        march.account->outstanding());
  CHECK(march.account->outstanding() == 0);

  // As of 2025-06-30: the contribution is due, not paid.
  auto june = pt::must(rp::company_report(*store, kNumber, pt::days(2025, 6, 30), std::nullopt));
  CHECK(june.totals.balance_cents == 34'768);
  CHECK(june.account->outstanding() == 34'768);

  const auto json = rp::to_json(now);
  CHECK(json["company_number"] == kNumber);
  CHECK(json["statement"]["balance"] == "147.68");
  CHECK(json["account"]["directors_liable_for"] == "347.68");  // payments count once allocated
  CHECK(json["statement"]["lines"][0]["event"]["event_id"] == assessed_id.to_string());
  CHECK(json["directors"].size() == 2);
  std::ostringstream text;
  rp::print_report(now, text);
  CHECK(text.str().find("Peeters Bouw") != std::string::npos);
  CHECK(text.str().find(bert_removed_id.to_string()) != std::string::npos);
  CHECK(text.str().find(assessed_id.to_string()) != std::string::npos);
}
