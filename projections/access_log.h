#pragma once
// The access log: who read which person's data, when, through which route
// and why (the X-Kassa-Purpose header). Kept in its own RocksDB (its own
// folder, its own retention), never in the projections store: a rebuild
// must not touch it. A record names the person by PartyId only.
//
// Layout (default column family):
//   [timestamp_us be64][sequence be64] -> AccessRecord (JSON text)
//
// Group commit: every read waits for its record to be durable before it is
// answered, so concurrent requests share one synced write. A caller adds
// its records to the group being filled; whoever finds no write in flight
// writes the whole group (one WriteBatch, one fsync) and wakes its members
// with the outcome, while the next group fills. One write at a time keeps
// the rule of log/failed_write.h (never a write after a failed one); all
// members of a failed group are refused.
//
// After a failed write (a full disk) record() is refused at once, so the
// read it would record is refused too, until the access log was reopened
// (log/recovering_db.h).
//
// Thread-safety: record() and query() may be called from any thread.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "domain/result.h"

namespace kassa::log {
class RecoveringDb;
}

namespace kassa::projections {

struct AccessRecord {
  std::int64_t at_us = 0;
  std::string principal;
  std::string role;
  std::string party_id;  // the person whose data was read
  std::string route;     // "GET /v1/persons/{party_id}/statement"
  std::string purpose;   // X-Kassa-Purpose
};

class AccessLog {
 public:
  static Result<std::unique_ptr<AccessLog>> open(const std::string& path);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // Durable (fsync'd WAL) when it returns ok.
  Status record(const AccessRecord& record);
  // Several records (a list that names several persons) in one synced
  // write: all or none.
  Status record_all(const std::vector<AccessRecord>& records);
  // False after a failed record() until the access log was reopened.
  bool writable() const;
  // A consistent copy of the access log in `dir` (a backup), beside use.
  Status checkpoint(const std::string& dir) const;

  // Records written and the synced writes that carried them (group commit
  // makes the second smaller under concurrency).
  struct WriteCounts {
    std::uint64_t records = 0;
    std::uint64_t writes = 0;
  };
  WriteCounts counts() const;
  // Records from..to (inclusive, microseconds), optionally of one party.
  Result<std::vector<AccessRecord>> query(std::optional<std::string> party_id, std::int64_t from_us,
                                          std::int64_t to_us, std::size_t limit) const;

  // The same, a page at a time: at most `limit` records after `cursor`
  // (empty: from the start), in time order, and the cursor of the next
  // page (empty when this one ends the range). A cursor is opaque text;
  // one that is not a cursor is refused (CursorFormat).
  struct Page {
    std::vector<AccessRecord> records;
    std::string next_cursor;
  };
  Result<Page> page(std::optional<std::string> party_id, std::int64_t from_us, std::int64_t to_us,
                    const std::string& cursor, std::size_t limit) const;

 private:
  struct Group;
  explicit AccessLog(std::unique_ptr<log::RecoveringDb> db);
  std::unique_ptr<log::RecoveringDb> db_;
  std::atomic<std::uint64_t> sequence_{0};

  std::mutex group_mu_;
  std::condition_variable group_done_;
  std::shared_ptr<Group> filling_;  // under group_mu_: the next group to write
  bool writing_ = false;            // under group_mu_: a group's write is in flight
  std::atomic<std::uint64_t> records_{0};
  std::atomic<std::uint64_t> writes_{0};
};

}  // namespace kassa::projections
