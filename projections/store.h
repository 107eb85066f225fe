#pragma once
// The projection store: one RocksDB database (a folder) with one column
// family per projection plus "offsets" (where the projector resumes). The
// projector commits each poll batch — every projection's writes and the next
// offset of every topic-partition it read — as ONE WriteBatch, so what the
// store holds always equals "the log up to the stored offsets, applied once".
//
// Offsets: key [topic u8][partition be32] -> next offset be64.
//
// Durability: the WAL is written (not fsync'd) with each batch; a process
// crash (SIGKILL) loses nothing the WriteBatch returned for, a power loss
// may lose the last batches but never half of one, and offsets always
// travel with their effects. A rebuild into a fresh folder uses Durability::
// kIngest: each batch is sorted per column family, written as SST files and
// ingested in one atomic IngestExternalFiles call (offsets included), so no
// memtable or WAL sees the bulk of the data and a crash leaves whole batches
// or nothing. (kFlushAtEnd, WAL off and one flush at the end, is the older
// bulk mode, kept for comparison.)
//
// Checksum of a column family: BLAKE2b-256 over every (key, value) pair in
// key order, each as [len be32][bytes]: independent of batching, compaction
// and file layout.
//
// Thread-safety: all methods may be called from any thread; the projector is
// the only writer. Readers use view() (latest) or snapshot() (consistent
// across several reads).

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "log/event_log.h"
#include "log/failed_write.h"
#include "projections/kv.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class Snapshot;
class WriteBatch;
struct Options;
}  // namespace rocksdb

namespace kassa::projections {

enum class Durability { kWal, kFlushAtEnd, kIngest };

// What a store's read models are: 1 = hand-written models beside the
// domain (before one fold), 2 = views of the domain's fold (ledger.h),
// 3 = with the name index and the identity's events (niss_index.h),
// 4 = its name words folded for every Latin, Greek and Cyrillic letter
// (domain/name_words.h; 3 kept later blocks' letters as written),
// 5 = states that keep each request with its decision and appeal
// (domain/person_state.h RequestRecord; snapshot format 4), 6 = a waiver's
// and a dispense's amounts in those requests (asked, waived, dispensed).
// Written in the default column family when a store is created; a store of
// an older format is rebuilt from the log (ProjectionRunner::open), never
// read as if it were current.
inline constexpr int kStoreFormat = 6;

class Store;

// Writes of one batch (a rocksdb::WriteBatch).
class StoreBatch final : public KvSink {
 public:
  explicit StoreBatch(const Store& store);
  ~StoreBatch() override;
  void put(Cf cf, std::string_view key, std::string_view value) override;
  void del(Cf cf, std::string_view key) override;
  void clear();
  std::size_t count() const;
  rocksdb::WriteBatch& batch() { return *batch_; }

 private:
  const Store& store_;
  std::unique_ptr<rocksdb::WriteBatch> batch_;
};

// A consistent read view of a store, from one RocksDB snapshot.
class StoreSnapshot final : public KvView {
 public:
  StoreSnapshot(const Store& store, std::shared_lock<std::shared_timed_mutex> lock,
                const rocksdb::Snapshot* snapshot);
  ~StoreSnapshot() override;
  StoreSnapshot(const StoreSnapshot&) = delete;
  StoreSnapshot& operator=(const StoreSnapshot&) = delete;
  Result<std::optional<std::string>> get(Cf cf, std::string_view key) const override;
  Status scan(Cf cf, std::string_view prefix, std::string_view start,
              const std::function<bool(std::string_view, std::string_view)>& visit) const override;
  using KvView::scan;

 private:
  const Store& store_;
  std::shared_lock<std::shared_timed_mutex> lock_;  // the store is not reopened meanwhile
  const rocksdb::Snapshot* snapshot_;               // null: latest
};

class Store final : public KvView {
 public:
  // Opens (creating if missing) the store at `path`. kUnavailable on failure.
  static Result<std::unique_ptr<Store>> open(const std::string& path,
                                             Durability durability = Durability::kWal);
  ~Store() override;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // KvView of the latest committed state.
  Result<std::optional<std::string>> get(Cf cf, std::string_view key) const override;
  Status scan(Cf cf, std::string_view prefix, std::string_view start,
              const std::function<bool(std::string_view, std::string_view)>& visit) const override;
  using KvView::scan;

