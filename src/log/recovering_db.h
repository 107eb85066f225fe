#pragma once
// RecoveringDb — a RocksDB database (default column family only) whose
// writes are synced and which recovers by itself after a failed write
// (log/failed_write.h): the key store, the idempotency store and the
// access log are built on it.
//
// A write after a failed one is refused at once (IOError "refused: …",
// nothing written) until a reopen worked; reads go on meanwhile. If a
// reopen could not open the database at all, reads fail too (IOError)
// until a later reopen, tried by the next write or read, works.
//
// Thread-safety: all methods from any thread. Writes are serialised;
// reads run concurrently with each other and with writes; a reopen waits
// for the reads in progress.

#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "domain/result.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include "log/failed_write.h"

namespace kassa::log {

class RecoveringDb {
 public:
  // Opens (as `options` say) the database at `path`; `name` names it in
  // log lines and refusals.
  static rocksdb::Status open(std::string name, std::string path, rocksdb::Options options,
                              std::unique_ptr<RecoveringDb>* out);
  // Opens it for reads only (RocksDB's read-only mode: no lock, so beside
  // the process that writes it, seeing what was written when it opened);
  // every write and maintenance is refused (NotSupported), never recorded
  // as a failed write.
  static rocksdb::Status open_read_only(std::string name, std::string path,
                                        rocksdb::Options options,
                                        std::unique_ptr<RecoveringDb>* out);
  ~RecoveringDb();
  RecoveringDb(const RecoveringDb&) = delete;
  RecoveringDb& operator=(const RecoveringDb&) = delete;

  rocksdb::Status get(const rocksdb::Slice& key, std::string* value) const;
  // Runs `read` on the open database (iterators must not outlive it).
  rocksdb::Status read(const std::function<rocksdb::Status(rocksdb::DB&)>& read) const;
  // One WriteBatch, synced unless `sync` is false (then durable with the
  // next synced write or maintain(SyncWAL)).
  rocksdb::Status write(rocksdb::WriteBatch& batch, bool sync = true);
  // Runs `work` (a flush, a compaction) as a write: serialised with
  // writes, and a failure counts as a failed write.
  rocksdb::Status maintain(const std::function<rocksdb::Status(rocksdb::DB&)>& work);
  // A consistent copy in `dir` (log/checkpoint.h), beside reads and writes;
  // a failure is the copy's alone (writes go on). `what` names it.
  Status checkpoint(const std::string& dir, std::string_view what) const;
  // False after a failed write until the reopen worked; asking tries the
  // reopen when one is due, so a readiness probe recovers a store nobody
  // writes to.
  bool writable() const;

 private:
  RecoveringDb(std::string name, std::string path, rocksdb::Options options);
  static rocksdb::Status open_as(std::string name, std::string path, rocksdb::Options options,
                                 bool read_only, std::unique_ptr<RecoveringDb>* out);
  // Under write_mu_: ok when writes may go on.
  rocksdb::Status recover();

  std::string path_;
  rocksdb::Options options_;
  mutable std::mutex write_mu_;
  mutable std::shared_mutex db_mu_;  // shared by reads and writes, exclusive for a reopen
  std::unique_ptr<rocksdb::DB> db_;  // null when a reopen could not open it
  FailedWrite failed_;               // under write_mu_
  bool read_only_ = false;
};

}  // namespace kassa::log
