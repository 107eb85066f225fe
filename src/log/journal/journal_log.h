#pragma once
// JournalLog — the embedded EventLog: the same contract as Kafka on one
// machine, in one RocksDB database (a folder). The default when no brokers
// are configured.
//
// Layout (column family "journal"): one entry per record,
//
//   key   = [topic u8][partition be32][offset be64]            (13 bytes)
//   value = [format u8 = 1][flags u8][schema_version be16][timestamp_us be64]
//           [key_len be32][key][type_len be32][event_type]
//           (flags & 1: [reason_len be32][reason][src_topic u8]
//                       [src_partition be32][src_offset be64])
//           [value ... to the end]
//
// Big-endian keys sort by (topic, partition, offset). Column family "meta"
// holds "partitions/<topic u8>" → be32, written when the journal is created;
// opening with another partition count fails (it would move aggregates).
//
// Durability: there is no separate offset counter. The high-water mark of a
// partition is derived on open from its last key, and each append is one
// WriteBatch written with sync=true (WAL fsync'd before append returns). A
// batch is atomic in RocksDB's WAL recovery, so after kill -9 or power loss
// the journal holds every acknowledged batch and either all or none of the
// batch in flight; offsets continue after the last stored record.
//
// Integrity: every block is read with its checksum verified, and a block
// that fails it is an error wherever it is met, never the end of a
// partition. Opening for writing reads each partition's last record and
// refuses (kCorrupt, rule JournalDamaged) when one cannot be read, so a
// damaged partition is never appended to at offset 0 again. The WAL is
// recovered with kTolerateCorruptedTailRecords: only a torn last record
// (a write that was never acknowledged) is dropped; damage before it
// refuses the open. scrub() reads every record and names every damaged
// range; src/log/README.md says how an operator recovers.
//
// A failed write (a full disk): RocksDB 7.8 aborts on an assertion when a
// database whose WAL write failed is written again. So after one failed
// append the journal refuses appends at once (kUnavailable, rule
// JournalWriteFailed) without touching RocksDB, and at most once a second
// tries to recover by closing and reopening the database (WAL recovery
// drops the unacknowledged tail; offsets are derived again). Reads go on.
//
// Thread-safety: all methods are thread-safe. Appends are serialised by one
// mutex (offsets are assigned under it); readers wait on a condition
// variable that appends signal. append_many() amortises the fsync.

#include <array>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "log/event_log.h"
#include "log/failed_write.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace kassa::log::journal {

// A range of one partition that cannot be read (or holds no records where
// the offsets say it should).
struct Damage {
  Topic topic = Topic::kPersonEvents;
  int32_t partition = 0;
  int64_t from_offset = 0;  // the first offset that cannot be read
  int64_t to_offset = -1;   // the next readable offset; -1: to the partition's end
  std::string detail;       // RocksDB's status, or what is missing
};

class JournalLog final : public EventLog {
 public:
  // Opens (creating if missing) the journal at config.journal_path.
  // Errors: kUnavailable (RocksDB would not open), kInvalidArgument
  // (partition counts differ from the journal's).
  static Result<std::unique_ptr<JournalLog>> open(const LogConfig& config);
  // The partition counts (indexed by Topic) stored in the journal at `path`,
  // or nullopt when the folder holds no journal. Opens it read-only, so it
  // neither creates anything nor takes the writer's lock.
  static Result<std::optional<std::array<int32_t, 3>>> stored_partition_counts(
      const std::string& path);
  ~JournalLog() override;
  JournalLog(const JournalLog&) = delete;
  JournalLog& operator=(const JournalLog&) = delete;

  Result<std::vector<int64_t>> append(Topic topic, std::string_view aggregate_key,
                                      std::span<const Record> records) override;
  Result<std::vector<std::vector<int64_t>>> append_many(
      Topic topic, std::span<const KeyedBatch> batches) override;
  Status append_quarantine(const StoredRecord& original, std::string_view reason) override;
  int32_t partition_count(Topic topic) const override;
  Result<std::vector<StoredRecord>> read(Topic topic, int32_t partition, int64_t from_offset,
                                         std::size_t max_records,
                                         std::chrono::milliseconds wait) override;
  Result<int64_t> high_water_mark(Topic topic, int32_t partition) override;
  Result<std::unique_ptr<Subscription>> subscribe(std::vector<Position> from) override;
  const LogConfig& config() const override { return config_; }
  // Not writable after a failed write, until the reopen succeeded.
  Health health() const override;

  // Reads every record of every partition, verifying each block's checksum
  // and each frame, and returns every damaged range (none: the journal is
  // whole). Goes on past damage. Errors only when the journal cannot be
  // read at all.
  Result<std::vector<Damage>> scrub();
  // A consistent copy of the journal in `dir`, beside appends and reads.
  Result<bool> checkpoint(const std::string& dir) override;

  // Blocks until one of `positions` has a record to read or `deadline`
  // passes; true if one has. Used by subscriptions.
  bool wait_for_any(const std::vector<Position>& positions,
                    std::chrono::steady_clock::time_point deadline);

 private:
  struct Entry;
  explicit JournalLog(LogConfig config);
  Status open_db();
  // Under write_mu_: after a failed write, reopens the database (at most
  // once a second); ok when appends may go on.
  Status recover_after_failed_write();
  Result<std::vector<int64_t>> write_entries(Topic topic, std::span<const Entry> entries);
  bool valid_partition(Topic topic, int32_t partition) const;
  // Scrubs one partition; `*last` is its last readable offset (-1: none).
  Result<std::vector<Damage>> scrub_partition(Topic topic, int32_t partition, int64_t* last);

  LogConfig config_;
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* journal_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* meta_cf_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;

  mutable std::mutex write_mu_;  // one append at a time; held across the sync write
  // db_ and its handles: shared by readers, exclusive for a reopen.
  mutable std::shared_mutex db_mu_;
  // Guarded by write_mu_ (failing() from any thread): after a failed
  // write, until the database was reopened.
  FailedWrite failed_;
  mutable std::mutex mu_;
  std::condition_variable appended_;
  std::array<std::vector<int64_t>, 3> next_;  // per topic, per partition; guarded by mu_
};

}  // namespace kassa::log::journal
