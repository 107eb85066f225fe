// The write pipeline on the embedded journal with a small test aggregate:
// durable append before the state moves, sequence and hash chain, sealing of
// personal data, idempotent commands, named rejections that write nothing,
// group-committed runs, and recovery after a failed append.

#include <catch2/catch.hpp>

#include <set>

#include "log/forwarding_log.h"
#include "log/journal/journal_log.h"
#include "log/log_test_support.h"
#include "log/personal_data.h"
#include "write/aggregate_writer.h"

using namespace kassa;
namespace s = kassa::schemas;

namespace {

// A toy person: registered once, then reminded of distinct amounts.
struct ToyState {
  bool registered = false;
  std::set<std::int64_t> reminded;
};

struct Register {
  static constexpr std::string_view kName = "Register";
  std::string niss;
};
struct Remind {
  static constexpr std::string_view kName = "Remind";
  std::int64_t cents = 0;
};
// Decides an event the toy's evolve refuses: a decide/evolve mismatch, as
// the quarter code that wrapped was (a domain bug the writer must catch).
struct Mismatch {
  static constexpr std::string_view kName = "Mismatch";
};
using ToyCommand = std::variant<Register, Remind, Mismatch>;

struct ToyAggregate {
  using State = ToyState;
  using Command = ToyCommand;
  static constexpr s::AggregateKind kKind = s::AggregateKind::Person;
  static constexpr log::Topic kTopic = log::Topic::kPersonEvents;

  static Result<std::vector<domain::NewEvent>> decide(const State& state, const Command& command,
                                                      const domain::DecisionContext& ctx) {
    std::vector<domain::NewEvent> out;
    if (const auto* reg = std::get_if<Register>(&command)) {
      if (state.registered) return Error::conflict("PersonAlreadyRegistered", "already registered");
      s::PersonRegisteredT body;
      body.start_days = ctx.business_date.to_days();
      domain::NewEvent e{ctx.business_date, std::nullopt, {}, s::PersonalDataT{}};
      e.body.Set(std::move(body));
      e.personal->niss = reg->niss;
      out.push_back(std::move(e));
      return out;
    }
    if (std::holds_alternative<Mismatch>(command)) {
      s::PersonDiedT body;
      domain::NewEvent e{ctx.business_date, std::nullopt, {}, std::nullopt};
      e.body.Set(std::move(body));
      out.push_back(std::move(e));
      return out;
    }
    const auto& remind = std::get<Remind>(command);
    if (!state.registered) return Error::violation("PersonNotRegistered", "register first");
    if (remind.cents <= 0) return Error::invalid("cents", "AmountPositive", "must be > 0");
    if (state.reminded.count(remind.cents) != 0) return out;  // idempotent
    s::ReminderSentT body;
    body.amount_due_cents = remind.cents;
    domain::NewEvent e{ctx.business_date, std::nullopt, {}, std::nullopt};
    e.body.Set(std::move(body));
    out.push_back(std::move(e));
    return out;
  }

