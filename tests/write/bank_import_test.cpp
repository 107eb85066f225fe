// The bank importer on the embedded journal with the real person, company
// and fund aggregates: a file's lines are matched first, then booked with one
// group commit per aggregate kind (persons, companies), the rest held in the
// fund's suspense account in file order; a second import writes nothing.

#include <catch2/catch.hpp>

#include <functional>

#include <map>

#include "domain/bank/coda_writer.h"
#include "domain/person_decide.h"
#include "log/forwarding_log.h"
#include "log/journal/journal_log.h"
#include "log/log_test_support.h"
#include "log/personal_data.h"
#include "log/rocksdb_key_store.h"
#include "write/bank_import.h"

using namespace kassa;
namespace d = kassa::domain;
namespace s = kassa::schemas;

namespace {

// Forwards to the journal and counts the appends per topic.
class CountingLog final : public log::ForwardingLog {
 public:
  explicit CountingLog(log::EventLog& inner) : ForwardingLog(inner) {}
  std::map<log::Topic, int> appends, group_appends;
  std::function<void()> on_append;  // called as each append starts

  Result<std::vector<int64_t>> append(log::Topic t, std::string_view key,
                                      std::span<const log::Record> records) override {
    if (on_append) on_append();
    ++appends[t];
    return ForwardingLog::append(t, key, records);
  }
  Result<std::vector<std::vector<int64_t>>> append_many(
      log::Topic t, std::span<const log::KeyedBatch> batches) override {
    if (on_append) on_append();
    ++group_appends[t];
    return ForwardingLog::append_many(t, batches);
  }
  void reset() {
    appends.clear();
    group_appends.clear();
  }
};

// The fixture is the log's only writer: every state stays cached.
template <typename W>
typename W::Loader nothing_yet() {
  return [](const std::string&) -> Result<std::optional<typename W::Loaded>> {
    return std::optional<typename W::Loaded>{};
  };
}

using Persons = write::AggregateWriter<write::PersonAggregate>;
using Companies = write::AggregateWriter<write::CompanyAggregate>;
using Fund = write::AggregateWriter<write::FundAggregate>;

d::Date day(const char* text) { return d::Date::parse(text).value(); }
d::bank::Date bank_day(int y, int m, int dd) { return {y, m, dd}; }

const std::string kAnn = "P" + std::string(32, 'a');
const std::string kBob = "P" + std::string(32, 'b');
const std::string kGhost = "P" + std::string(32, 'c');  // known to the lookup, never registered
const std::string kCompany = "0403170701";
const std::string kBobIban = "BE71096123456769";

struct Fixture {
  log::testing::TempDir dir;
  log::LogConfig config;
  std::unique_ptr<log::EventLog> journal;
  std::unique_ptr<CountingLog> log;
  log::SeededRandom random{7};
  // In memory, or on disk to count its syncs.
  std::unique_ptr<log::KeyStore> key_store;
  log::KeyStore& keys;
  write::EventFactory factory{keys, random, [] { return std::int64_t{1'736'000'000'000'000}; }};
  d::Rulebook rulebook = d::Rulebook::belgian_default();
  d::FundConfig fund_config = d::FundConfig::kassa_default();
  std::unique_ptr<Persons> persons;
  std::unique_ptr<Companies> companies;
  std::unique_ptr<Fund> fund;
  std::map<std::string, write::Member> booked;         // what by_bank_line answers
  std::function<void(std::string_view)> on_bank_line;  // called as by_bank_line is asked
  std::unique_ptr<write::BankImporter> importer;
  write::CommandMeta meta{"batch:test", {}, {}, {}};

  enum class Keys { kInMemory, kOnDisk };
  explicit Fixture(Keys where = Keys::kInMemory)
      : key_store(where == Keys::kOnDisk
                      ? std::unique_ptr<log::KeyStore>(
                            log::RocksDbKeyStore::open(dir.path() + "/keys", random).value())
                      : std::make_unique<log::InMemoryKeyStore>(random)),
        keys(*key_store) {
    config.journal_path = dir.path() + "/journal";
    journal = log::journal::JournalLog::open(config).value();
    log = std::make_unique<CountingLog>(*journal);
    persons =
        std::make_unique<Persons>(*log, factory, nothing_yet<Persons>(), rulebook, fund_config);
    companies =
        std::make_unique<Companies>(*log, factory, nothing_yet<Companies>(), rulebook, fund_config);
    fund = std::make_unique<Fund>(*log, factory, nothing_yet<Fund>(), rulebook, fund_config);
    const d::Date start = day("2020-01-01");
    REQUIRE(persons
                ->execute(kAnn,
                          d::RegisterPerson{d::Niss::parse("85073003328").value(), "Ann", "Peeters",
                                            std::nullopt, std::nullopt, std::nullopt, start,
                                            d::Category::kMain, s::StarterStatus::NotStarter, false,
                                            1, "", std::nullopt},
                          start, meta)
                .ok());
    REQUIRE(
        persons
            ->execute(kBob,
                      d::RegisterPerson{d::Niss::parse("90011512165").value(), "Bob", "Maes",
                                        std::nullopt, d::Iban::parse(kBobIban).value(),
                                        std::nullopt, start, d::Category::kMain,
                                        s::StarterStatus::NotStarter, false, 2, "", std::nullopt},
                      start, meta)
            .ok());
    REQUIRE(companies
                ->execute(
                    kCompany,
                    d::RegisterCompany{
                        d::CompanyNumber::parse(kCompany).value(), "Kassa NV", "NV", start, 3, {}},
                    start, meta)
                .ok());
    write::MemberLookup lookup;
    lookup.by_number = [](std::uint32_t n) -> Result<std::optional<write::Member>> {
      switch (n) {
        case 1: return std::optional<write::Member>{write::Member{s::AggregateKind::Person, kAnn}};
        case 2: return std::optional<write::Member>{write::Member{s::AggregateKind::Person, kBob}};
        case 3:
          return std::optional<write::Member>{write::Member{s::AggregateKind::Company, kCompany}};
        case 4:
          return std::optional<write::Member>{write::Member{s::AggregateKind::Person, kGhost}};
        default: return std::optional<write::Member>{};
      }
    };
    lookup.by_iban = [](std::string_view iban) -> Result<std::optional<std::string>> {
      if (iban == kBobIban) return std::optional<std::string>{kBob};
      return std::optional<std::string>{};
    };
    lookup.by_bank_line = [this](std::string_view ref) -> Result<std::optional<write::Member>> {
      if (on_bank_line) on_bank_line(ref);
      auto it = booked.find(std::string(ref));
      if (it == booked.end()) return std::optional<write::Member>{};
      return std::optional<write::Member>{it->second};
    };
    importer =
        std::make_unique<write::BankImporter>(*persons, *companies, *fund, std::move(lookup));
    log->reset();
  }

  std::int64_t total_events() {
    std::int64_t total = 0;
    for (auto topic : {log::Topic::kPersonEvents, log::Topic::kCompanyEvents}) {
      for (std::int32_t p = 0; p < log->partition_count(topic); ++p) {
        total += log->high_water_mark(topic, p).value();
      }
    }
    return total;
  }
};

std::string communication_of(std::uint32_t member) {
  return d::notice_communication(member, 1).value().digits();
}

// A day statement of the fund's account: opened the day before (REQUIRES: not
// the 1st of a month), paper statement `sequence`.
d::bank::CodaDraft draft_of(d::bank::Date on, int sequence,
                            std::vector<d::bank::CodaMovement> movements = {}) {
  d::bank::CodaDraft draft;
  draft.creation_date = on;
  draft.opening_date = bank_day(on.year, on.month, on.day - 1);
  draft.account_iban = "BE68539007547034";
  draft.paper_sequence = sequence;
  draft.movements = std::move(movements);
  return draft;
}

d::bank::CodaMovement credit(std::int64_t cents, std::string communication, std::string iban,
                             std::string name) {
  std::string free = communication.empty() ? "bijdrage" : "";
  return {cents,           bank_day(2025, 2, 10), std::move(communication),
          std::move(free), std::move(iban),       std::move(name)};
}

}  // namespace

TEST_CASE(
    "a file's payments are booked with one group commit per aggregate kind; the rest "
    "waits in suspense in file order; a second import writes nothing",
    "[write][bank]") {
  Fixture fx;
  d::bank::CodaDraft draft = draft_of(
      bank_day(2025, 2, 10), 12,
      {
          credit(10'000, communication_of(1), "BE62510007547061", "ANN"),    // 1 Ann, communication
          credit(20'000, communication_of(3), "BE43068999999501", "KASSA"),  // 2 company
          credit(12'345, "", "BE61310126985517", "NOBODY"),                  // 3 unmatched
          credit(30'000, "", kBobIban, "BOB"),                               // 4 Bob, account
          {-5'000, bank_day(2025, 2, 10), "", "bank costs", "", "BANK"},     // 5 debit
          credit(40'000, communication_of(4), "BE62510007547061", "GHOST"),  // 6 refused
      });
  const std::string file = d::bank::write_coda(draft).value();
  const std::int64_t before = fx.total_events();

  auto report = fx.importer->import(file, fx.meta);
  REQUIRE(report.ok());
  CHECK(report->format == "coda");
  CHECK(report->statements == 1);
  CHECK(report->credit_lines == 5);
  CHECK(report->debit_lines == 1);
  REQUIRE(report->lines.size() == 5);
  const auto& l = report->lines;
  CHECK(l[0].bank_ref == "BE68539007547034/2025/012-0001");
  CHECK(l[4].bank_ref == "BE68539007547034/2025/012-0006");

  CHECK(l[0].kind == s::AggregateKind::Person);
  CHECK(l[0].key == kAnn);
  CHECK(l[0].matched_by == "communication");
  CHECK(l[1].kind == s::AggregateKind::Company);
  CHECK(l[1].key == kCompany);
  CHECK(l[1].matched_by == "communication");
  CHECK(l[2].kind == s::AggregateKind::Fund);
  CHECK(l[2].key == write::kFundKey);
  CHECK(l[2].matched_by.empty());
  CHECK_FALSE(l[2].rejected.has_value());
  CHECK(l[3].kind == s::AggregateKind::Person);
  CHECK(l[3].key == kBob);
  CHECK(l[3].matched_by == "account");
  // The ghost's aggregate refuses the payment: the line waits in suspense.
  CHECK(l[4].kind == s::AggregateKind::Fund);
  CHECK(l[4].matched_by.empty());
  REQUIRE(l[4].rejected.has_value());
  CHECK(l[4].rejected->rule == "PersonNotRegistered");

  std::size_t events = 0;
  for (const auto& line : l) {
    CHECK(line.events >= 1);
    CHECK(line.last_offset >= 0);
    CHECK_FALSE(line.already_recorded);
    events += line.events;
  }
  CHECK(report->events_written == events);
  CHECK(fx.total_events() - before == static_cast<std::int64_t>(events));

  // One group commit for the persons; one for the company and one for the
  // suspense items, on the company topic where the fund lives.
  CHECK(fx.log->group_appends[log::Topic::kPersonEvents] == 1);
  CHECK(fx.log->group_appends[log::Topic::kCompanyEvents] == 2);
  CHECK(fx.log->appends.empty());

  // The fund holds the unmatched line, then the refused one: file order.
  auto held = fx.fund->cached(write::kFundKey);
  REQUIRE(held.has_value());
  REQUIRE(held->items.size() == 2);
  CHECK(held->items[0].bank_ref == l[2].bank_ref);
  CHECK(held->items[0].amount_cents == 12'345);
  CHECK(held->items[1].bank_ref == l[4].bank_ref);
  CHECK(held->items[1].amount_cents == 40'000);
  CHECK(fx.persons->cached(kAnn)->bank_refs.count(l[0].bank_ref) == 1);
  CHECK(fx.persons->cached(kBob)->bank_refs.count(l[3].bank_ref) == 1);
  CHECK_FALSE(fx.persons->cached(kGhost)->registered);

  SECTION("the same file again, the lines known as booked: reported, nothing written") {
    for (const auto& line : l) fx.booked[line.bank_ref] = write::Member{line.kind, line.key};
    fx.log->reset();
    const std::int64_t written = fx.total_events();
    auto again = fx.importer->import(file, fx.meta);
    REQUIRE(again.ok());
    CHECK(again->events_written == 0);
    REQUIRE(again->lines.size() == 5);
    for (std::size_t i = 0; i < 5; ++i) {
      CHECK(again->lines[i].already_recorded);
      CHECK(again->lines[i].kind == l[i].kind);
      CHECK(again->lines[i].key == l[i].key);
    }
    CHECK(fx.total_events() == written);
    CHECK(fx.log->appends.empty());
    CHECK(fx.log->group_appends.empty());
  }
  SECTION("the same file again, the lookup not caught up: the aggregates refuse the refs twice") {
    fx.log->reset();
    const std::int64_t written = fx.total_events();
    auto again = fx.importer->import(file, fx.meta);
    REQUIRE(again.ok());
    CHECK(again->events_written == 0);
    REQUIRE(again->lines.size() == 5);
    CHECK(again->lines[0].key == kAnn);
    CHECK(again->lines[2].kind == s::AggregateKind::Fund);
    CHECK(again->lines[4].kind == s::AggregateKind::Fund);
    CHECK(fx.total_events() == written);
    CHECK(fx.log->appends.empty());
    CHECK(fx.log->group_appends.empty());
    CHECK(fx.fund->cached(write::kFundKey)->items.size() == 2);
  }
}

TEST_CASE("a member paying twice in one file: both lines booked in file order", "[write][bank]") {
  Fixture fx;
  d::bank::CodaDraft draft = draft_of(bank_day(2025, 3, 3), 13,
                                      {
                                          credit(10'000, "", kBobIban, "BOB"),
                                          credit(11'000, communication_of(1), "", "ANN"),
                                          credit(12'000, communication_of(2), "", "BOB"),
                                      });
  auto report = fx.importer->import(d::bank::write_coda(draft).value(), fx.meta);
  REQUIRE(report.ok());
  REQUIRE(report->lines.size() == 3);
  CHECK(report->lines[0].key == kBob);
  CHECK(report->lines[1].key == kAnn);
  CHECK(report->lines[2].key == kBob);
  // Bob's second line is decided on the state after his first, in the same
  // group commit: his events in file order, one after the other.
  CHECK(report->lines[0].events >= 1);
  CHECK(report->lines[2].events >= 1);
  CHECK(report->lines[0].last_offset + static_cast<std::int64_t>(report->lines[2].events) ==
        report->lines[2].last_offset);
  CHECK(fx.log->group_appends[log::Topic::kPersonEvents] == 1);
  CHECK(fx.persons->cached(kBob)->bank_refs.size() == 2);
  auto bob = fx.persons->cached(kBob);
  REQUIRE(bob.has_value());
  REQUIRE(bob->payments.size() == 2);
  CHECK(bob->payments[0].amount.cents() == 10'000);
  CHECK(bob->payments[1].amount.cents() == 12'000);
}

TEST_CASE("a file of unmatched lines syncs the key store once, before its events are appended",
          "[write][bank]") {
  // Before: each suspense item's own key was a synced write of its own, so
  // a camt.053 of 200,000 unmatched lines cost 200,000 fsyncs (85 s; one
  // fdatasync per line under strace for a 5,001-line file).
  Fixture fx(Fixture::Keys::kOnDisk);
  auto& keys = static_cast<log::RocksDbKeyStore&>(fx.keys);
  d::bank::CodaDraft draft = draft_of(bank_day(2025, 2, 10), 13);
  for (int i = 0; i < 50; ++i) {
    draft.movements.push_back(
        credit(1'000 + i, "", "BE61310126985517", "NOBODY " + std::to_string(i)));
  }
  const std::string file = d::bank::write_coda(draft).value();
  const std::uint64_t syncs_before = keys.syncs();
  std::vector<std::uint64_t> syncs_at_append;  // the key store's syncs as each append starts
  fx.log->on_append = [&] { syncs_at_append.push_back(keys.syncs()); };
  auto report = fx.importer->import(file, fx.meta);
  REQUIRE(report.ok());
  REQUIRE(report->lines.size() == 50);
  CHECK(report->events_written == 50);
  CHECK(keys.syncs() == syncs_before + 1);  // one for the fifty new keys
  // ... made before the one append that carries the fifty events.
  CHECK(syncs_at_append == std::vector<std::uint64_t>{syncs_before + 1});
  fx.log->on_append = nullptr;
  // Every suspense item's key is there, and opens its payer's sealed data.
  const auto items = fx.fund->cached(write::kFundKey);
  REQUIRE(items.has_value());
  REQUIRE(items->items.size() == 50);
  for (const auto& item : items->items) {
    CHECK(keys.get(log::suspense_subject(item.event_id)).ok());
  }
  // A command without a new subject (a payment) syncs nothing more.
  REQUIRE(fx.persons
              ->execute(kAnn,
                        d::RecordPayment{d::Money::from_cents(100), day("2025-02-11"), std::nullopt,
                                         "B-ONE", s::PaymentChannel::Coda, std::nullopt, false},
                        day("2025-02-11"), fx.meta)
              .ok());
  CHECK(keys.syncs() == syncs_before + 1);
}

TEST_CASE(
    "a file is booked in rounds: each round's lines are appended before the next "
    "round is read, with the same report",
    "[write][bank]") {
  // Before: every line of the file was parsed, held and matched before the
  // first was booked (a 55 MB camt.053 of 100,000 lines peaked at 668 MB).
  Fixture fx;
  fx.importer->set_round_lines(2);
  std::vector<std::string> trace;  // lookups of a line's earlier booking, and appends, in order
  fx.on_bank_line = [&trace](std::string_view ref) {
    trace.push_back("lookup " + std::string(ref.substr(ref.rfind('-') + 1)));
  };
  write::BankImporter& importer = *fx.importer;
  fx.log->on_append = [&trace] { trace.push_back("append"); };

  d::bank::CodaDraft draft =
      draft_of(bank_day(2025, 2, 10), 14,
               {
                   credit(10'000, communication_of(1), "", "ANN"),    // 1 Ann
                   credit(20'000, communication_of(3), "", "KASSA"),  // 2 company
                   {-5'000, bank_day(2025, 2, 10), "", "bank costs", "",
                    "BANK"},                                          // 3 debit: not a credit line
                   credit(12'345, "", "BE61310126985517", "NOBODY"),  // 4 unmatched
                   credit(30'000, "", kBobIban, "BOB"),               // 5 Bob
                   credit(11'000, communication_of(1), "", "ANN"),    // 6 Ann again
               });
  const std::string file = d::bank::write_coda(draft).value();

  SECTION("booked round by round") {
    auto report = importer.import(file, fx.meta);
    REQUIRE(report.ok());
    CHECK(report->credit_lines == 5);
    CHECK(report->debit_lines == 1);
    REQUIRE(report->lines.size() == 5);
    const auto& l = report->lines;
    CHECK(l[0].key == kAnn);
    CHECK(l[1].key == kCompany);
    CHECK(l[2].kind == s::AggregateKind::Fund);
    CHECK(l[2].suspense_reason == "UnknownAccount");
    CHECK(l[3].key == kBob);
    CHECK(l[3].matched_by == "account");
    CHECK(l[4].key == kAnn);
    for (const auto& line : l) CHECK(line.events >= 1);
    // Round 1 (lines 1, 2): Ann's payment, the company's; round 2 (4, 5):
    // the suspense item and Bob's; round 3 (6): Ann's second.
    const std::vector<std::string> expected = {"lookup 0001", "lookup 0002", "append", "append",
                                               "lookup 0004", "lookup 0005", "append", "append",
                                               "lookup 0006", "append"};
    CHECK(trace == expected);
    auto ann = fx.persons->cached(kAnn);
    REQUIRE(ann.has_value());
    REQUIRE(ann->payments.size() == 2);
    CHECK(ann->payments[0].amount.cents() == 10'000);
    CHECK(ann->payments[1].amount.cents() == 11'000);
  }
  SECTION("a bad trailer refuses the file before any round is booked") {
    std::string bad = file;
    const auto trailer = bad.rfind("\r\n9") + 2;
    REQUIRE(bad[trailer] == '9');
    char& cent = bad[trailer + 35];  // the debit total (columns 23-37, in mills): one cent more
    cent = cent == '9' ? '8' : static_cast<char>(cent + 1);
    const std::int64_t before = fx.total_events();
    auto report = importer.import(bad, fx.meta);
    REQUIRE_FALSE(report.ok());
    CHECK(report.error().rule == "CodaTrailerTotals");
    CHECK(fx.total_events() == before);
    CHECK(trace.empty());  // nothing looked up, nothing appended
  }
}
