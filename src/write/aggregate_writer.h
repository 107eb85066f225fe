#pragma once
// AggregateWriter<A> — the write side of one aggregate kind: load the state,
// decide, encode, evolve a copy of the state (an event that does not fold
// is never written), append durably, and only then replace the cached state.
//
//   execute(key, command)   one command for one aggregate (HTTP commands)
//   run(keys, command)      the same command for many aggregates (batch runs:
//                           assessment, surcharges, reminders), appended in
//                           group commits of `chunk` aggregates
//   run_each(items)         one command of its own per item (a bank file's
//                           payments, the demo generator), group-committed
//                           likewise; optionally each item's outcome
//
// A is a traits type:
//   using State; using Command;
//   static constexpr schemas::AggregateKind kKind; static constexpr log::Topic kTopic;
//   static Result<std::vector<domain::NewEvent>> decide(const State&, const Command&,
//                                                       const domain::DecisionContext&);
//   static Status evolve(State&, const schemas::Envelope&);
//
// Consistency: one writer per aggregate at a time — commands hold a shared
// lock plus the aggregate's stripe; a run holds the exclusive lock. States
// are cached after their events are durable; a cache miss asks the Loader,
// whose contract is to answer with the state as of everything durable in the
// log (the projector's store once it has caught up). When an append fails,
// some of its records may still have landed: the affected aggregates are
// evicted, so the next command reloads them from the log rather than reusing
// a sequence number.
//
// Every command is counted by its name (the command struct's kName) and
// what it came to (command_counts(), GET /metrics): written (its events are
// durable), unchanged (decided nothing: a retry or nothing to do), rejected
// (the decision's named rule) or failed (the state could not be loaded, an
// event not encoded or folded, the append not made durable). A run counts
// each item it reached; a run that stops leaves the items after it
// uncounted.
//
// Thread-safety: all public functions may be called from any thread.

#include <array>
#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "domain/aggregate.h"
#include "log/event_log.h"
#include "write/event_factory.h"

namespace kassa::write {

struct AppendedEvent {
  log::Uuid event_id;
  std::string type;
  std::uint64_t sequence = 0;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
};

struct Outcome {
  std::string aggregate_key;
  std::vector<AppendedEvent> events;  // empty: nothing to do (idempotent)
};

// What one item of a run_each came to (RunOutcome::items).
struct ItemOutcome {
  std::size_t events = 0;         // 0: refused, or nothing to do (idempotent)
  std::int64_t last_offset = -1;  // of its last event, when it wrote any
  std::optional<Error> rejected;  // the decision's named rejection
};

struct RunOutcome {
  std::size_t aggregates = 0;  // aggregates considered
  std::size_t aggregates_changed = 0;
  std::size_t events_written = 0;
  std::vector<Error> rejections;  // per-aggregate named rejections (first 100)
  std::size_t rejected = 0;
  // Aggregates with quarters assessed after their due date, and those
  // quarters (persons registered after a run, starts in the past).
  std::size_t aggregates_assessed_late = 0;
  std::size_t quarters_assessed_late = 0;
  // The highest offset written per partition: what a reader waits for.
  std::unordered_map<std::int32_t, std::int64_t> last_offsets;
  // run_each with ItemResults::kKeep: one per item, in the items' order.
  std::vector<ItemOutcome> items;
};

// How far a run has come, for another thread to read while it runs (the
// run board behind GET /v1/runs): `total` is set when it starts, the rest
// as each chunk ends (so `done` moves in steps of a chunk).
struct RunProgress {
  std::atomic<std::size_t> total{0};
  std::atomic<std::size_t> done{0};
  std::atomic<std::size_t> changed{0};
  std::atomic<std::size_t> events_written{0};
  std::atomic<std::size_t> rejected{0};
};

// What a command came to, as command_counts() tells it.
enum class CommandResult : std::uint8_t { kWritten, kUnchanged, kRejected, kFailed };
inline constexpr std::array<std::string_view, 4> kCommandResultNames = {"written", "unchanged",
                                                                        "rejected", "failed"};
struct CommandCount {
  std::string_view command;  // the command struct's kName, e.g. "RecordPayment"
  CommandResult result;
  std::uint64_t count = 0;
};

// Whether a run_each reports each item's outcome (RunOutcome::items): the
// bank import does; runs over every member need only the totals.
enum class ItemResults { kSkip, kKeep };

template <typename A>
class AggregateWriter {
 public:
  using State = typename A::State;
  using Command = typename A::Command;
  struct Loaded {
    State state;
    log::ChainTip tip;
  };
  // The state of an aggregate as of everything durable, or nullopt when the
  // aggregate has no event yet.
  using Loader = std::function<Result<std::optional<Loaded>>(const std::string& key)>;

