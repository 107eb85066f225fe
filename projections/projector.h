#pragma once
// The projector: reads both event topics in log order from the offsets the
// store holds, verifies each record (frame, hash, FlatBuffers verifier, the
// aggregate's hash chain), applies every projection, and commits each poll
// batch — every projection's writes and the next offset per topic-partition
// — in ONE RocksDB WriteBatch.
//
// Exactly-once effect: the store only ever holds "the log up to the stored
// offsets, applied once", because effects and offsets are written in the
// same atomic batch. After a crash the projector resumes at the stored
// offsets; in-memory caches and chain tips are rebuilt from the store (the
// chain tip of an aggregate from its parties summary), so nothing is applied
// twice or skipped. A commit that fails drops every cache and re-subscribes
// from the stored offsets.
//
// Failures (log/event_codec.h classify_failure): a corrupt record or broken
// chain is quarantined (VerifyingReader) and skipped — its aggregate's later
// events then fail the chain and follow it; an unknown event type is
// quarantined too (the issue asks for it: an event this build cannot read
// must not stop the ledger); an exact redelivery (DuplicateEvent) is skipped;
// an unsupported (newer) schema version halts the projector before that
// record: the batch before it is committed and halted() reports why.
//
// A rebuild pass (ProjectorOptions::rebuild, below) differs: caches write
// back, tips stay in memory, offsets are committed only by the last pass's
// finish(); positions() and wait_until() then tell how far the pass has
// read, not what the store holds, until finish().
//
// Two threads share the work: a reading thread polls and verifies the next
// batch (frame, hash, FlatBuffers, chain; quarantine writes) while the
// caller's thread (or the projector's own, start()) applies and commits the
// one before; one batch is read ahead. A failed batch stops the reading
// thread and drops what it read; the next step re-subscribes from the
// stored offsets. Chain tips are reloaded from the store only when no batch
// read is still uncommitted, so a tip is never older than what was verified.
//
// Thread-safety: start()/stop() from one owner thread; last_applied(),
// positions(), lag(), wait_until(), stats() from any thread. step() and
// catch_up() are for callers that drive it without its thread (tests,
// rebuild) and must not be mixed with start().

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include "domain/rulebook.h"
#include "log/chain_verifier.h"
#include "log/event_log.h"
#include "log/quarantine.h"
#include "projections/niss_index.h"
#include "projections/projection.h"
#include "projections/store.h"

namespace kassa::projections {

// What the ledger does with the events an as-of view leaves out.
enum class History {
  kWhole,    // every event of an aggregate, in sequence: a gap is corruption
  kPartial,  // an as-of view (as_of.h): only the events decided or recorded by
             // then, which need not be a prefix of the log, so the ledger
             // folds them across the gaps (and leaves out one that evolve
             // then refuses)
};

struct ProjectionDeps {
  const domain::Rulebook* rulebook = nullptr;  // REQUIRED
  const log::KeyStore* keys = nullptr;         // null: no NISS index
  NissSecret niss_secret{};
  History history = History::kWhole;
};

// Every projection, in the order they are applied.
std::vector<std::unique_ptr<Projection>> make_projections(const ProjectionDeps& deps);

// One pass of a rebuild into a fresh store (rebuild.h build_in_passes). The
// aggregates are split into `count` shares by a hash of their key; pass
// `index` applies the per-aggregate projections (Projection::per_aggregate)
// to the events of share `index` only, and pass 0 also applies the others
// to every event, in log order. Pass 0 verifies every record and
// quarantines the bad ones; a later pass verifies its own share again and
// skips what fails (pass 0 quarantined it), and skips the other shares
// unread. Every projection runs in write-back mode (projection.h), chain
// tips stay in memory for the whole pass, no batch commits offsets, and
// finish() writes what the caches hold — with the offsets in the last pass.
// The store being built is read by nothing else until it is finished.
struct RebuildPass {
  std::uint32_t count = 1;
  std::uint32_t index = 0;
  // Where the rebuild stops (exclusive), every event partition: the same
  // for all passes, so they apply the same records.
  std::vector<log::Position> until;
  // Entries per cache before it writes and drops them (a safety valve).
  std::size_t cache_entries = kWriteBackEntries;
};

// Which share of a rebuild an aggregate's records belong to (FNV-1a of the
// topic and the record key).
std::uint32_t rebuild_share(log::Topic topic, std::string_view key, std::uint32_t count);

struct ProjectorOptions {
  std::size_t max_batch = 16384;
  std::chrono::milliseconds poll_timeout{100};
  std::size_t max_chain_tips = 500'000;  // chain tips kept in memory
  // Set: this projector runs one pass of a rebuild into a fresh store.
  std::optional<RebuildPass> rebuild;
};

struct ProjectorStats {
  std::uint64_t applied = 0;      // events applied by this process
  std::uint64_t quarantined = 0;  // records moved to the quarantine
  std::uint64_t skipped = 0;      // exact redeliveries dropped
  std::uint64_t batches = 0;
  // Where the time went (seconds): reading and verifying records (the
  // reading thread, beside the other two), applying them to the
  // projections (flush included), and committing to the store; waiting for
  // the reading thread (the read time not hidden behind applying).
  double read_seconds = 0;
  double wait_seconds = 0;
  double apply_seconds = 0;
  double commit_seconds = 0;

