#pragma once
// Where the live projection store lives, and how a rebuild replaces it.
//
// Layout of the projections folder (<data-dir>/projections):
//   CURRENT        one line: the name of the live store folder, "store-<n>"
//   store-<n>/     a Store (RocksDB)
// A rebuild builds store-<n+1> from offset 0 beside the live one (queries
// keep answering from store-<n>), then swaps atomically by writing CURRENT
// through a temporary file and rename(2); the old folder is deleted once no
// one uses it. A crash before the rename leaves the old store live and a
// half-built folder that the next rebuild deletes; after it, the new one.
//
// kassad and `kassa projections rebuild` both use this: kassad in-process
// (ProjectionRunner::rebuild: the live projector keeps running until the new
// store has caught up, then the handle is swapped), the CLI offline when
// kassad is stopped (the embedded journal is locked by its one process).
//
// Thread-safety: functions are reentrant; ProjectionRunner as documented.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "log/event_log.h"
#include "projections/projector.h"
#include "projections/store.h"

namespace kassa::projections {

using Checksums = std::map<std::string, std::string>;  // projection name -> hex

// Every checksummed column family of a store.
Result<Checksums> store_checksums(const Store& store);

// The live store folder named by <root>/CURRENT (created as store-1 when
// missing).
Result<std::string> live_store_path(const std::string& root);
// A fresh folder for the next store (removes a leftover half-built one).
Result<std::string> next_store_path(const std::string& root);
// Makes `store_path` the live store (atomic rename of CURRENT).
Status make_live(const std::string& root, const std::string& store_path);

// How a rebuild runs: its batches, and how many passes split the aggregates
// (projector.h RebuildPass). Each pass holds its share's read models in
// memory (write-back) and writes each aggregate's once; more passes bound
// the memory and cost one more read of the log each.
struct RebuildPlan {
  // Records per batch: one is applied while the next is read ahead, so a
  // batch costs its memory twice (~40 MB each at this size).
  std::size_t max_batch = 32768;
  // 0: one pass per kRecordsPerPass records of the log (at least one).
  std::uint32_t passes = 0;
  // Entries per cache and pass before it writes and drops them: a safety
  // valve against a share larger than memory (correct, but then each
  // dropped aggregate costs store reads again). Not a byte bound.
  std::size_t cache_entries = kWriteBackEntries;
};
// Measured on the demo's populations: a person-year is ~19 events and a
// pass holds ~9 KB of decoded read models per person, so 3,000,000 records
// a pass hold ~1.4 GB of read models. Pass 0 also holds every aggregate's
// chain tip (the tips are not reloaded from a store being built), which
// more passes do not reduce: a million persons peaked at 1.99 GiB in 7
// passes. Each further pass costs one more read of the log (~2.7 us a
// record).
inline constexpr std::uint64_t kRecordsPerPass = 3'000'000;
std::uint32_t passes_for(std::uint64_t records);

struct BuildStats {
  ProjectorStats projector;  // summed over the passes
  std::uint32_t passes = 0;
  std::uint64_t records = 0;  // up to the cut
};

using ProjectionFactory = std::function<std::vector<std::unique_ptr<Projection>>()>;
// Rebuilds into `store`, which must be fresh (no offsets, no parties),
// every record before `until` (per event partition), pass by pass; each
// pass gets fresh projections from `make`. `progress(pass, passes,
// records done in this pass)`, when given, is called between batches.
Result<BuildStats> build_in_passes(
    log::EventLog& log, Store& store, const std::vector<log::Position>& until,
    const ProjectionFactory& make, const RebuildPlan& plan,
    const std::function<void(std::uint32_t, std::uint32_t, std::uint64_t)>& progress = nullptr);

// The log's high-water mark of every event partition (the cut of a rebuild).
Result<std::vector<log::Position>> event_high_water_marks(log::EventLog& log);

// How far a build is: pass `pass` (0-based) of `passes` has read `records`
// of the `total` records in the cut (each pass reads them all).
struct BuildProgress {
  std::uint32_t pass = 0;
  std::uint32_t passes = 0;
  std::uint64_t records = 0;
  std::uint64_t total = 0;
  // 0..1 over all passes.
  double ratio() const;
};

// Builds a fresh store at `path` from offset 0 up to the log's high-water
// marks at call time (build_in_passes): every batch sorted into SST files
// and ingested (Durability::kIngest). `stats`, when given, receives how;
// `progress`, when given, is called between batches.
Result<std::unique_ptr<Store>> build_store(
    log::EventLog& log, const std::string& path, const ProjectionDeps& deps,
    BuildStats* stats = nullptr, RebuildPlan plan = {},
    const std::function<void(const BuildProgress&)>& progress = nullptr);

// The projector of kassad with its live store, and the in-process rebuild.
// Thread-safety: all methods from any thread; one rebuild at a time.
class ProjectionRunner {
 public:
  static Result<std::unique_ptr<ProjectionRunner>> open(log::EventLog& log, const std::string& root,
                                                        ProjectionDeps deps);
  ~ProjectionRunner();
  StoreHandle& stores() { return handle_; }
  // The projector of the live store (a rebuild replaces it).
  std::shared_ptr<Projector> projector();
  Status start();
  void stop();
  struct Report {
    Checksums before;
    Checksums after;
    std::string path;      // the store built
    bool swapped = false;  // the built store is live
    std::string kept;      // the previous store's folder when left in place
  };
  // The rebuild under way, if any, for /metrics: what build_store reported
  // last; `running` false between rebuilds (then the last one's figures).
  struct RebuildState {
    bool running = false;
    BuildProgress progress;
    std::uint64_t completed = 0;  // rebuilds ended without error (swapped or not) since start
    std::uint64_t failed = 0;     // rebuilds that returned an error
  };
  RebuildState rebuild_state() const;
  // Builds a fresh store while the live one keeps serving and catches it up
  // to the live one. Equal checksums: swaps them and deletes the old folder.
  // Different ones: the live store stays live and the built one is left
  // beside it, unless `accept_different` (after a change to a projection's
  // code): then swaps, and keeps the old folder for the operator to delete.
  Result<Report> rebuild(bool accept_different = false);

 private:
  ProjectionRunner(log::EventLog& log, std::string root, ProjectionDeps deps,
                   std::shared_ptr<Store> store);
  log::EventLog& log_;
  std::string root_;
  ProjectionDeps deps_;
  StoreHandle handle_;
  Result<Report> rebuild_locked(bool accept_different);
  std::mutex mu_;  // one rebuild at a time; guards projector_
  std::shared_ptr<Projector> projector_;
  mutable std::mutex state_mu_;  // guards state_ (read while mu_ is held by a rebuild)
  RebuildState state_;
};

}  // namespace kassa::projections