  AggregateWriter(log::EventLog& log, EventFactory& factory, Loader loader,
                  const domain::Rulebook& rulebook, const domain::FundConfig& fund)
      : log_(log),
        factory_(factory),
        loader_(std::move(loader)),
        rulebook_(rulebook),
        fund_(fund) {}

  // Called with each state the cache limit drops, before it is dropped,
  // under the cache's lock (it must not call back into the writer). Never
  // called by evict(): a state evicted after a failed append is unknown,
  // and a Loader answering from spilled states must not be asked again.
  using Spill = std::function<void(const std::string& key, const Loaded& dropped)>;

  // At most `entries` states stay cached (0: no limit). Only for a Loader
  // that can answer for any aggregate: kassad's reads the projections; the
  // demo generator, the sole writer of an empty log, answers from the
  // states `spill` kept (without a spill, it needs every state cached).
  void set_cache_limit(std::size_t entries, Spill spill = {}) {
    std::lock_guard lock(cache_mutex_);
    cache_limit_ = entries;
    spill_ = std::move(spill);
  }

  Result<Outcome> execute(const std::string& key, const Command& command, domain::Date date,
                          const CommandMeta& meta) {
    CountOnExit counted{*this, command.index()};
    std::shared_lock global(global_);
    std::lock_guard stripe(stripes_[std::hash<std::string>{}(key) % stripes_.size()]);
    KASSA_ASSIGN_OR_RETURN(auto current, load(key));
    Loaded working = std::move(current);
    domain::DecisionContext context{rulebook_, fund_, date};
    auto decided = A::decide(working.state, command, context);
    if (!decided) {
      counted.result = CommandResult::kRejected;
      return decided.error();
    }
    Outcome outcome;
    outcome.aggregate_key = key;
    if (decided->empty()) {
      counted.result = CommandResult::kUnchanged;
      return outcome;
    }
    log::ChainTip tip = working.tip;
    KASSA_ASSIGN_OR_RETURN(auto encoded, factory_.build(A::kKind, key, tip, *decided, meta, date));
    // Evolved before the append, on a copy: an event its own aggregate
    // cannot fold (a decide/evolve mismatch, a value that does not survive
    // its encoding) is refused here and never reaches the log.
    State next = working.state;
    KASSA_ASSIGN_OR_RETURN(auto ids, apply(next, encoded));
    if (meta.before_append) {
      const PreparedAppend prepared{A::kKind, key, working.tip.sequence + 1, tip.sequence,
                                    tip.hash};
      if (auto noted = meta.before_append(prepared); !noted) return noted.error();
    }
    std::vector<log::Record> records = to_records(encoded);
    KASSA_TRY(factory_.make_keys_durable());
    auto offsets = log_.append(A::kTopic, key, records);
    if (!offsets) {
      evict(key);
      return offsets.error();
    }
    working.state = std::move(next);
    const std::uint64_t first_sequence = working.tip.sequence + 1;
    working.tip = tip;
    const std::int32_t partition = log_.partition_for(A::kTopic, key);
    for (std::size_t i = 0; i < encoded.size(); ++i) {
      outcome.events.push_back(AppendedEvent{(ids)[i], std::string((encoded)[i].type_name()),
                                             first_sequence + i, partition, (*offsets)[i]});
    }
    store(key, std::move(working));
    counted.result = CommandResult::kWritten;
    return outcome;
  }

  // REQUIRES: keys unique. Decides `command` for every key; aggregates whose
  // decision is a rejection are counted and skipped, the others are appended
  // in group commits of `chunk` aggregates. `progress`, when given, is
  // kept up to date as chunks end.
  Result<RunOutcome> run(const std::vector<std::string>& keys, const Command& command,
                         domain::Date date, const CommandMeta& meta, std::size_t chunk = 2000,
                         RunProgress* progress = nullptr) {
    return run_impl(
        keys.size(), [&](std::size_t i) -> const std::string& { return keys[i]; },
        [&](std::size_t) -> const Command& { return command; }, [&](std::size_t) { return date; },
        meta, chunk, ItemResults::kSkip, progress);
  }

