#pragma once
// AggregateWriter<A> — the write side of one aggregate kind: load the state,
// decide, encode, append durably, and only then evolve the cached state.
//
//   execute(key, command)   one command for one aggregate (HTTP commands)
//   run(keys, command)      the same command for many aggregates (batch runs:
//                           assessment, surcharges, reminders), appended in
//                           group commits of `chunk` aggregates
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
// Thread-safety: all public functions may be called from any thread.

#include <array>
#include <functional>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
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

struct RunOutcome {
  std::size_t aggregates = 0;        // aggregates considered
  std::size_t aggregates_changed = 0;
  std::size_t events_written = 0;
  std::vector<Error> rejections;     // per-aggregate named rejections (first 100)
  std::size_t rejected = 0;
  // The highest offset written per partition: what a reader waits for.
  std::unordered_map<std::int32_t, std::int64_t> last_offsets;
};

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
      : log_(log), factory_(factory), loader_(std::move(loader)), rulebook_(rulebook), fund_(fund) {}

  Result<Outcome> execute(const std::string& key, const Command& command, domain::Date date,
                          const CommandMeta& meta) {
    std::shared_lock global(global_);
    std::lock_guard stripe(stripes_[std::hash<std::string>{}(key) % stripes_.size()]);
    auto current = load(key);
    if (!current) return current.error();
    Loaded working = std::move(current).value();
    domain::DecisionContext context{rulebook_, fund_, date};
    auto decided = A::decide(working.state, command, context);
    if (!decided) return decided.error();
    Outcome outcome;
    outcome.aggregate_key = key;
    if (decided->empty()) return outcome;
    log::ChainTip tip = working.tip;
    auto encoded = factory_.build(A::kKind, key, tip, *decided, meta);
    if (!encoded) return encoded.error();
    std::vector<log::Record> records = to_records(*encoded);
    auto offsets = log_.append(A::kTopic, key, records);
    if (!offsets) {
      evict(key);
      return offsets.error();
    }
    auto ids = apply(working.state, *encoded);
    if (!ids) {
      evict(key);
      return ids.error();
    }
    const std::uint64_t first_sequence = working.tip.sequence + 1;
    working.tip = tip;
    const std::int32_t partition = log_.partition_for(A::kTopic, key);
    for (std::size_t i = 0; i < encoded->size(); ++i) {
      outcome.events.push_back(AppendedEvent{(*ids)[i], std::string((*encoded)[i].type_name()),
                                             first_sequence + i, partition, (*offsets)[i]});
    }
    store(key, std::move(working));
    return outcome;
  }

  // REQUIRES: keys unique. Decides `command` for every key; aggregates whose
  // decision is a rejection are counted and skipped, the others are appended
  // in group commits of `chunk` aggregates.
  Result<RunOutcome> run(const std::vector<std::string>& keys, const Command& command,
                         domain::Date date, const CommandMeta& meta, std::size_t chunk = 2000) {
    std::unique_lock global(global_);
    RunOutcome outcome;
    domain::DecisionContext context{rulebook_, fund_, date};
    for (std::size_t begin = 0; begin < keys.size(); begin += chunk) {
      const std::size_t end = std::min(keys.size(), begin + chunk);
      struct Pending {
        const std::string* key;
        Loaded working;
        log::ChainTip tip;
        std::vector<log::EncodedEvent> encoded;
        std::vector<log::Record> records;
      };
      std::vector<Pending> pending;
      for (std::size_t i = begin; i < end; ++i) {
        ++outcome.aggregates;
        auto current = load(keys[i]);
        if (!current) return current.error();
        Pending p{&keys[i], std::move(current).value(), {}, {}, {}};
        auto decided = A::decide(p.working.state, command, context);
        if (!decided) {
          if (outcome.rejections.size() < 100) outcome.rejections.push_back(decided.error());
          ++outcome.rejected;
          continue;
        }
        if (decided->empty()) continue;
        p.tip = p.working.tip;
        auto encoded = factory_.build(A::kKind, keys[i], p.tip, *decided, meta);
        if (!encoded) return encoded.error();
        p.encoded = std::move(encoded).value();
        p.records = to_records(p.encoded);
        pending.push_back(std::move(p));
      }
      if (pending.empty()) continue;
      std::vector<log::KeyedBatch> batches;
      batches.reserve(pending.size());
      for (const auto& p : pending) batches.push_back(log::KeyedBatch{*p.key, p.records});
      auto offsets = log_.append_many(A::kTopic, batches);
      if (!offsets) {
        for (const auto& p : pending) evict(*p.key);
        return offsets.error();
      }
      for (std::size_t i = 0; i < pending.size(); ++i) {
        Pending& p = pending[i];
        auto applied = apply(p.working.state, p.encoded);
        if (!applied) {
          evict(*p.key);
          return applied.error();
        }
        p.working.tip = p.tip;
        const std::int32_t partition = log_.partition_for(A::kTopic, *p.key);
        auto& last = outcome.last_offsets[partition];
        last = std::max(last, (*offsets)[i].back());
        outcome.events_written += p.encoded.size();
        ++outcome.aggregates_changed;
        store(*p.key, std::move(p.working));
      }
    }
    return outcome;
  }

  // The cached state, if any (tests, and read-your-write for the caller).
  std::optional<State> cached(const std::string& key) const {
    std::lock_guard lock(cache_mutex_);
    auto it = cache_.find(key);
    if (it == cache_.end()) return std::nullopt;
    return it->second.state;
  }

  void evict(const std::string& key) {
    std::lock_guard lock(cache_mutex_);
    cache_.erase(key);
  }

 private:
  Result<Loaded> load(const std::string& key) {
    {
      std::lock_guard lock(cache_mutex_);
      auto it = cache_.find(key);
      if (it != cache_.end()) return it->second;
    }
    auto loaded = loader_(key);
    if (!loaded) return loaded.error();
    if (!loaded->has_value()) return Loaded{State{}, log::ChainTip{}};
    return std::move(**loaded);
  }

  void store(const std::string& key, Loaded working) {
    std::lock_guard lock(cache_mutex_);
    cache_[key] = std::move(working);
  }

  static std::vector<log::Record> to_records(const std::vector<log::EncodedEvent>& encoded) {
    std::vector<log::Record> records;
    records.reserve(encoded.size());
    for (const auto& e : encoded) {
      records.push_back(log::Record{
          std::string(reinterpret_cast<const char*>(e.frame.data()), e.frame.size()),
          std::string(e.type_name()), e.schema_version});
    }
    return records;
  }

  // Folds the just-appended events into the state; returns their ids.
  static Result<std::vector<log::Uuid>> apply(State& state,
                                              const std::vector<log::EncodedEvent>& encoded) {
    std::vector<log::Uuid> ids;
    ids.reserve(encoded.size());
    for (const auto& e : encoded) {
      auto decoded = log::decode_event(e.frame);
      if (!decoded) return decoded.error();
      KASSA_TRY(A::evolve(state, decoded->envelope()));
      ids.push_back(decoded->event_id());
    }
    return ids;
  }

  log::EventLog& log_;
  EventFactory& factory_;
  Loader loader_;
  const domain::Rulebook& rulebook_;
  const domain::FundConfig& fund_;
  std::shared_mutex global_;
  std::array<std::mutex, 256> stripes_;
  mutable std::mutex cache_mutex_;
  std::unordered_map<std::string, Loaded> cache_;
};

}  // namespace kassa::write
