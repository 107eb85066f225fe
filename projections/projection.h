#pragma once
// The Projection interface (STYLE.md "Applying a log") and the context an
// event is applied in.
//
// A projection maps one verified event to puts and deletes in its own column
// family. The projector calls apply() for every event of a poll batch, then
// flush() once, then commits the batch (every projection's writes and the
// next offsets) in one RocksDB WriteBatch. Between apply() and flush() a
// projection keeps what it changed in a KeyedCache: each key is read once
// (from the cache, or the committed store on a miss), changed in memory by
// every event of the batch, and written once. After a commit the cache keeps
// the committed values (hot state); after a failed commit reset() drops it.
//
// A rebuild into a fresh store (rebuild.h) runs in write-back mode instead:
// caches keep their changed values across batches and write them only when
// they outgrow their capacity or when the pass ends (set_write_back(false)
// then flush()), so an aggregate's read models are encoded and written once
// per rebuild pass rather than once per batch. Nothing reads the store
// being built until it is finished, so its intermediate batches need not
// agree with their offsets (the passes commit the offsets last).
//
// The same projection objects, given a MemKv as both base and sink, fold one
// person's events into a fresh view: that is how as-of answers are computed.
//
// Thread-safety: a projection is used by one thread (the projector's, or the
// query thread that built it for an as-of answer).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "log/event_codec.h"
#include "log/log_config.h"
#include "projections/kv.h"

namespace kassa::projections {

// Where an event was read: its topic-partition and offset.
struct EventPosition {
  log::Topic topic = log::Topic::kPersonEvents;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
};

// What an apply() reads from and writes to.
class ApplyContext {
 public:
  ApplyContext(const KvView& base, KvSink& sink) : base_(base), sink_(sink) {}
  const KvView& base() const { return base_; }  // committed state
  KvSink& sink() { return sink_; }              // this batch's writes
  // flush() cannot return an error: it records one here, and the batch is
  // not committed (the projector checks after flushing).
  void fail(Error error) {
    if (!failure_) failure_ = std::move(error);
  }
  const std::optional<Error>& failure() const { return failure_; }

 private:
  const KvView& base_;
  KvSink& sink_;
  std::optional<Error> failure_;
};

class Projection {
 public:
  virtual ~Projection() = default;
  virtual std::string_view name() const = 0;
  virtual Cf cf() const = 0;
  // Applies one event. Writes only to cf(), through the cache or the sink.
  // An error stops the batch (nothing of it is committed).
  virtual Status apply(const log::DecodedEvent& event, const EventPosition& position,
                       ApplyContext& context) = 0;
  // End of a batch: writes every changed cached value to the sink. A
  // projection that writes views of what it caches writes them here too;
  // a failure goes to context.fail() and the batch is not committed. The
  // projector flushes in the order it applies.
  virtual void flush(ApplyContext& /*context*/) {}
  // The batch was not committed: forget what is cached.
  virtual void reset() {}
  // Write-back mode on (a rebuild) or off (live; turning it off makes the
  // next flush() write everything still held); `max_entries` per cache
  // while it is on.
  virtual void set_write_back(bool /*on*/, std::size_t /*max_entries*/) {}
  // True when every key this projection writes for an event belongs to the
  // event's own aggregate and depends only on that aggregate's events in log
  // order, or is a sum over aggregates (the statistics, the work list's
  // counts) that any order of aggregates gives alike: a rebuild may then
  // apply it pass by pass, each pass one share of the aggregates. False for
  // projections where the order of aggregates matters (the identifier
  // index, where the order of two persons' registrations decides a shared
  // account): they see every event in one pass.
  virtual bool per_aggregate() const { return true; }
};

// The entries a cache may hold per rebuild pass before it writes and drops
// them (KeyedCache::set_write_back).
inline constexpr std::size_t kWriteBackEntries = 4'000'000;

// Transparent hashing so a string_view finds a std::string key.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Per-key typed values of one column family, read once and written once per
// batch. T needs `static std::string encode(const T&)` and
// `static Result<T> decode(std::string_view)` (as a Codec type).
template <typename T, typename Codec>
class KeyedCache {
 public:
  explicit KeyedCache(Cf cf, std::size_t max_entries = 200'000)
      : cf_(cf), max_entries_(max_entries) {}

  // The value under `key` (default-constructed when absent), marked dirty.
  // The pointer stays valid until flush() or reset().
  Result<T*> edit(const KvView& base, std::string_view key) {
    auto it = map_.find(key);
    if (it == map_.end()) {
      KASSA_ASSIGN_OR_RETURN(auto stored, base.get(cf_, key));
      Entry entry;
      if (stored.has_value()) {
        KASSA_ASSIGN_OR_RETURN(entry.value, Codec::decode(*stored));
      }
      it = map_.emplace(std::string(key), std::move(entry)).first;
    }
    if (!it->second.dirty) {
      it->second.dirty = true;
      dirty_.push_back(&*it);
    }
    return &it->second.value;
  }

  // Writes every changed value to the sink (in write-back mode only when
  // the cache outgrew its capacity), then drops everything if it did.
  void flush(KvSink& sink) {
    flush(sink, [](const std::string&, T&) {});
  }
  // As flush(), calling before(key, value) for each changed value first.
  template <typename F>
  void flush(KvSink& sink, F&& before) {
    const bool full = map_.size() > capacity();
    if (write_back_ && !full) return;
    for (auto* kv : dirty_) {
      before(kv->first, kv->second.value);
      sink.put(cf_, kv->first, Codec::encode(kv->second.value));
      kv->second.dirty = false;
    }
    dirty_.clear();
    if (full) map_.clear();
  }

  // Write-back: changed values stay in memory across flushes until the
  // cache holds more than `max_entries` or write-back is turned off. A
  // rebuild bounds its memory by the share of aggregates per pass, so the
  // capacity is then a safety valve (kWriteBackEntries): when it is
  // reached, everything is written and dropped, which stays correct and
  // costs store reads.
  void set_write_back(bool on, std::size_t max_entries = kWriteBackEntries) {
    write_back_ = on;
    write_back_entries_ = max_entries;
  }

  void reset() {
    dirty_.clear();
    map_.clear();
  }

 private:
  std::size_t capacity() const { return write_back_ ? write_back_entries_ : max_entries_; }
  struct Entry {
    T value{};
    bool dirty = false;
  };
  using Map = std::unordered_map<std::string, Entry, StringHash, std::equal_to<>>;
  Cf cf_;
  std::size_t max_entries_;
  bool write_back_ = false;
  std::size_t write_back_entries_ = kWriteBackEntries;
  Map map_;
  std::vector<typename Map::value_type*> dirty_;
};

// Aggregate-kind prefix of per-aggregate keys: 'P' person, 'C' company, 'F' fund.
char kind_tag(schemas::AggregateKind kind);

}  // namespace kassa::projections
