#include "projections/access_log.h"

#include <algorithm>

#include <rocksdb/db.h>
#include <nlohmann/json.hpp>

#include "log/recovering_db.h"
#include "log/rocksdb_logger.h"
#include "log/uuid.h"
#include "projections/kv.h"

namespace kassa::projections {

AccessLog::AccessLog(std::unique_ptr<log::RecoveringDb> db) : db_(std::move(db)) {}
AccessLog::~AccessLog() = default;

bool AccessLog::writable() const { return db_->writable(); }

Result<std::unique_ptr<AccessLog>> AccessLog::open(const std::string& path) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.info_log = log::rocksdb_info_log("access_log");
  std::unique_ptr<log::RecoveringDb> db;
  rocksdb::Status s = log::RecoveringDb::open("access log", path, options, &db);
  if (!s.ok()) return Error::unavailable("AccessLogIo", "open " + path + ": " + s.ToString());
  std::unique_ptr<AccessLog> log(new AccessLog(std::move(db)));
  // Continue the sequence after the last record (keys stay unique across restarts).
  s = log->db_->read([&log](rocksdb::DB& opened) {
    std::unique_ptr<rocksdb::Iterator> it(opened.NewIterator(rocksdb::ReadOptions()));
    it->SeekToLast();
    if (it->Valid() && it->key().size() == 16) {
      log->sequence_ = get_be(std::string_view(it->key().data(), 16), 8, 8) + 1;
    }
    return it->status();
  });
  if (!s.ok()) return Error::unavailable("AccessLogIo", "open " + path + ": " + s.ToString());
  return log;
}

Status AccessLog::record(const AccessRecord& r) { return record_all({r}); }

struct AccessLog::Group {
  rocksdb::WriteBatch batch;
  std::uint64_t records = 0;
  bool done = false;
  rocksdb::Status status;
};

AccessLog::WriteCounts AccessLog::counts() const {
  return {records_.load(std::memory_order_relaxed), writes_.load(std::memory_order_relaxed)};
}

Status AccessLog::record_all(const std::vector<AccessRecord>& records) {
  if (records.empty()) return {};
  std::vector<std::pair<std::string, std::string>> entries;
  entries.reserve(records.size());
  for (const AccessRecord& r : records) {
    std::string key;
    put_be64(key, static_cast<std::uint64_t>(r.at_us));
    put_be64(key, sequence_.fetch_add(1));
    nlohmann::json j = {{"at_us", r.at_us}, {"principal", r.principal},
                        {"role", r.role},   {"party_id", r.party_id},
                        {"route", r.route}, {"purpose", r.purpose}};
    entries.emplace_back(std::move(key), j.dump());
  }
  std::unique_lock lock(group_mu_);
  if (!filling_) filling_ = std::make_shared<Group>();
  const std::shared_ptr<Group> mine = filling_;
  for (const auto& [key, value] : entries) mine->batch.Put(key, value);
  mine->records += entries.size();
  while (!mine->done) {
    if (writing_) {
      group_done_.wait(lock);
      continue;
    }
    // No write in flight and ours not written: ours is the group being
    // filled (a group leaves `filling_` only to be written). Write it.
    std::shared_ptr<Group> group = std::move(filling_);
    filling_.reset();
    writing_ = true;
    lock.unlock();
    rocksdb::Status s = db_->write(group->batch);
    if (s.ok()) {
      records_.fetch_add(group->records, std::memory_order_relaxed);
      writes_.fetch_add(1, std::memory_order_relaxed);
    }
    lock.lock();
    group->status = std::move(s);
    group->done = true;
    writing_ = false;
    group_done_.notify_all();
  }
  if (!mine->status.ok())
    return Error::unavailable("AccessLogIo", "write: " + mine->status.ToString());
  return {};
}

Result<std::vector<AccessRecord>> AccessLog::query(std::optional<std::string> party_id,
                                                   std::int64_t from_us, std::int64_t to_us,
                                                   std::size_t limit) const {
  KASSA_ASSIGN_OR_RETURN(auto p, page(std::move(party_id), from_us, to_us, "", limit));
  return std::move(p.records);
}

Result<AccessLog::Page> AccessLog::page(std::optional<std::string> party_id, std::int64_t from_us,
                                        std::int64_t to_us, const std::string& cursor,
                                        std::size_t limit) const {
  // A cursor is the hex of the last key the previous page returned.
  std::string after;
  if (!cursor.empty()) {
    auto raw = key_of_cursor(cursor);
    if (!raw || raw->size() != 16) {
      return Error::invalid("cursor", "CursorFormat", "cursor: the next_cursor of a previous page");
    }
    after = std::move(*raw);
  }
  std::string start;
  put_be64(start, static_cast<std::uint64_t>(std::max<std::int64_t>(0, from_us)));
  if (!after.empty() && after > start) start = after;
  Page out;
  std::string last_key;
  bool malformed = false;
  rocksdb::Status s = db_->read([&](rocksdb::DB& db) {
    std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions()));
    for (it->Seek(start); it->Valid(); it->Next()) {
      const std::string_view key(it->key().data(), it->key().size());
      if (key.size() != 16) continue;
      if (!after.empty() && key <= after) continue;
      const auto at = static_cast<std::int64_t>(get_be(key, 0, 8));
      if (at > to_us) break;
      auto j = nlohmann::json::parse(it->value().ToString(), nullptr, false);
      if (j.is_discarded()) {
        malformed = true;
        break;
      }
      AccessRecord r{
          j.value("at_us", std::int64_t{0}), j.value("principal", ""), j.value("role", ""),
          j.value("party_id", ""),           j.value("route", ""),     j.value("purpose", "")};
      if (party_id && r.party_id != *party_id) continue;
      if (out.records.size() == limit) {
        // One more record matches: this page has a next one.
        out.next_cursor =
            log::to_hex(reinterpret_cast<const std::uint8_t*>(last_key.data()), last_key.size());
        break;
      }
      last_key.assign(key);
      out.records.push_back(std::move(r));
    }
    return it->status();
  });
  if (malformed) return Error::corrupt("AccessRecord", "an access record does not parse");
  if (!s.ok()) return Error::unavailable("AccessLogIo", s.ToString());
  return out;
}

Status AccessLog::checkpoint(const std::string& dir) const {
  return db_->checkpoint(dir, "access log");
}

}  // namespace kassa::projections