  // One command of its own, with its own business date, per item: what a
  // bank statement import or the demo generator records in one go. Items of
  // one aggregate are decided in their order, each on the state after the
  // previous one's events (evolved on the run's private working copy); a
  // chunk appends each aggregate's events as one batch.
  struct Item {
    std::string key;
    Command command;
    domain::Date date;
  };
  // With ItemResults::kKeep, RunOutcome::items tells each item's events,
  // last offset and rejection (every one, not only the first 100). When
  // the log fails midway, the chunks appended before stay appended.
  Result<RunOutcome> run_each(const std::vector<Item>& items, const CommandMeta& meta,
                              std::size_t chunk = 2000, ItemResults results = ItemResults::kSkip) {
    return run_impl(
        items.size(), [&](std::size_t i) -> const std::string& { return items[i].key; },
        [&](std::size_t i) -> const Command& { return items[i].command; },
        [&](std::size_t i) { return items[i].date; }, meta, chunk, results, nullptr);
  }

 private:
  template <typename KeyAt, typename CommandAt, typename DateAt>
  Result<RunOutcome> run_impl(std::size_t count, KeyAt key_at, CommandAt command_at, DateAt date_at,
                              const CommandMeta& meta, std::size_t chunk, ItemResults results,
                              RunProgress* progress) {
    KASSA_ASSERT(chunk > 0, "a run needs chunks of at least one item");
    if (progress != nullptr) progress->total = count;
    std::unique_lock global(global_);
    RunOutcome outcome;
    const auto report = [&] {
      if (progress == nullptr) return;
      progress->changed = outcome.aggregates_changed;
      progress->events_written = outcome.events_written;
      progress->rejected = outcome.rejected;
      progress->done = outcome.aggregates;  // last: a reader seeing it sees the rest
    };
    if (results == ItemResults::kKeep) outcome.items.resize(count);
    // Each item's command counted as it ends; those decided but not yet
    // appended count as failed if the run stops before their append.
    RunCounts counted{*this, {}, {}};
    // An aggregate's commands within a chunk: each decided on its working
    // state as evolved by the ones before, all its records in one batch.
    struct Segment {
      std::size_t item;
      std::size_t events;
    };
    struct Pending {
      const std::string* key;
      Loaded working;
      std::vector<log::Record> records;
      std::vector<Segment> segments;
    };
    std::unordered_map<std::string_view, std::size_t> in_chunk;  // key -> index in pending
    std::vector<Pending> pending;
    for (std::size_t begin = 0; begin < count; begin += chunk) {
      const std::size_t end = std::min(count, begin + chunk);
      in_chunk.clear();
      pending.clear();
      for (std::size_t i = begin; i < end; ++i) {
        ++outcome.aggregates;
        const std::string& key = key_at(i);
        const std::size_t which = command_at(i).index();
        auto [at, first] = in_chunk.try_emplace(key, pending.size());
        if (first) {
          // Taken out of the cache, not copied (the run holds the exclusive
          // lock); put back after the append (or when nothing is written).
          auto current = take(key);
          if (!current) {
            counted.add(which, CommandResult::kFailed);  // not loaded
            return current.error();
          }
          pending.push_back(Pending{&key, std::move(current).value(), {}, {}});
        }
        Pending& p = pending[at->second];
        domain::DecisionContext context{rulebook_, fund_, date_at(i)};
        auto decided = A::decide(p.working.state, command_at(i), context);
        if (!decided) {
          if (results == ItemResults::kKeep) outcome.items[i].rejected = decided.error();
          if (outcome.rejections.size() < 100) outcome.rejections.push_back(decided.error());
          ++outcome.rejected;
          counted.add(which, CommandResult::kRejected);
          continue;
        }
        if (decided->empty()) {
          counted.add(which, CommandResult::kUnchanged);
          continue;
        }
        counted.pending.push_back(which);
        if constexpr (requires { A::quarters_assessed_late(*decided); }) {
          if (const std::size_t late = A::quarters_assessed_late(*decided); late > 0) {
            ++outcome.aggregates_assessed_late;
            outcome.quarters_assessed_late += late;
          }
        }
        log::ChainTip tip = p.working.tip;
        KASSA_ASSIGN_OR_RETURN(auto encoded,
                               factory_.build(A::kKind, key, tip, *decided, meta, date_at(i)));
        // The working copy moves on before the append, so that the
        // aggregate's next command in this chunk is decided on it; it is
        // private to the run and reaches the cache only after the append.
        KASSA_TRY(apply(p.working.state, encoded));
        p.working.tip = tip;
        for (auto& record : to_records(encoded)) p.records.push_back(std::move(record));
        p.segments.push_back(Segment{i, encoded.size()});
      }
      std::vector<log::KeyedBatch> batches;
      std::vector<std::size_t> written;  // index in pending, per batch
      for (std::size_t k = 0; k < pending.size(); ++k) {
        if (pending[k].records.empty()) {
          store(*pending[k].key, std::move(pending[k].working));
        } else {
          batches.push_back(log::KeyedBatch{*pending[k].key, pending[k].records});
          written.push_back(k);
        }
      }
      if (batches.empty()) {
        report();
        continue;
      }
      KASSA_TRY(factory_.make_keys_durable());
      auto offsets = log_.append_many(A::kTopic, batches);
      if (!offsets) {
        for (std::size_t k : written) evict(*pending[k].key);
        return offsets.error();
      }
      counted.appended();
      for (std::size_t n = 0; n < written.size(); ++n) {
        Pending& p = pending[written[n]];
        const std::vector<std::int64_t>& at = (*offsets)[n];
        const std::int32_t partition = log_.partition_for(A::kTopic, *p.key);
        auto& last = outcome.last_offsets[partition];
        last = std::max(last, at.back());
        outcome.events_written += p.records.size();
        ++outcome.aggregates_changed;
        if (results == ItemResults::kKeep) {
          std::size_t upto = 0;
          for (const Segment& segment : p.segments) {
            upto += segment.events;
            outcome.items[segment.item] = ItemOutcome{segment.events, at[upto - 1], std::nullopt};
          }
        }
        store(*p.key, std::move(p.working));
      }
      report();
    }
    return outcome;
  }

