#pragma once
// FailedWrite — what a RocksDB-backed store does after a write failed (a
// full disk, a quota, an I/O error).
//
// RocksDB 7.8 (Debian bookworm) neither recovers nor fails cleanly: a
// database whose WAL append failed answers every later write with the same
// error (DB::Resume() does not reset the WAL writer), and a *synced* write
// after a failed one aborts the process on an assertion
// (WritableFileWriter::AssertFalseAndGetStatusForPrevError). So every
// store that writes follows one rule: after a failed write it never writes
// to that database again; it refuses writes at once without touching
// RocksDB, and at most once a second, when the folder has room for a new
// WAL and MANIFEST (16 MiB), it closes and reopens the database. WAL
// recovery keeps every write that was acknowledged and drops the torn tail
// of the one that failed. Reads go on from the open database meanwhile.
//
// FailedWrite holds the state of that rule for one database; RecoveringDb
// applies it to a single-column-family store (key store, idempotency
// store, access log); the journal and the projection store apply it to
// their column families themselves.
//
// Thread-safety: record(), may_reopen(), reopened() and why() under the
// owner's writer lock; failing() from any thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace kassa::log {

class FailedWrite {
 public:
  // `name` names the store in log lines (never personal data).
  FailedWrite(std::string name, std::string path);

  // A write failed with `why`: refuse from now on, first reopen in 1 s.
  void record(const std::string& why);
  // True after a failed write until a reopen worked.
  bool failing() const { return failing_.load(std::memory_order_acquire); }
  // When failing(): whether a reopen may be tried now (and, if so, counts
  // the try): a second since the last one and 16 MiB free at the path.
  bool may_reopen();
  // The reopen worked: writes go on.
  void reopened();
  // The reopen failed with `why`: stay failing, next try in a second.
  void reopen_failed(const std::string& why);
  // The message a refused write carries.
  std::string refusal() const;

  static constexpr std::uintmax_t kRoomToReopen = 16u << 20;

 private:
  std::string name_;
  std::string path_;
  std::string why_;
  std::atomic<bool> failing_{false};
  std::chrono::steady_clock::time_point last_try_{};
};

}  // namespace kassa::log
