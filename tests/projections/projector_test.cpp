#include <catch2/catch.hpp>

#include <filesystem>
#include <optional>
#include <thread>

#include "decided_ledger.h"
#include "domain/person_decide.h"
#include "domain/snapshot.h"
#include "ledger_fixture.h"
#include "projections/career.h"
#include "projections/debt.h"
#include "projections/niss_index.h"
#include "projections/parties.h"
#include "projections/rebuild.h"
#include "projections/state.h"
#include "projections/statement.h"
#include "projections/statistics.h"
#include "projections/tax_certificate.h"
#include "support/file_size_limit.h"

using namespace kassa::projections;
using namespace kassa::projections::testing;
using kassa::domain::Money;
namespace s = kassa::schemas;

namespace {

std::string eur(std::int64_t cents) { return Money::from_cents(cents).format(); }

}  // namespace

namespace {

namespace d = kassa::domain;
using kassa::testing::quarter;
using kassa::testing::ymd;

// DOMAIN.md §10 ex. 1, decided by the domain: main occupation on a base of
// 40,000.00, 2,050.00 a quarter + 80.98 fees (3.95 %); a payment of
// 3,000.00 without a communication goes to the oldest quarter first
// (2,130.98 on Q1, 869.02 on Q2's contribution); the 3 % of 30 June on the
// 1,261.96 of Q2 left unpaid is 37.86.
struct Story {
  std::string person;
  // A bank line is booked once in all: each story's payment has its own.
  std::string bank_ref() const { return "CODA-" + person.substr(person.size() - 8); }
  void write(Ledger& l, int member = 1) {
    person = l.register_person(member, ymd(2025, 1, 2));
    must(l.person(person,
                  d::ChangeProvisionalBase{2025, d::Money::from_cents(4'000'000),
                                           s::ProvisionalBasis::ChosenHigher, ""},
                  ymd(2025, 1, 2)));
    must(l.person(person, d::AssessQuarter{quarter(2025, 1)}, ymd(2025, 1, 5)));
    must(l.person(person, d::AssessQuarter{quarter(2025, 2)}, ymd(2025, 4, 5)));
    must(l.person(person,
                  d::RecordPayment{d::Money::from_cents(300'000), ymd(2025, 5, 10), std::nullopt,
                                   bank_ref(), s::PaymentChannel::Coda, std::nullopt},
                  ymd(2025, 5, 12)));
    must(l.person(person, d::ApplyQuarterEndSurcharges{quarter(2025, 2)}, ymd(2025, 6, 30)));
  }
};

// A payment of `cents` on `on` (value date and booking), allocated by the
// domain; the outcome holds its events' offsets.
kassa::write::Outcome pay(Ledger& l, const std::string& person, std::int64_t cents, d::Date on,
                          const std::string& bank_ref) {
  return must(l.person(person,
                       d::RecordPayment{d::Money::from_cents(cents), on, std::nullopt, bank_ref,
                                        s::PaymentChannel::Coda, std::nullopt},
                       on));
}

}  // namespace

TEST_CASE("the projector books the statement, debt, career, tax certificate and statistics",
          "[projector]") {
  Ledger ledger;
  Story story;
  story.write(ledger);
  TempDir dir;
  auto store = must(Store::open(dir.path() + "/store"));
  Projector projector(ledger.log(), *store, make_projections(ledger.deps()));
  must(projector.catch_up());

  // In date order, each line saying what it is.
  auto page = must(read_statement(*store, s::AggregateKind::Person, story.person, {}));
  REQUIRE(page.lines.size() == 7);
  const auto& l = page.lines;
  CHECK(d::to_string(l[0].kind) == "contribution");
  CHECK(l[0].debt.format() == "2025-Q1");
  CHECK(l[0].date.format() == "2025-01-05");  // the notice's date, not the quarter's first day
  CHECK(l[0].debit.format() == "2050.00");
  CHECK(d::to_string(l[1].kind) == "fees");
  CHECK(l[1].balance.format() == "2130.98");
  CHECK(l[3].balance.format() == "4261.96");
  CHECK(d::to_string(l[4].kind) == "payment");
  CHECK(l[4].date.format() == "2025-05-10");  // the value date
  CHECK(l[4].credit.format() == "3000.00");
  CHECK(l[4].reference == story.bank_ref());
  CHECK(l[4].balance.format() == "1261.96");
  CHECK(d::to_string(l[5].kind) == "allocation");
  REQUIRE(l[5].allocation.size() == 3);
  CHECK(l[5].allocation[0].debt.format() == "2025-Q1");
  CHECK(l[5].allocation[0].amount.format() == "2050.00");
  CHECK(l[5].allocation[2].debt.format() == "2025-Q2");
  CHECK(l[5].allocation[2].amount.format() == "869.02");
  CHECK(l[5].balance.format() == "1261.96");
  CHECK(d::to_string(l[6].kind) == "quarterly-surcharge");
  CHECK(l[6].debit.format() == "37.86");
  CHECK(l[6].balance.format() == "1299.82");
  auto header = must(read_statement_header(*store, s::AggregateKind::Person, story.person));
  REQUIRE(header.has_value());
  CHECK(d::Money::from_cents(header->balance_cents).format() == "1299.82");

  auto debt = must(read_debt(*store, story.person));
  REQUIRE(debt.has_value());
  REQUIRE(debt->lines.size() == 2);
  CHECK(debt->lines[0].open_total.is_zero());
  CHECK(d::to_string(debt->lines[0].stage) == "none");  // paid: no stage left
  CHECK(debt->lines[1].debt.format() == "2025-Q2");
  CHECK(debt->lines[1].open_principal.format() == "1261.96");
  CHECK(debt->lines[1].open_surcharges.format() == "37.86");
  CHECK(debt->lines[1].due.format() == "2025-06-30");
  CHECK(debt->lines[1].communication ==
        ledger.person_state(story.person).quarter_lines.at(quarter(2025, 2)).notice->communication);
  CHECK(d::to_string(debt->lines[1].stage) == "notice");
  CHECK(debt->outstanding.format() == "1299.82");
  CHECK(debt->credit.is_zero());
  CHECK(debt->balance.cents() == header->balance_cents);  // one model

  auto career = must(read_career(*store, story.person));
  REQUIRE(career.has_value());
  REQUIRE(career->size() == 2);
  CHECK((*career)[0].status == d::CareerStatus::kCounted);
  CHECK((*career)[1].status == d::CareerStatus::kNotCounted);
  CHECK((*career)[1].reason == d::CareerReason::kUnpaid);
  CHECK((*career)[1].contribution_paid.format() == "869.02");

  auto tax = must(read_tax(*store, story.person));
  REQUIRE(tax.has_value());
  CHECK(tax->at(2025).contributions.format() == "2919.02");
  CHECK(tax->at(2025).fees.format() == "80.98");
  CHECK(tax->at(2025).deductible().format() == "3000.00");

  auto q1 = must(read_stats(*store, 20251));
  REQUIRE(q1.has_value());
  CHECK(q1->assessed_by_category[0] == 1);
  CHECK(q1->contribution.format() == "2050.00");
  CHECK(q1->principal_open.is_zero());
  auto q2 = must(read_stats(*store, 20252));
  REQUIRE(q2.has_value());
  CHECK(q2->collected.format() == "3000.00");
  CHECK(q2->principal_open.format() == "1261.96");
  CHECK(q2->surcharges.format() == "37.86");

  auto party = must(read_party(*store, s::AggregateKind::Person, story.person));
  REQUIRE(party.has_value());
  CHECK(party->event_count == 9);
  CHECK(party->last_sequence == 9);
}

TEST_CASE("the work list follows the collection stage and judges contraintes as decide does",
          "[projector][worklist]") {
  Ledger ledger;
  Story story;
  story.write(ledger);
  TempDir dir;
  auto store = must(Store::open(dir.path() + "/store"));
  Projector projector(ledger.log(), *store, make_projections(ledger.deps()));
  must(ledger.person(story.person, d::RunReminders{ymd(2025, 7, 16)}, ymd(2025, 7, 16)));
  must(projector.catch_up());
  WorkListQuery q;
  q.stage = d::CollectionStage::kReminder;
  q.on = ymd(2025, 7, 16);
  auto reminders = must(read_work_list(*store, q));
  REQUIRE(reminders.items.size() == 1);
  CHECK(reminders.total == 1);
  CHECK(reminders.items[0].party_id == story.person);
  CHECK(reminders.items[0].entry.outstanding.format() == "1299.82");

  must(ledger.person(story.person, d::RunReminders{ymd(2025, 9, 30)}, ymd(2025, 9, 30)));
  must(projector.catch_up());
  CHECK(must(read_work_list(*store, q)).items.empty());
  q.stage = d::CollectionStage::kFormalNotice;
  q.on = ymd(2025, 12, 1);
  auto formal = must(read_work_list(*store, q));
  REQUIRE(formal.items.size() == 1);
  // No personal contact before a first contrainte: not eligible.
  CHECK(formal.items[0].contrainte.error().rule == "PersonalContactMissing");
  must(ledger.person(
      story.person,
      d::RecordPersonalContact{ymd(2025, 10, 2), s::ContactChannel::Phone, true, "N-1"},
      ymd(2025, 10, 2)));
  must(projector.catch_up());
  q.on = ymd(2025, 10, 20);  // the formal notice is not a month old
  CHECK(must(read_work_list(*store, q)).items[0].contrainte.error().rule ==
        "FormalNoticeTooRecent");
  q.on = ymd(2025, 12, 1);
  CHECK(must(read_work_list(*store, q)).items[0].contrainte.ok());
  q.contrainte_eligible_only = true;
  q.stage.reset();
  CHECK(must(read_work_list(*store, q)).total == 1);
  // What decide() says on those days.
  const auto state = ledger.person_state(story.person);
  const d::DecisionContext too_soon{ledger.rulebook(), ledger.fund(), ymd(2025, 10, 20)};
  CHECK_FALSE(
      d::decide(state, d::PersonCommand{d::ServeContrainte{ymd(2025, 10, 20), "B"}}, too_soon)
          .ok());
  const d::DecisionContext later{ledger.rulebook(), ledger.fund(), ymd(2025, 12, 1)};
  CHECK(d::decide(state, d::PersonCommand{d::ServeContrainte{ymd(2025, 12, 1), "B"}}, later).ok());

  // Paid in full with the notice's communication: off the work list, and
  // each quarter's stage returns to none.
  const auto comm = *d::StructuredCommunication::parse(
      state.quarter_lines.at(quarter(2025, 2)).notice->communication);
  must(ledger.person(story.person,
                     d::RecordPayment{d::Money::from_cents(129'982), ymd(2025, 11, 3), comm,
                                      "CODA-0002", s::PaymentChannel::Coda, std::nullopt},
                     ymd(2025, 11, 4)));
  must(projector.catch_up());
  WorkListQuery all;
  all.on = ymd(2025, 12, 1);
  auto empty = must(read_work_list(*store, all));
  CHECK(empty.items.empty());
  CHECK(empty.total == 0);
  auto debt = must(read_debt(*store, story.person));
  CHECK(d::to_string(debt->lines[1].stage) == "none");
  CHECK(debt->outstanding.is_zero());
}

TEST_CASE("a restart resumes from the stored offsets without counting twice", "[projector]") {
  Ledger ledger;
  Story story;
  story.write(ledger);
  {
    Projected first(ledger, ledger.dir() + "/projections");
    must(first.projector->catch_up());
  }
  // More events after the "crash"; the first ones must not be applied again.
  const auto paid = pay(ledger, story.person, 10'000, ymd(2025, 8, 1), "CODA-0003");
  Projected again(ledger, ledger.dir() + "/projections");
  must(again.projector->catch_up());
  CHECK(again.projector->stats().applied == paid.events.size());
  auto header = must(read_statement_header(*again.store, s::AggregateKind::Person, story.person));
  CHECK(eur(header->balance_cents) == "1199.82");  // 1,299.82 owed, 100.00 paid
  const auto lines = must(read_statement(*again.store, s::AggregateKind::Person, story.person, {}));
  CHECK(lines.lines.size() == 9);  // 7 + a payment and its allocation

  Projected clean(ledger, ledger.dir() + "/clean");
  must(clean.projector->catch_up());
  CHECK(clean.checksums() == again.checksums());
}

TEST_CASE("a full disk pauses the projector, which resumes by itself when space returns",
          "[projector][nospace]") {
  // Before: the store answered every commit after a failed one with the
  // same I/O error until kassad was restarted.
  Ledger ledger;
  Story story;
  story.write(ledger);
  const auto partition = ledger.log().partition_for(kassa::log::Topic::kPersonEvents, story.person);
  const auto last =
      must(ledger.log().high_water_mark(kassa::log::Topic::kPersonEvents, partition)) - 1;
  Projected proj(ledger, ledger.dir() + "/projections");
  {
    kassa::testing::FileSizeLimit full(1);  // no file may grow: the store's WAL cannot
    must(proj.projector->start());
    std::optional<kassa::Error> failing;
    for (int i = 0; i < 100 && !failing; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      failing = proj.projector->failing();
    }
    REQUIRE(failing.has_value());
    CHECK(failing->code == kassa::Errc::kUnavailable);
    CHECK_FALSE(proj.store->writable());
    CHECK(proj.projector->last_applied(kassa::log::Topic::kPersonEvents, partition) < 0);
    // Reads go on while the store refuses writes.
    CHECK_FALSE(must(read_statement_header(*proj.store, s::AggregateKind::Person, story.person)));
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // a reopen is tried, and fails
    CHECK(proj.projector->failing().has_value());
  }
  CHECK(proj.projector->wait_until(kassa::log::Topic::kPersonEvents, partition, last,
                                   std::chrono::seconds(10)));
  CHECK(proj.store->writable());
  // The thread clears its failure once the batch it applied returned.
  for (int i = 0; i < 100 && proj.projector->failing(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK_FALSE(proj.projector->failing().has_value());
  auto header = must(read_statement_header(*proj.store, s::AggregateKind::Person, story.person));
  CHECK(eur(header->balance_cents) == "1299.82");
  proj.projector->stop();
  Projected clean(ledger, ledger.dir() + "/clean");
  must(clean.projector->catch_up());
  CHECK(clean.checksums() == proj.checksums());
}

TEST_CASE("checksums do not depend on how events are batched", "[projector][checksum]") {
  Ledger ledger;
  for (int member = 1; member <= 5; ++member) {
    Story story;
    story.write(ledger, member);
  }
  ProjectorOptions one;
  one.max_batch = 1;
  Projected small(ledger, ledger.dir() + "/one", one);
  must(small.projector->catch_up());
  Projected big(ledger, ledger.dir() + "/many");
  must(big.projector->catch_up());
  CHECK(small.projector->stats().batches > big.projector->stats().batches);
  const auto a = small.checksums();
  const auto b = big.checksums();
  for (const auto& [name, sum] : a) {
    INFO(name);
    CHECK(sum == b.at(name));
  }
  CHECK(a.at("statement") != a.at("debt"));
}

TEST_CASE("chain tips dropped while a batch is read ahead reload without a false break",
          "[projector][chain]") {
  // The reading thread verifies the next batch while the one before is
  // applied; with more tips than it may hold it drops them all and reloads
  // each from the store. One record a batch and one tip at most: every
  // person's second event reloads a tip, which must be the committed one.
  Ledger ledger;
  for (int member = 1; member <= 6; ++member) {
    Story story;
    story.write(ledger, member);
  }
  TempDir dir;
  ProjectorOptions tight;
  tight.max_batch = 1;
  tight.max_chain_tips = 1;
  auto small_store = must(Store::open(dir.path() + "/tight"));
  Projector small(ledger.log(), *small_store, make_projections(ledger.deps()), tight);
  must(small.catch_up());
  auto big_store = must(Store::open(dir.path() + "/roomy"));
  Projector big(ledger.log(), *big_store, make_projections(ledger.deps()));
  must(big.catch_up());
  CHECK(small.stats().quarantined == 0);
  CHECK(small.stats().applied == 6 * 9);  // what decide() wrote for each story
  CHECK(small.stats().applied == big.stats().applied);
  for (const NamedCf& n : kChecksummedCfs) {
    INFO(n.name);
    CHECK(must(small_store->checksum(n.cf)) == must(big_store->checksum(n.cf)));
  }
}

TEST_CASE("the NISS index finds a person, and forgets them when their data is erased",
          "[projector][niss]") {
  Ledger ledger;
  Story story;
  story.write(ledger);
  Projected proj(ledger, ledger.dir() + "/projections");
  must(proj.projector->catch_up());
  const auto secret = ledger.deps().niss_secret;
  const std::string niss = Ledger::niss_of(1);
  auto found = must(find_party_by_niss(*proj.store, secret, niss));
  REQUIRE(found.has_value());
  CHECK(*found == story.person);
  CHECK_FALSE(must(find_party_by_niss(*proj.store, secret, Ledger::niss_of(2))).has_value());
  // The NISS never stands in a key.
  must(proj.store->scan(Cf::kNiss, "", [&](std::string_view k, std::string_view v) {
    CHECK(k.find(niss) == std::string_view::npos);
    CHECK(v.find(niss) == std::string_view::npos);
    return true;
  }));

  // Erased as kassad erases: the event, then the person's key destroyed.
  must(ledger.person(story.person, d::EraseRegistrationData{story.person, "GDPR art. 17"},
                     ymd(2025, 9, 1)));
  must(ledger.keys().erase(story.person));
  must(proj.projector->catch_up());
  CHECK_FALSE(must(find_party_by_niss(*proj.store, secret, niss)).has_value());
  Projected rebuilt(ledger, ledger.dir() + "/rebuilt");
  must(rebuilt.projector->catch_up());
  CHECK(rebuilt.checksums() == proj.checksums());
}

TEST_CASE("a bank line booked twice stays with its first booking, live and rebuilt",
          "[projector][niss][rebuild]") {
  // The rebuild's identifier index answers "never written" from its filter
  // of written keys without a store read; the second booking of a line
  // must still find the first, in the same batch or a later one.
  Ledger ledger;
  std::vector<std::string> persons;
  for (int member = 1; member <= 6; ++member) {
    Story story;
    story.write(ledger, member);
    persons.push_back(story.person);
  }
  // persons[4] and persons[5] are paid with lines persons[0] and persons[1] booked.
  Story first_story;
  first_story.person = persons[0];
  Story second_story;
  second_story.person = persons[1];
  pay(ledger, persons[4], 1'000, ymd(2025, 8, 1), first_story.bank_ref());
  pay(ledger, persons[5], 1'000, ymd(2025, 8, 1), second_story.bank_ref());
  Projected live(ledger, ledger.dir() + "/live");
  must(live.projector->catch_up());
  CHECK(must(find_bank_line(*live.store, first_story.bank_ref())) ==
        std::optional<std::string>("P" + persons[0]));
  CHECK(must(find_bank_line(*live.store, second_story.bank_ref())) ==
        std::optional<std::string>("P" + persons[1]));
  for (std::size_t batch : {std::size_t{1}, std::size_t{5}, std::size_t{4096}}) {
    INFO("batch " << batch);
    RebuildPlan plan;
    plan.max_batch = batch;
    auto built = must(build_store(ledger.log(), ledger.dir() + "/built-" + std::to_string(batch),
                                  ledger.deps(), nullptr, plan));
    CHECK(must(find_bank_line(*built, first_story.bank_ref())) ==
          std::optional<std::string>("P" + persons[0]));
    CHECK(must(built->checksum(Cf::kNiss)) == must(live.store->checksum(Cf::kNiss)));
  }
}

TEST_CASE("a corrupt record is quarantined and the projector goes on", "[projector][quarantine]") {
  Ledger ledger;
  Story story;
  story.write(ledger);
  std::vector<kassa::log::Record> bad{kassa::log::Record{"not an event", "", 0}};
  must(ledger.log().append(kassa::log::Topic::kPersonEvents, "P0000", bad));
  Story other;
  other.write(ledger, 2);
  Projected proj(ledger, ledger.dir() + "/projections");
  must(proj.projector->catch_up());
  CHECK(proj.projector->stats().quarantined == 1);
  CHECK(proj.projector->stats().applied == 2 * 9);
  CHECK(must(proj.projector->lag()) == 0);
  CHECK(must(read_party(*proj.store, s::AggregateKind::Person, other.person)).has_value());
}

TEST_CASE("wait_until returns once the projector thread applied the offset", "[projector]") {
  Ledger ledger;
  Projected proj(ledger, ledger.dir() + "/projections");
  must(proj.projector->start());
  Story story;
  story.write(ledger);
  const auto paid = pay(ledger, story.person, 100, ymd(2025, 7, 1), "CODA-0004");
  const auto partition = paid.events.back().partition;
  const auto offset = paid.events.back().offset;
  CHECK(proj.projector->wait_until(kassa::log::Topic::kPersonEvents, partition, offset,
                                   std::chrono::seconds(10)));
  CHECK(proj.projector->last_applied(kassa::log::Topic::kPersonEvents, partition) >= offset);
  auto header = must(read_statement_header(*proj.store, s::AggregateKind::Person, story.person));
  CHECK(eur(header->balance_cents) == "1298.82");
  proj.projector->stop();
}

TEST_CASE("the state column family holds the write side's PersonState", "[projector][state]") {
  Ledger ledger;
  Story story;
  story.write(ledger);
  Projected proj(ledger, ledger.dir() + "/projections");
  must(proj.projector->catch_up());
  auto state = must(read_person_state(*proj.store, story.person));
  REQUIRE(state.has_value());
  CHECK(state->registered);
  CHECK(state->last_sequence == 9);
  CHECK(state->total_open().format() == "1299.82");
  // The write side's own state, event for event.
  CHECK(kassa::domain::serialize(*state) ==
        kassa::domain::serialize(ledger.person_state(story.person)));
  // What the write side's loader reads: the state and the chain tip agree.
  auto loaded = must(load_person(*proj.store, story.person));
  REQUIRE(loaded.has_value());
  CHECK(loaded->tip.sequence == 9);
  CHECK(loaded->state.last_sequence == 9);
  auto party = must(read_party(*proj.store, s::AggregateKind::Person, story.person));
  CHECK(loaded->tip.hash == party->last_hash);
  CHECK_FALSE(must(load_person(*proj.store, "P" + std::string(32, 'b'))).has_value());
  CHECK_FALSE(must(load_company(*proj.store, "0566988259")).has_value());
}

TEST_CASE("an in-process rebuild swaps a fresh store in with equal checksums", "[rebuild]") {
  Ledger ledger;
  for (int member = 1; member <= 3; ++member) {
    Story story;
    story.write(ledger, member);
  }
  auto runner =
      must(ProjectionRunner::open(ledger.log(), ledger.dir() + "/projections", ledger.deps()));
  must(runner->start());
  ledger.register_person(4, ymd(2025, 7, 1));  // while the runner runs
  std::shared_ptr<Store> before = runner->stores().get();
  REQUIRE(
      runner->projector()->wait_until(runner->projector()->positions(), std::chrono::seconds(5)));
  auto report = must(runner->rebuild());
  CHECK(report.before == report.after);
  CHECK(report.swapped);
  CHECK(report.kept == before->path());  // this test still holds it
  CHECK(report.before.at("statement") != report.before.at("index"));
  CHECK(runner->stores().get() != before);
  // Queries that held the old store still read it.
  // (each of the three owes the rest of 2025-Q2 after its notice)
  CHECK(must(read_work_list(*before, WorkListQuery{})).items.size() == 3);
  // New events land in the new store.
  Story late;
  late.write(ledger, 9);
  auto live = runner->stores().get();
  const auto partition = ledger.log().partition_for(kassa::log::Topic::kPersonEvents, late.person);
  CHECK(runner->projector()->wait_until(
      kassa::log::Topic::kPersonEvents, partition,
      ledger.log().high_water_mark(kassa::log::Topic::kPersonEvents, partition).value() - 1,
      std::chrono::seconds(10)));
  CHECK(must(read_party(*live, s::AggregateKind::Person, late.person)).has_value());
  runner->stop();
}

TEST_CASE("the projector refuses a log that ends before what the projections have read",
          "[projector]") {
  Ledger ledger;
  Story story;
  story.write(ledger, 1);
  Projected proj(ledger, ledger.dir() + "/projections");
  must(proj.projector->catch_up());
  proj.projector->stop();
  // A damaged journal whose partition read as empty, an older copy, or
  // another log. Before: it started, and new events went to offset 0.
  Ledger shorter;
  Projector other(shorter.log(), *proj.store, make_projections(shorter.deps()));
  auto started = other.start();
  REQUIRE_FALSE(started.ok());
  CHECK(started.error().rule == "LogBehindProjections");
  CHECK(started.error().message.find("ends at offset 0") != std::string::npos);
  CHECK(started.error().message.find("replay verify") != std::string::npos);
}

TEST_CASE("a rebuild whose checksums differ replaces the live store only when told", "[rebuild]") {
  Ledger ledger;
  Story story;
  story.write(ledger, 1);
  auto runner =
      must(ProjectionRunner::open(ledger.log(), ledger.dir() + "/projections", ledger.deps()));
  must(runner->start());
  REQUIRE(
      runner->projector()->wait_until(runner->projector()->positions(), std::chrono::seconds(5)));
  // The live store drifts from what the log says (a defect, a disk error,
  // or a projection's code changed since it was built).
  runner->stop();
  std::shared_ptr<Store> live = runner->stores().get();
  const std::string live_path = live->path();
  {
    StoreBatch drift(*live);
    drift.put(Cf::kStatement, "zz-drift", "x");
    must(live->commit(drift, runner->projector()->positions()));
  }
  must(runner->start());

  // Before: the rebuilt store was swapped in and the old one deleted.
  auto refused = must(runner->rebuild());
  CHECK(refused.before != refused.after);
  CHECK_FALSE(refused.swapped);
  CHECK(runner->stores().get() == live);
  CHECK(std::filesystem::exists(live_path));
  // The live projector goes on.
  Story late;
  late.write(ledger, 2);
  const auto partition = ledger.log().partition_for(kassa::log::Topic::kPersonEvents, late.person);
  CHECK(runner->projector()->wait_until(
      kassa::log::Topic::kPersonEvents, partition,
      ledger.log().high_water_mark(kassa::log::Topic::kPersonEvents, partition).value() - 1,
      std::chrono::seconds(10)));

  auto accepted = must(runner->rebuild(true));
  CHECK(accepted.swapped);
  CHECK(runner->stores().get() != live);
  CHECK(accepted.kept == live_path);
  CHECK(std::filesystem::exists(live_path));  // kept for the operator to compare
  live.reset();
  runner->stop();
}

TEST_CASE("an ingesting store holds what a WAL store holds: last write wins, deletes, offsets",
          "[store][ingest]") {
  TempDir dir;
  auto wal = must(Store::open(dir.path() + "/wal", Durability::kWal));
  auto ingest = must(Store::open(dir.path() + "/ingest", Durability::kIngest));
  const std::vector<kassa::log::Position> first{{kassa::log::Topic::kPersonEvents, 0, 3}};
  const std::vector<kassa::log::Position> second{{kassa::log::Topic::kPersonEvents, 0, 7}};
  for (Store* store : {wal.get(), ingest.get()}) {
    StoreBatch one(*store);
    one.put(Cf::kStatement, "b", "first");
    one.put(Cf::kStatement, "a", "1");
    one.put(Cf::kStatement, "b", "second");  // the same key twice in a batch: the last wins
    one.put(Cf::kDebt, "gone", "x");
    one.put(Cf::kDebt, "kept", "y");
    must(store->commit(one, first));
    StoreBatch two(*store);
    two.del(Cf::kDebt, "gone");         // a delete of an earlier batch's key
    two.put(Cf::kStatement, "a", "2");  // overwrites an earlier batch's value
    two.put(Cf::kDebt, "new", "z");
    two.del(Cf::kDebt, "new");  // put then delete in one batch: absent
    must(store->commit(two, second));
  }
  for (Store* store : {wal.get(), ingest.get()}) {
    CHECK(must(store->get(Cf::kStatement, "a")) == std::optional<std::string>("2"));
    CHECK(must(store->get(Cf::kStatement, "b")) == std::optional<std::string>("second"));
    CHECK_FALSE(must(store->get(Cf::kDebt, "gone")).has_value());
    CHECK_FALSE(must(store->get(Cf::kDebt, "new")).has_value());
    CHECK(must(store->get(Cf::kDebt, "kept")) == std::optional<std::string>("y"));
    const auto offsets = must(store->offsets());
    REQUIRE(offsets.size() == 1);
    CHECK(offsets[0].offset == 7);
  }
  for (const NamedCf& n : kChecksummedCfs) {
    INFO(n.name);
    CHECK(must(wal->checksum(n.cf)) == must(ingest->checksum(n.cf)));
  }
  // The ingesting store reopens (as kassad opens a rebuilt store) with its data.
  ingest.reset();
  auto reopened = must(Store::open(dir.path() + "/ingest"));
  CHECK(must(reopened->get(Cf::kStatement, "b")) == std::optional<std::string>("second"));
}

TEST_CASE("a rebuild by ingestion equals the live projector's store", "[rebuild][ingest]") {
  Ledger ledger;
  for (int member = 1; member <= 6; ++member) {
    Story story;
    story.write(ledger, member);
  }
  Projected live(ledger, ledger.dir() + "/live");
  must(live.projector->catch_up());
  BuildStats stats;
  auto built = must(build_store(ledger.log(), ledger.dir() + "/built", ledger.deps(), &stats));
  CHECK(stats.passes == 1);
  CHECK(stats.projector.applied == live.projector->stats().applied);
  CHECK(stats.projector.applied > 30);
  const auto expected = live.checksums();
  const auto got = must(store_checksums(*built));
  for (const auto& [name, sum] : expected) {
    INFO(name);
    CHECK(sum == got.at(name));
  }
}

TEST_CASE("a write-back cache keeps changes across flushes until it is full or turned off",
          "[rebuild][cache]") {
  struct Codec {
    static std::string encode(const std::string& v) { return v; }
    static kassa::Result<std::string> decode(std::string_view b) { return std::string(b); }
  };
  MemKv store;
  KeyedCache<std::string, Codec> cache(Cf::kStatement, 2);
  cache.set_write_back(true);
  *must(cache.edit(store, "a")) = "1";
  *must(cache.edit(store, "b")) = "2";
  cache.flush(store);
  CHECK(store.data(Cf::kStatement).empty());  // held, not written
  *must(cache.edit(store, "a")) += "1";       // from the cache, not the store
  cache.flush(store);
  CHECK(store.data(Cf::kStatement).empty());
  cache.set_write_back(false);
  cache.flush(store);
  CHECK(store.data(Cf::kStatement).size() == 2);
  CHECK(store.data(Cf::kStatement).at("a") == "11");
  CHECK(store.data(Cf::kStatement).at("b") == "2");
  // Live mode: each flush writes what changed.
  *must(cache.edit(store, "b")) = "3";
  cache.flush(store);
  CHECK(store.data(Cf::kStatement).at("b") == "3");
}

namespace {

// Persons registered in pairs under the same NISS (member numbers first+1,
// first+2, ...): the later registration owns the NISS in the index, so the
// index depends on the order of two aggregates' events, which a rebuild by
// shares must keep.
std::vector<std::string> write_pairs(Ledger& ledger, int pairs, int first) {
  std::vector<std::string> persons;
  for (int i = 0; i < pairs; ++i) {
    for (int twice = 0; twice < 2; ++twice) {
      Story story;
      story.write(ledger, first + i + 1);
      persons.push_back(story.person);
    }
  }
  return persons;
}

}  // namespace

TEST_CASE("a rebuild in passes equals one pass and the live projector, and quarantines once",
          "[rebuild][passes]") {
  Ledger ledger;
  const auto persons = write_pairs(ledger, 4, 0);
  // A corrupt record under a key outside share 0, so that a later pass
  // meets it again (and must not count it twice).
  std::string bad_key = "P0000";
  while (rebuild_share(kassa::log::Topic::kPersonEvents, bad_key, 3) == 0 ||
         rebuild_share(kassa::log::Topic::kPersonEvents, bad_key, 5) == 0) {
    bad_key.push_back('0');
  }
  std::vector<kassa::log::Record> bad{kassa::log::Record{"not an event", "", 0}};
  must(ledger.log().append(kassa::log::Topic::kPersonEvents, bad_key, bad));
  const auto later = write_pairs(ledger, 4, 4);
  std::vector<std::string> all = persons;
  all.insert(all.end(), later.begin(), later.end());

  Projected live(ledger, ledger.dir() + "/live");
  must(live.projector->catch_up());
  const auto expected = live.checksums();
  CHECK(live.projector->stats().quarantined == 1);
  CHECK(must(kassa::log::read_quarantine(ledger.log())).size() == 1);
  // Who owns each shared NISS in the live store, and the case that matters
  // is there: a pair whose owner falls in an earlier share than the other
  // (applied share by share, the other would win).
  const auto secret = ledger.deps().niss_secret;
  std::vector<std::optional<std::string>> owners;
  bool crossing = false;
  for (int pair = 0; pair < 8; ++pair) {
    owners.push_back(must(find_party_by_niss(*live.store, secret, Ledger::niss_of(pair + 1))));
    const std::string& a = all[static_cast<std::size_t>(2 * pair)];
    const std::string& b = all[static_cast<std::size_t>(2 * pair + 1)];
    REQUIRE(owners.back().has_value());
    REQUIRE((*owners.back() == a || *owners.back() == b));
    const std::string& other = *owners.back() == a ? b : a;
    crossing = crossing || rebuild_share(kassa::log::Topic::kPersonEvents, *owners.back(), 3) <
                               rebuild_share(kassa::log::Topic::kPersonEvents, other, 3);
  }
  REQUIRE(crossing);

  for (std::uint32_t passes : {1u, 3u, 5u}) {
    INFO("passes " << passes);
    RebuildPlan plan;
    plan.passes = passes;
    plan.max_batch = 7;  // write-back across batches; polls that cross the cut
    BuildStats stats;
    auto built = must(build_store(ledger.log(), ledger.dir() + "/built-" + std::to_string(passes),
                                  ledger.deps(), &stats, plan));
    CHECK(stats.passes == passes);
    CHECK(stats.projector.applied == live.projector->stats().applied);
    CHECK(stats.projector.quarantined == 1);
    CHECK(stats.projector.skipped == live.projector->stats().skipped);
    const auto got = must(store_checksums(*built));
    for (const auto& [name, sum] : expected) {
      INFO(name);
      CHECK(sum == got.at(name));
    }
    for (int pair = 0; pair < 8; ++pair) {
      CHECK(must(find_party_by_niss(*built, secret, Ledger::niss_of(pair + 1))) ==
            owners[static_cast<std::size_t>(pair)]);
    }
  }
  // Quarantined by the first pass of each rebuild, written once in all.
  CHECK(must(kassa::log::read_quarantine(ledger.log())).size() == 1);
}

TEST_CASE("a rebuild stops at its cut in every pass", "[rebuild][passes]") {
  Ledger ledger;
  write_pairs(ledger, 3, 0);
  Projected early(ledger, ledger.dir() + "/early");
  must(early.projector->catch_up());
  const auto cut = must(event_high_water_marks(ledger.log()));
  const auto after = write_pairs(ledger, 3, 3);  // written after the cut

  auto store = must(Store::open(ledger.dir() + "/cut", Durability::kIngest));
  RebuildPlan plan;
  plan.passes = 3;
  plan.max_batch = 5;
  const auto built = must(build_in_passes(
      ledger.log(), *store, cut, [&] { return make_projections(ledger.deps()); }, plan));
  CHECK(built.records > 0);
  CHECK(built.projector.applied == early.projector->stats().applied);
  const auto got = must(store_checksums(*store));
  for (const auto& [name, sum] : early.checksums()) {
    INFO(name);
    CHECK(sum == got.at(name));
  }
  for (const auto& o : must(store->offsets())) {
    for (const auto& c : cut) {
      if (c.topic == o.topic && c.partition == o.partition) CHECK(o.offset == c.offset);
    }
  }
  CHECK_FALSE(must(read_party(*store, s::AggregateKind::Person, after[0])).has_value());
  // A store that already holds offsets is not a fresh one.
  CHECK_FALSE(build_in_passes(
                  ledger.log(), *store, cut, [&] { return make_projections(ledger.deps()); }, plan)
                  .ok());
}

TEST_CASE(
    "a rebuild whose caches overflow mid-pass writes, drops and rereads, and still equals "
    "the live projector",
    "[rebuild][passes]") {
  Ledger ledger;
  write_pairs(ledger, 5, 0);
  Projected live(ledger, ledger.dir() + "/live");
  must(live.projector->catch_up());
  RebuildPlan plan;
  plan.passes = 2;
  plan.max_batch = 5;
  plan.cache_entries = 3;  // each pass holds ~5 persons: the valve opens again and again
  BuildStats stats;
  auto built =
      must(build_store(ledger.log(), ledger.dir() + "/valve", ledger.deps(), &stats, plan));
  CHECK(stats.projector.applied == live.projector->stats().applied);
  const auto got = must(store_checksums(*built));
  for (const auto& [name, sum] : live.checksums()) {
    INFO(name);
    CHECK(sum == got.at(name));
  }
}

TEST_CASE(
    "a rebuild in passes skips a redelivery and quarantines a replayed old event in a share "
    "other than 0, counting each once",
    "[rebuild][passes]") {
  Ledger ledger;
  namespace lg = kassa::log;
  // Two persons whose records fall outside share 0 of 3.
  std::vector<std::string> outside;
  for (int i = 0; outside.size() < 2; ++i) {
    Story story;
    story.write(ledger, 20 + i);
    if (rebuild_share(lg::Topic::kPersonEvents, story.person, 3) != 0)
      outside.push_back(story.person);
  }
  const auto record_at = [&](const std::string& person, std::int64_t offset) {
    const auto partition = ledger.log().partition_for(lg::Topic::kPersonEvents, person);
    auto got = must(ledger.log().read(lg::Topic::kPersonEvents, partition, offset, 1,
                                      std::chrono::milliseconds(0)));
    REQUIRE(got.size() == 1);
    return std::vector<lg::Record>{
        lg::Record{got[0].value, got[0].event_type, got[0].schema_version}};
  };
  // An exact redelivery of the first person's last event: skipped.
  const auto last = pay(ledger, outside[0], 100, ymd(2025, 7, 1), "CODA-0005").events.back().offset;
  must(ledger.log().append(lg::Topic::kPersonEvents, outside[0], record_at(outside[0], last)));
  // The second person's first event again, after later ones: quarantined;
  // the person's next event still follows the real chain.
  pay(ledger, outside[1], 100, ymd(2025, 7, 1), "CODA-0006");
  const auto partition = ledger.log().partition_for(lg::Topic::kPersonEvents, outside[1]);
  std::int64_t oldest = -1;
  for (std::int64_t o = 0; oldest < 0; ++o) {
    auto got = must(
        ledger.log().read(lg::Topic::kPersonEvents, partition, o, 1, std::chrono::milliseconds(0)));
    REQUIRE(got.size() == 1);
    if (got[0].key == outside[1]) oldest = o;
  }
  must(ledger.log().append(lg::Topic::kPersonEvents, outside[1], record_at(outside[1], oldest)));
  pay(ledger, outside[1], 200, ymd(2025, 8, 1), "CODA-0007");

  Projected live(ledger, ledger.dir() + "/live");
  must(live.projector->catch_up());
  REQUIRE(live.projector->stats().skipped == 1);
  REQUIRE(live.projector->stats().quarantined == 1);
  for (std::uint32_t passes : {1u, 3u}) {
    INFO("passes " << passes);
    RebuildPlan plan;
    plan.passes = passes;
    BuildStats stats;
    auto built = must(build_store(ledger.log(), ledger.dir() + "/b" + std::to_string(passes),
                                  ledger.deps(), &stats, plan));
    CHECK(stats.projector.applied == live.projector->stats().applied);
    CHECK(stats.projector.skipped == 1);
    CHECK(stats.projector.quarantined == 1);
    const auto got = must(store_checksums(*built));
    for (const auto& [name, sum] : live.checksums()) {
      INFO(name);
      CHECK(sum == got.at(name));
    }
  }
  CHECK(must(lg::read_quarantine(ledger.log())).size() == 1);
}