  static Status evolve(State& state, const s::Envelope& env) {
    switch (env.body_type()) {
      case s::EventBody::PersonRegistered: state.registered = true; return {};
      case s::EventBody::ReminderSent:
        state.reminded.insert(env.body_as_ReminderSent()->amount_due_cents());
        return {};
      default: return Error::corrupt("NotAToyEvent", "unexpected event");
    }
  }
};

using Writer = write::AggregateWriter<ToyAggregate>;

// Folds an aggregate's events from its partition: the simplest Loader that
// honours the contract (everything durable in the log).
Writer::Loader fold_from_log(log::EventLog& log, int* calls) {
  return [&log, calls](const std::string& key) -> Result<std::optional<Writer::Loaded>> {
    ++*calls;
    const auto partition = log.partition_for(log::Topic::kPersonEvents, key);
    auto hwm = log.high_water_mark(log::Topic::kPersonEvents, partition);
    if (!hwm) return hwm.error();
    Writer::Loaded loaded;
    bool any = false;
    for (int64_t from = 0; from < *hwm;) {
      auto records =
          log.read(log::Topic::kPersonEvents, partition, from, 1000, std::chrono::milliseconds(0));
      if (!records) return records.error();
      for (const auto& r : *records) {
        from = r.offset + 1;
        if (r.key != key) continue;
        auto event = log::decode_event(
            {reinterpret_cast<const std::uint8_t*>(r.value.data()), r.value.size()});
        if (!event) return event.error();
        KASSA_TRY(ToyAggregate::evolve(loaded.state, event->envelope()));
        loaded.tip = {event->sequence(), event->hash()};
        any = true;
      }
    }
    if (!any) return std::optional<Writer::Loaded>{};
    return std::optional<Writer::Loaded>{std::move(loaded)};
  };
}

// Delegates to a real log and fails appends on demand.
class FlakyLog final : public log::ForwardingLog {
 public:
  explicit FlakyLog(log::EventLog& inner) : ForwardingLog(inner) {}
  bool fail_next = false;

  Result<std::vector<int64_t>> append(log::Topic t, std::string_view key,
                                      std::span<const log::Record> records) override {
    if (std::exchange(fail_next, false)) {
      (void)inner().append(t, key, records);  // landed, but the ack was lost
      return Error::unavailable("KafkaDeliveryFailed", "simulated lost acknowledgement");
    }
    return inner().append(t, key, records);
  }
  // A group commit that lands but whose acknowledgement is lost.
  bool fail_next_group = false;
  Result<std::vector<std::vector<int64_t>>> append_many(
      log::Topic t, std::span<const log::KeyedBatch> batches) override {
    if (std::exchange(fail_next_group, false)) {
      (void)inner().append_many(t, batches);
      return Error::unavailable("KafkaDeliveryFailed", "simulated lost acknowledgement");
    }
    return inner().append_many(t, batches);
  }
};

struct Fixture {
  log::testing::TempDir dir;
  log::LogConfig config;
  std::unique_ptr<log::EventLog> journal;
  std::unique_ptr<FlakyLog> log;
  log::SeededRandom random{42};
  log::InMemoryKeyStore keys{random};
  std::int64_t now_us = 1'736'000'000'000'000;
  write::EventFactory factory{keys, random, [this] { return now_us; }};
  domain::Rulebook rulebook = domain::Rulebook::belgian_default();
  domain::FundConfig fund;
  int loads = 0;
  std::unique_ptr<Writer> writer;
  write::CommandMeta meta{"s-0042", {}, {}, {}};
  domain::Date date = domain::Date::parse("2025-01-06").value();

  Fixture() {
    config.journal_path = dir.path() + "/journal";
    config.person_partitions = 4;
    journal = log::journal::JournalLog::open(config).value();
    log = std::make_unique<FlakyLog>(*journal);
    writer = std::make_unique<Writer>(*log, factory, fold_from_log(*log, &loads), rulebook, fund);
  }