  // Holds the store open (a reopen after a failed write waits): keep it
  // for one query, never across a commit.
  Result<std::unique_ptr<StoreSnapshot>> snapshot() const;

  // Commits `batch` plus the offsets, atomically.
  Status commit(StoreBatch& batch, const std::vector<log::Position>& next_offsets);
  // Stored next offsets (empty before the first commit).
  Result<std::vector<log::Position>> offsets() const;

  // Hex BLAKE2b-256 of a column family (see above), from a snapshot.
  Result<std::string> checksum(Cf cf) const;
  // Flushes memtables to files (after a WAL-less rebuild).
  Status flush();
  // A consistent copy of the store in `dir` (a backup), beside use.
  Status checkpoint(const std::string& dir) const;
  // The store's format (kStoreFormat when this build created it; 1 for a
  // store written before the format was recorded).
  Result<int> format() const;
  // Records this build's format (for a store that holds nothing yet).
  Status mark_current_format();

  // False after a failed commit until the store was reopened.
  bool writable() const { return !failed_.failing(); }
  // After a failed write: reopens the store if it may (log/failed_write.h:
  // a second after the last try, with room on the disk); ok when writes
  // may go on. commit() calls it; so does the projector before it retries
  // a batch (a reopen that could not open the store fails reads too).
  Status recover();

  const std::string& path() const { return path_; }
  // The raw database, for tools over a store no projector writes to (a
  // reopen after a failed write replaces it).
  rocksdb::ColumnFamilyHandle* handle(Cf cf) const { return handles_[cf_index(cf)]; }
  rocksdb::DB& db() const { return *db_; }

 private:
  Store(std::string path, Durability durability);
  Status open_db();
  void close_db();
  Status ingest(StoreBatch& batch);
  // Every write but kIngest's: refused after a failed one until a reopen
  // (log/failed_write.h) worked.
  Status write(rocksdb::WriteBatch& batch, bool sync);
  std::string path_;
  Durability durability_;
  struct OpenOptions;  // what open_db() needs again for a reopen
  std::unique_ptr<OpenOptions> open_options_;
  // db_ and its handles: shared by readers and writes, exclusive for a
  // reopen after a failed write.
  mutable std::shared_timed_mutex db_mu_;
  std::mutex recover_mu_;    // one reopen at a time
  log::FailedWrite failed_;  // under recover_mu_ or by the one writer (failing(): any thread)
  std::unique_ptr<rocksdb::Options> options_;  // for the SST writers of kIngest
  std::uint64_t ingested_batches_ = 0;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // by cf_index
  rocksdb::ColumnFamilyHandle* default_ = nullptr;
};

// The live store kassad answers from; a rebuild replaces it while queries
// keep the one they started with (shared_ptr).
// Thread-safety: get() and replace() from any thread.
class StoreHandle {
 public:
  explicit StoreHandle(std::shared_ptr<Store> store) : store_(std::move(store)) {}
  std::shared_ptr<Store> get() const {
    std::lock_guard lock(mu_);
    return store_;
  }
  void replace(std::shared_ptr<Store> store) {
    std::lock_guard lock(mu_);
    store_ = std::move(store);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<Store> store_;
};

// Names of the projections whose checksums replay compares, with their CFs.
struct NamedCf {
  std::string_view name;
  Cf cf;
};
inline constexpr NamedCf kChecksummedCfs[] = {
    {"parties", Cf::kParties},  {"statement", Cf::kStatement}, {"debt", Cf::kDebt},
    {"career", Cf::kCareer},    {"company", Cf::kCompany},     {"tax_certificate", Cf::kTax},
    {"statistics", Cf::kStats}, {"index", Cf::kIndex},         {"niss", Cf::kNiss},
    {"state", Cf::kState},      {"offsets", Cf::kOffsets},
};

}  // namespace kassa::projections