 public:
  // The cached state, if any (tests, and read-your-write for the caller).
  std::optional<State> cached(const std::string& key) const {
    std::lock_guard lock(cache_mutex_);
    auto it = cache_.find(key);
    if (it == cache_.end()) return std::nullopt;
    return it->second.state;
  }

  // Calls fn(const State&) on the cached state, if any, without copying it;
  // returns whether there was one. fn must not call back into the writer.
  template <typename F>
  bool visit_cached(const std::string& key, F&& fn) const {
    std::lock_guard lock(cache_mutex_);
    auto it = cache_.find(key);
    if (it == cache_.end()) return false;
    fn(static_cast<const State&>(it->second.state));
    return true;
  }

  void evict(const std::string& key) {
    std::lock_guard lock(cache_mutex_);
    cache_.erase(key);
  }

  // Every command counted so far, by name and result (only those counted
  // at least once).
  std::vector<CommandCount> command_counts() const {
    std::vector<CommandCount> out;
    for (std::size_t c = 0; c < kCommands; ++c) {
      for (std::size_t r = 0; r < kCommandResultNames.size(); ++r) {
        const std::uint64_t n = counts_[c][r].load(std::memory_order_relaxed);
        if (n > 0) out.push_back(CommandCount{kCommandNames[c], static_cast<CommandResult>(r), n});
      }
    }
    return out;
  }

 private:
  Result<Loaded> load(const std::string& key) {
    {
      std::lock_guard lock(cache_mutex_);
      auto it = cache_.find(key);
      if (it != cache_.end()) return it->second;
    }
    KASSA_ASSIGN_OR_RETURN(auto loaded, loader_(key));
    if (!loaded.has_value()) return Loaded{State{}, log::ChainTip{}};
    return std::move(*loaded);
  }