  ProjectorStats& operator+=(const ProjectorStats& o);
};

class Projector {
 public:
  // REQUIRES: log and store outlive the projector.
  Projector(log::EventLog& log, Store& store, std::vector<std::unique_ptr<Projection>> projections,
            ProjectorOptions options = {});
  ~Projector();
  Projector(const Projector&) = delete;
  Projector& operator=(const Projector&) = delete;

  // Runs the projector on its own thread until stop().
  Status start();
  void stop();

  // One poll batch (waits up to `timeout` for records); the number of
  // records consumed (applied, skipped or quarantined).
  Result<std::size_t> step(std::chrono::milliseconds timeout);
  // Steps until every partition reached the high-water mark it had when
  // called (or halted). In a rebuild pass: until options.rebuild->until,
  // then finish(). `after_batch`, when given, is called before each step
  // and at the end with positions().
  Status catch_up(
      const std::function<void(const std::vector<log::Position>&)>& after_batch = nullptr);
  // A rebuild pass's end: every projection leaves write-back mode and
  // writes what it holds, in one commit (with the next offsets in the last
  // pass). REQUIRES: options.rebuild; not started.
  Status finish();

  // The next offset of every partition (what the store holds).
  std::vector<log::Position> positions() const;
  // The last applied offset of a partition; -1 if none.
  std::int64_t last_applied(log::Topic topic, std::int32_t partition) const;
  // Sum over partitions of high-water mark minus next offset.
  Result<std::int64_t> lag() const;
  // Blocks until `offset` of the partition is applied (true) or timeout.
  bool wait_until(log::Topic topic, std::int32_t partition, std::int64_t offset,
                  std::chrono::milliseconds timeout) const;
  // Blocks until every given next offset is reached.
  bool wait_until(const std::vector<log::Position>& next_offsets,
                  std::chrono::milliseconds timeout) const;

  ProjectorStats stats() const;
  std::optional<Error> halted() const;
  // The error of the last batch while the projector's thread retries it (a
  // full disk, a store being reopened); empty once a batch went through.
  std::optional<Error> failing() const;

 private:
  // What this projector does with a verified (or skipped) record. Outside
  // a rebuild every record is kOwn.
  enum class Scope : std::uint8_t {
    kOwn,        // applied and counted here
    kElsewhere,  // a rebuild pass: another share's record (only the
                 // projections that see every event apply it), or one that
                 // pass 0 refused; counted by that pass
    kBeyond,     // a rebuild pass: past `until`, not consumed
  };
  struct Decoded {
    EventPosition position;
    std::optional<log::DecodedEvent> event;  // nullopt: skip
    Scope scope = Scope::kOwn;
    std::optional<Error> halt;  // set: stop before this record
  };
  // One poll of the verifying reader, as the reading thread hands it over.
  struct Polled {
    std::optional<Error> error;  // the poll failed: nothing else is set
    std::vector<log::Verified<Decoded>> records;
    std::vector<log::Position> positions;  // the reader's, right after the poll
    std::uint64_t quarantined = 0;         // records this poll quarantined
    double read_seconds = 0;
  };
  bool applies(const Projection& p, const Decoded& d) const;
  Status open_reader();
  // The reading thread: polls and verifies the next batch while step()
  // applies and commits the one before (both cores, one batch ahead).
  void start_reading();
  void stop_reading();
  void read_ahead();
  // step() is done with a handed-over poll (committed, or dropped by a
  // failure): the reading thread may reload chain tips from the store only
  // when every poll it handed over is done.
  void done_with_poll();
  // What to do with a record: its decoded event, or a skip or a halt; an
  // error quarantines it.
  Result<Decoded> verify(const log::StoredRecord& record);
  void reset_caches();
  void publish(const std::vector<log::Position>& next);
  void run();

  log::EventLog& log_;
  Store& store_;
  std::vector<std::unique_ptr<Projection>> projections_;
  ProjectorOptions options_;

  // The reading thread's while it runs (the projector thread's otherwise):
  // the subscription, the quarantine writes and the chain tips.
  std::unique_ptr<log::VerifyingReaderOf<Decoded>> reader_;
  std::unique_ptr<log::ChainVerifier> chain_;
  std::thread reading_;
  std::atomic<bool> stop_reading_{false};
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::optional<Polled> queued_;  // guarded by queue_mu_: the poll read ahead
  std::uint64_t handed_ = 0;      // guarded by queue_mu_: polls handed over
  std::uint64_t done_ = 0;        // guarded by queue_mu_: polls step() is done with

  // Projector thread only.
  std::vector<log::Position> next_;
  std::unique_ptr<StoreBatch> batch_;

  mutable std::mutex mu_;
  mutable std::condition_variable applied_cv_;
  std::vector<log::Position> published_;  // guarded by mu_
  ProjectorStats stats_;                  // guarded by mu_
  std::optional<Error> halted_;           // guarded by mu_
  std::optional<Error> failing_;          // guarded by mu_

  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace kassa::projections
