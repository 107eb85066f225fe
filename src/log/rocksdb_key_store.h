#pragma once
// RocksDbKeyStore — the personal-data KeyStore on disk, in its own RocksDB
// database (its own directory, never the journal's): erasing the log's
// backups must never be needed to shred a key, and the key store's backups
// follow their own retention.
//
// Layout: key "k/" + subject -> value
//   [0x01][u32 LE version][32 key bytes]   an active key
//   [0x02]                                 erased (remembered forever)
// erase() writes the marker with sync=true, then flushes the memtable and
// compacts the subject's key range so no SST or live WAL keeps the old bytes.
// (Copies outside RocksDB's control — filesystem snapshots, SSD remapping,
// backups — are out of scope: keep key-store backups short-lived.)
//
// After a failed write (a full disk) writes are refused at once and the
// database is reopened when there is room again (log/recovering_db.h).
//
// Thread-safety: all methods may be called from any thread.

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "log/personal_data.h"

namespace kassa::log {

class RecoveringDb;

class RocksDbKeyStore final : public KeyStore {
 public:
  // Opens or creates the store at `path`. KeyStoreIo if it cannot be opened.
  static Result<std::unique_ptr<RocksDbKeyStore>> open(const std::string& path,
                                                       Random& random = system_random());
  // Opens an existing store to read keys only (beside a kassad that owns
  // it, or a backup's copy): get() answers, create and erase are refused
  // (KeyStoreIo). KeyStoreIo if there is no store at `path`.
  static Result<std::unique_ptr<RocksDbKeyStore>> open_read_only(const std::string& path);
  ~RocksDbKeyStore() override;
  RocksDbKeyStore(const RocksDbKeyStore&) = delete;
  RocksDbKeyStore& operator=(const RocksDbKeyStore&) = delete;

  Result<DataKey> create_key(std::string_view subject) override;
  // Written to the WAL unsynced; sync_keys() syncs the WAL once for all.
  Result<DataKey> create_key_unsynced(std::string_view subject) override;
  Status sync_keys() override;
  // Synced writes and WAL syncs so far (tests: what a bank import costs).
  std::uint64_t syncs() const { return syncs_.load(); }
  // One WriteBatch, one sync, for every subject without a key.
  Status create_keys(std::span<const std::string> subjects) override;
  Result<DataKey> get(std::string_view subject) const override;
  Status erase(std::string_view subject) override;
  // False after a failed write, until the store was reopened (a second
  // later at the earliest, with room on its disk): see log/failed_write.h.
  bool writable() const;
  // A consistent copy of the key store in `dir` (a backup), beside use.
  Status checkpoint(const std::string& dir) const;

 private:
  RocksDbKeyStore(std::unique_ptr<RecoveringDb> db, Random& random);
  std::unique_ptr<RecoveringDb> db_;
  Result<DataKey> create(std::string_view subject, bool sync);
  Random* random_;
  std::mutex write_mu_;  // create_key reads then writes
  // Unsynced key writes made, and how many of them a WAL sync covered.
  std::atomic<std::uint64_t> unsynced_{0};
  std::atomic<std::uint64_t> synced_upto_{0};
  std::atomic<std::uint64_t> syncs_{0};
};

}  // namespace kassa::log