  std::vector<log::StoredRecord> records_of(const std::string& key) {
    const auto p = log->partition_for(log::Topic::kPersonEvents, key);
    std::vector<log::StoredRecord> out;
    for (auto& r :
         log->read(log::Topic::kPersonEvents, p, 0, 10'000, std::chrono::milliseconds(0)).value()) {
      if (r.key == key) out.push_back(std::move(r));
    }
    return out;
  }
};

const std::string kAlice = "P" + std::string(32, 'a');

// The writer's count of `command` with `result` (0 when never counted).
std::uint64_t counted(const Writer& writer, std::string_view command, write::CommandResult result) {
  for (const auto& c : writer.command_counts()) {
    if (c.command == command && c.result == result) return c.count;
  }
  return 0;
}

}  // namespace

TEST_CASE("a command's events are appended chained and sealed before the state moves", "[write]") {
  Fixture fx;
  auto registered = fx.writer->execute(kAlice, Register{"93051822361"}, fx.date, fx.meta);
  REQUIRE(registered.ok());
  REQUIRE(registered->events.size() == 1);
  CHECK(registered->events[0].type == "PersonRegistered");
  CHECK(registered->events[0].sequence == 1);
  CHECK(registered->events[0].offset == 0);

  auto reminded = fx.writer->execute(kAlice, Remind{87171}, fx.date, fx.meta);
  REQUIRE(reminded.ok());
  REQUIRE(reminded->events.size() == 1);
  CHECK(reminded->events[0].sequence == 2);
  CHECK(reminded->events[0].offset == 1);
  CHECK(fx.writer->cached(kAlice)->reminded.count(87171) == 1);

  auto records = fx.records_of(kAlice);
  REQUIRE(records.size() == 2);
  log::ChainVerifier chains;
  std::vector<log::DecodedEvent> events;
  for (const auto& r : records) {
    auto e =
        log::decode_event({reinterpret_cast<const std::uint8_t*>(r.value.data()), r.value.size()});
    REQUIRE(e.ok());
    REQUIRE(chains.feed(*e).ok());  // sequence 1, 2 and prev_hash linked
    events.push_back(std::move(e).value());
  }
  CHECK(events[0].envelope().actor()->str() == "s-0042");
  CHECK(events[1].envelope().causation_id() != nullptr);

  // The national number is only in the sealed block, and opens with the key.
  const auto& frame = records[0].value;
  CHECK(frame.find("93051822361") == std::string::npos);
  const s::Sealed* sealed = events[0].body_as<s::PersonRegistered>()->personal();
  REQUIRE(sealed != nullptr);
  auto opened = log::open(fx.keys, kAlice, events[0].event_id(), *sealed);
  REQUIRE(opened.ok());
  CHECK(opened->niss == "93051822361");
}

TEST_CASE("a repeated command writes nothing and a rejection writes nothing", "[write]") {
  Fixture fx;
  REQUIRE(fx.writer->execute(kAlice, Register{"93051822361"}, fx.date, fx.meta).ok());
  REQUIRE(fx.writer->execute(kAlice, Remind{100}, fx.date, fx.meta).ok());
  auto again = fx.writer->execute(kAlice, Remind{100}, fx.date, fx.meta);
  REQUIRE(again.ok());
  CHECK(again->events.empty());

  auto twice = fx.writer->execute(kAlice, Register{"93051822361"}, fx.date, fx.meta);
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().rule == "PersonAlreadyRegistered");
  auto bad = fx.writer->execute(kAlice, Remind{-5}, fx.date, fx.meta);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().field == "cents");
  CHECK(fx.records_of(kAlice).size() == 2);
}

TEST_CASE("an event its own aggregate cannot evolve is refused before it is written", "[write]") {
  // Before: execute() appended first and evolved after, so a decided event
  // that evolve refuses was in the log when the caller heard 500 (POST
  // dispenses with "8206-Q3" did exactly that).
  Fixture fx;
  REQUIRE(fx.writer->execute(kAlice, Register{"93051822361"}, fx.date, fx.meta).ok());
  auto broken = fx.writer->execute(kAlice, Mismatch{}, fx.date, fx.meta);
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().rule == "NotAToyEvent");
  CHECK(fx.records_of(kAlice).size() == 1);
  // The aggregate goes on from what is durable: sequence 2 is still free.
  auto reminded = fx.writer->execute(kAlice, Remind{100}, fx.date, fx.meta);
  REQUIRE(reminded.ok());
  REQUIRE(reminded->events.size() == 1);
  CHECK(reminded->events[0].sequence == 2);
  CHECK(fx.records_of(kAlice).size() == 2);
}

