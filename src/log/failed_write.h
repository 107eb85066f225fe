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
// FailedWrite holds the state of that rule for one database and runs its
// reopen; RecoveringDb applies it to a single-column-family store (key
// store, idempotency store, access log); the journal and the projection
// store apply it to their column families, each with its own locks.
//
// Thread-safety: record(), recover() and refusal() under the owner's
// writer lock; failing() from any thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
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
  // When failing() and a reopen is due (a second after the last try, with
  // 16 MiB free at the path): runs `reopen`, which closes and opens the
  // database and returns why it could not (empty: it is open), and records
  // the outcome. True when writes may go on.
  bool recover(const std::function<std::string()>& reopen);
  // The message a refused write carries.
  std::string refusal() const;

  static constexpr std::uintmax_t kRoomToReopen = 16u << 20;

 private:
  bool may_reopen();
  std::string name_;
  std::string path_;
  std::string why_;
  std::atomic<bool> failing_{false};
  std::chrono::steady_clock::time_point last_try_{};
};

}  // namespace kassa::log
