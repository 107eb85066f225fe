#pragma once
// The access log: who read which person's data, when, through which route
// and why (the X-Kassa-Purpose header). Kept in its own RocksDB (its own
// folder, its own retention), never in the projections store: a rebuild
// must not touch it. A record names the person by PartyId only.
//
// Layout (default column family):
//   [timestamp_us be64][sequence be64] -> AccessRecord (JSON text)
//
// After a failed write (a full disk) record() is refused at once, so the
// read it would record is refused too, until the access log was reopened
// (log/recovering_db.h).
//
// Thread-safety: record() and query() may be called from any thread.

#include <atomic>
#include <cstdint>
#include <memory>
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
  // Records from..to (inclusive, microseconds), optionally of one party.
  Result<std::vector<AccessRecord>> query(std::optional<std::string> party_id,
                                          std::int64_t from_us, std::int64_t to_us,
                                          std::size_t limit) const;

 private:
  explicit AccessLog(std::unique_ptr<log::RecoveringDb> db);
  std::unique_ptr<log::RecoveringDb> db_;
  std::atomic<std::uint64_t> sequence_{0};
};

}  // namespace kassa::projections