TEST_CASE("a run decides for many aggregates and group-commits; a second run writes nothing",
          "[write]") {
  Fixture fx;
  std::vector<std::string> keys;
  for (int i = 0; i < 250; ++i) {
    char hex[33];
    std::snprintf(hex, sizeof hex, "%032x", i + 1);
    keys.push_back(std::string("P") + hex);
    REQUIRE(fx.writer->execute(keys.back(), Register{"93051822361"}, fx.date, fx.meta).ok());
  }
  auto first = fx.writer->run(keys, Remind{2050}, fx.date, fx.meta, /*chunk=*/100);
  REQUIRE(first.ok());
  CHECK(first->aggregates == 250);
  CHECK(first->aggregates_changed == 250);
  CHECK(first->events_written == 250);
  CHECK(first->rejected == 0);
  std::int64_t total = 0;
  for (int32_t p = 0; p < 4; ++p)
    total += fx.log->high_water_mark(log::Topic::kPersonEvents, p).value();
  CHECK(total == 500);

  auto second = fx.writer->run(keys, Remind{2050}, fx.date, fx.meta, 100);
  REQUIRE(second.ok());
  CHECK(second->events_written == 0);

  auto rejected = fx.writer->run({"P" + std::string(32, 'f')}, Remind{1}, fx.date, fx.meta);
  REQUIRE(rejected.ok());
  CHECK(rejected->rejected == 1);
  CHECK(rejected->rejections.at(0).rule == "PersonNotRegistered");
}

TEST_CASE("after a failed append the aggregate is reloaded from the log, never re-sequenced",
          "[write]") {
  Fixture fx;
  REQUIRE(fx.writer->execute(kAlice, Register{"93051822361"}, fx.date, fx.meta).ok());
  const int loads_before = fx.loads;
  fx.log->fail_next = true;  // the event lands, the caller hears "failed"
  auto failed = fx.writer->execute(kAlice, Remind{300}, fx.date, fx.meta);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code == Errc::kUnavailable);
  CHECK_FALSE(fx.writer->cached(kAlice).has_value());

  // The retry reloads (seeing the landed event) and decides "nothing to do".
  auto retry = fx.writer->execute(kAlice, Remind{300}, fx.date, fx.meta);
  REQUIRE(retry.ok());
  CHECK(retry->events.empty());
  CHECK(fx.loads == loads_before + 1);
  auto next = fx.writer->execute(kAlice, Remind{400}, fx.date, fx.meta);
  REQUIRE(next.ok());
  CHECK(next->events.at(0).sequence == 3);  // after the landed one, no repeat
}

TEST_CASE(
    "run_each decides one command per item; an aggregate named twice is chained, not "
    "re-sequenced",
    "[write]") {
  Fixture fx;
  const std::string bob = "P" + std::string(32, 'b');
  std::vector<Writer::Item> items{{kAlice, Register{"93051822361"}, fx.date},
                                  {bob, Register{"00012556777"}, fx.date},
                                  {kAlice, Remind{100}, fx.date},
                                  {kAlice, Remind{200}, fx.date},
                                  {bob, Remind{-1}, fx.date}};
  auto outcome = fx.writer->run_each(items, fx.meta, /*chunk=*/10);
  REQUIRE(outcome.ok());
  CHECK(outcome->events_written == 4);
  CHECK(outcome->rejected == 1);
  CHECK(outcome->rejections.at(0).rule == "AmountPositive");
  log::ChainVerifier chains;
  auto records = fx.records_of(kAlice);
  REQUIRE(records.size() == 3);
  for (const auto& r : records) {
    auto e =
        log::decode_event({reinterpret_cast<const std::uint8_t*>(r.value.data()), r.value.size()});
    REQUIRE(e.ok());
    REQUIRE(chains.feed(*e).ok());  // sequences 1, 2, 3 linked
  }
  bool seen = fx.writer->visit_cached(
      kAlice, [](const ToyState& s) { CHECK(s.reminded == std::set<std::int64_t>{100, 200}); });
  CHECK(seen);
}