  // As load(), but moves a cached state out of the cache.
  Result<Loaded> take(const std::string& key) {
    {
      std::lock_guard lock(cache_mutex_);
      auto node = cache_.extract(key);
      if (!node.empty()) return std::move(node.mapped());
    }
    KASSA_ASSIGN_OR_RETURN(auto loaded, loader_(key));
    if (!loaded.has_value()) return Loaded{State{}, log::ChainTip{}};
    return std::move(*loaded);
  }

  void store(const std::string& key, Loaded working) {
    std::lock_guard lock(cache_mutex_);
    cache_[key] = std::move(working);
    if (cache_limit_ != 0 && cache_.size() > cache_limit_) {
      // Drop a tenth, any but this one: a dropped state is loaded again
      // (as of everything durable) when its aggregate is next commanded.
      std::size_t drop = cache_.size() - cache_limit_ + cache_limit_ / 10;
      for (auto it = cache_.begin(); it != cache_.end() && drop > 0;) {
        if (it->first == key) {
          ++it;
          continue;
        }
        if (spill_) spill_(it->first, it->second);
        it = cache_.erase(it);
        --drop;
      }
    }
  }

  static std::vector<log::Record> to_records(const std::vector<log::EncodedEvent>& encoded) {
    std::vector<log::Record> records;
    records.reserve(encoded.size());
    for (const auto& e : encoded) {
      records.push_back(
          log::Record{std::string(reinterpret_cast<const char*>(e.frame.data()), e.frame.size()),
                      std::string(e.type_name()), e.schema_version});
    }
    return records;
  }

  // Folds the events just built into the state, from the envelopes
  // encode_event verified (not their frames decoded again); returns their ids.
  static Result<std::vector<log::Uuid>> apply(State& state,
                                              const std::vector<log::EncodedEvent>& encoded) {
    std::vector<log::Uuid> ids;
    ids.reserve(encoded.size());
    for (const auto& e : encoded) {
      KASSA_TRY(A::evolve(state, e.event.envelope()));
      ids.push_back(e.event.event_id());
    }
    return ids;
  }

  static constexpr std::size_t kCommands = std::variant_size_v<Command>;
  template <std::size_t... I>
  static constexpr std::array<std::string_view, kCommands> names(std::index_sequence<I...>) {
    return {std::variant_alternative_t<I, Command>::kName...};
  }
  static constexpr std::array<std::string_view, kCommands> kCommandNames =
      names(std::make_index_sequence<kCommands>{});

  void count(std::size_t command, CommandResult result, std::uint64_t n = 1) {
    counts_[command][static_cast<std::size_t>(result)].fetch_add(n, std::memory_order_relaxed);
  }
  // One command's result, counted when execute() returns (failed unless
  // the command got further).
  struct CountOnExit {
    AggregateWriter& writer;
    std::size_t command;
    CommandResult result = CommandResult::kFailed;
    ~CountOnExit() { writer.count(command, result); }
  };
  // A run's counts, added once when it returns; `pending` holds the items
  // decided with events and not yet appended (failed if the run stops).
  struct RunCounts {
    AggregateWriter& writer;
    std::array<std::array<std::uint64_t, kCommandResultNames.size()>, kCommands> counts{};
    std::vector<std::size_t> pending;
    void add(std::size_t command, CommandResult result) {
      ++counts[command][static_cast<std::size_t>(result)];
    }
    void appended() {
      for (std::size_t c : pending) add(c, CommandResult::kWritten);
      pending.clear();
    }
    ~RunCounts() {
      for (std::size_t c : pending) add(c, CommandResult::kFailed);
      for (std::size_t c = 0; c < kCommands; ++c) {
        for (std::size_t r = 0; r < counts[c].size(); ++r) {
          if (counts[c][r] > 0) writer.count(c, static_cast<CommandResult>(r), counts[c][r]);
        }
      }
    }
  };

  log::EventLog& log_;
  EventFactory& factory_;
  Loader loader_;
  const domain::Rulebook& rulebook_;
  const domain::FundConfig& fund_;
  std::shared_mutex global_;
  std::array<std::mutex, 256> stripes_;
  mutable std::mutex cache_mutex_;
  std::unordered_map<std::string, Loaded> cache_;
  std::size_t cache_limit_ = 0;  // 0: no limit
  Spill spill_;
  std::array<std::array<std::atomic<std::uint64_t>, kCommandResultNames.size()>, kCommands>
      counts_{};
};

}  // namespace kassa::write