TEST_CASE(
    "after a failed group commit the run's aggregates are reloaded from the log, never "
    "re-sequenced",
    "[write]") {
  Fixture fx;
  const std::string bob = "P" + std::string(32, 'b');
  std::vector<Writer::Item> registrations{{kAlice, Register{"93051822361"}, fx.date},
                                          {bob, Register{"00012556777"}, fx.date}};
  REQUIRE(fx.writer->run_each(registrations, fx.meta, 10).ok());
  const int loads_before = fx.loads;
  fx.log->fail_next_group = true;  // the events land, the run hears "failed"
  std::vector<Writer::Item> reminders{
      {kAlice, Remind{100}, fx.date}, {bob, Remind{100}, fx.date}, {kAlice, Remind{200}, fx.date}};
  auto failed = fx.writer->run_each(reminders, fx.meta, 10);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code == Errc::kUnavailable);
  CHECK_FALSE(fx.writer->cached(kAlice).has_value());
  CHECK_FALSE(fx.writer->cached(bob).has_value());

  // The retry reloads both (seeing the landed events) and writes nothing.
  auto retry = fx.writer->run_each(reminders, fx.meta, 10);
  REQUIRE(retry.ok());
  CHECK(retry->events_written == 0);
  CHECK(fx.loads == loads_before + 2);
  auto next = fx.writer->execute(kAlice, Remind{300}, fx.date, fx.meta);
  REQUIRE(next.ok());
  CHECK(next->events.at(0).sequence == 4);  // 1 registered, 2-3 landed, then 4
  CHECK(fx.records_of(kAlice).size() == 4);
  CHECK(fx.records_of(bob).size() == 2);
}

TEST_CASE("a bounded cache drops states and reloads them as of everything durable", "[write]") {
  Fixture fx;
  fx.writer->set_cache_limit(2);
  std::vector<std::string> keys;
  for (char c : std::string("bcdef")) keys.push_back("P" + std::string(32, c));
  for (const auto& key : keys) {
    REQUIRE(fx.writer->execute(key, Register{"93051822361"}, fx.date, fx.meta).ok());
  }
  std::size_t cached = 0;
  for (const auto& key : keys) cached += fx.writer->cached(key).has_value() ? 1u : 0u;
  CHECK(cached <= 2);
  CHECK(fx.writer->cached(keys.back()).has_value());  // the one just stored stays
  // A dropped aggregate is loaded again from the log: chained, not re-sequenced.
  std::string dropped;
  for (const auto& key : keys) {
    if (!fx.writer->cached(key).has_value()) dropped = key;
  }
  REQUIRE_FALSE(dropped.empty());
  const int loads_before = fx.loads;
  auto reminded = fx.writer->execute(dropped, Remind{100}, fx.date, fx.meta);
  REQUIRE(reminded.ok());
  CHECK(fx.loads == loads_before + 1);
  CHECK(reminded->events[0].sequence == 2);
  auto again = fx.writer->execute(dropped, Register{"93051822361"}, fx.date, fx.meta);
  CHECK(again.error().rule == "PersonAlreadyRegistered");
}

TEST_CASE("run_each reports each item's outcome; an aggregate's items share one group commit",
          "[write]") {
  Fixture fx;
  const std::string bob = "P" + std::string(32, 'b');
  std::vector<Writer::Item> items{{kAlice, Register{"93051822361"}, fx.date},
                                  {bob, Remind{5}, fx.date},  // not registered: refused
                                  {kAlice, Remind{100}, fx.date},
                                  {kAlice, Remind{100}, fx.date},  // nothing to do
                                  {kAlice, Remind{200}, fx.date}};
  auto outcome = fx.writer->run_each(items, fx.meta, /*chunk=*/10, write::ItemResults::kKeep);
  REQUIRE(outcome.ok());
  REQUIRE(outcome->items.size() == 5);
  const auto& r = outcome->items;
  CHECK(r[0].events == 1);
  CHECK(r[0].last_offset == 0);
  CHECK(r[1].events == 0);
  CHECK(r[1].last_offset == -1);
  REQUIRE(r[1].rejected.has_value());
  CHECK(r[1].rejected->rule == "PersonNotRegistered");
  CHECK(r[2].events == 1);
  CHECK(r[2].last_offset == 1);
  CHECK(r[3].events == 0);
  CHECK_FALSE(r[3].rejected.has_value());
  CHECK(r[4].events == 1);
  CHECK(r[4].last_offset == 2);
  CHECK(outcome->events_written == 3);
  CHECK(outcome->aggregates_changed == 1);
  CHECK(fx.records_of(kAlice).size() == 3);
  // Without kKeep, no per-item outcome is kept.
  auto again = fx.writer->run_each(items, fx.meta, 10);
  REQUIRE(again.ok());
  CHECK(again->items.empty());
  CHECK(again->events_written == 0);
}

TEST_CASE("every command is counted by name and result: written, unchanged, rejected, failed",
          "[write][metrics]") {
  // Before: /metrics counted events by type but no command, so a run of
  // rejections or a failing append showed nowhere.
  Fixture fx;
  using R = write::CommandResult;
  CHECK(fx.writer->command_counts().empty());
  REQUIRE(fx.writer->execute(kAlice, Register{"93051822361"}, fx.date, fx.meta).ok());
  REQUIRE(fx.writer->execute(kAlice, Remind{100}, fx.date, fx.meta).ok());
  REQUIRE(fx.writer->execute(kAlice, Remind{100}, fx.date, fx.meta).ok());       // nothing to do
  REQUIRE_FALSE(fx.writer->execute(kAlice, Remind{-5}, fx.date, fx.meta).ok());  // AmountPositive
  REQUIRE_FALSE(fx.writer->execute(kAlice, Mismatch{}, fx.date, fx.meta).ok());  // not folded
  fx.log->fail_next = true;
  REQUIRE_FALSE(fx.writer->execute(kAlice, Remind{200}, fx.date, fx.meta).ok());  // not durable
  CHECK(counted(*fx.writer, "Register", R::kWritten) == 1);
  CHECK(counted(*fx.writer, "Remind", R::kWritten) == 1);
  CHECK(counted(*fx.writer, "Remind", R::kUnchanged) == 1);
  CHECK(counted(*fx.writer, "Remind", R::kRejected) == 1);
  CHECK(counted(*fx.writer, "Remind", R::kFailed) == 1);
  CHECK(counted(*fx.writer, "Mismatch", R::kFailed) == 1);

  // A run counts each item: two written, one unchanged (200 landed), one
  // rejected; then a group commit that fails counts its items as failed.
  const std::string bob = "P" + std::string(32, 'b');
  std::vector<Writer::Item> items{{bob, Register{"00012556777"}, fx.date},
                                  {bob, Remind{100}, fx.date},
                                  {kAlice, Remind{200}, fx.date},
                                  {kAlice, Remind{0}, fx.date}};
  REQUIRE(fx.writer->run_each(items, fx.meta, 10).ok());
  CHECK(counted(*fx.writer, "Register", R::kWritten) == 2);
  CHECK(counted(*fx.writer, "Remind", R::kWritten) == 2);
  CHECK(counted(*fx.writer, "Remind", R::kUnchanged) == 2);
  CHECK(counted(*fx.writer, "Remind", R::kRejected) == 2);
  fx.log->fail_next_group = true;
  std::vector<Writer::Item> more{{bob, Remind{300}, fx.date}, {kAlice, Remind{300}, fx.date}};
  REQUIRE_FALSE(fx.writer->run_each(more, fx.meta, 10).ok());
  CHECK(counted(*fx.writer, "Remind", R::kFailed) == 3);
  CHECK(counted(*fx.writer, "Remind", R::kWritten) == 2);
}
