#include "projections/access_log.h"

#include <nlohmann/json.hpp>
#include <rocksdb/db.h>

#include "projections/kv.h"
#include "log/rocksdb_logger.h"

namespace kassa::projections {

AccessLog::AccessLog(std::unique_ptr<rocksdb::DB> db) : db_(std::move(db)) {}
AccessLog::~AccessLog() {
  if (db_) (void)db_->Close();
}

Result<std::unique_ptr<AccessLog>> AccessLog::open(const std::string& path) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.info_log = log::rocksdb_info_log("access_log");
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, path, &raw);
  if (!s.ok()) return Error::unavailable("AccessLogIo", "open " + path + ": " + s.ToString());
  std::unique_ptr<AccessLog> log(new AccessLog(std::unique_ptr<rocksdb::DB>(raw)));
  // Continue the sequence after the last record (keys stay unique across restarts).
  std::unique_ptr<rocksdb::Iterator> it(log->db_->NewIterator(rocksdb::ReadOptions()));
  it->SeekToLast();
  if (it->Valid() && it->key().size() == 16) {
    log->sequence_ = get_be(std::string_view(it->key().data(), 16), 8, 8) + 1;
  }
  return log;
}

Status AccessLog::record(const AccessRecord& r) {
  std::string key;
  put_be64(key, static_cast<std::uint64_t>(r.at_us));
  put_be64(key, sequence_.fetch_add(1));
  nlohmann::json j = {{"at_us", r.at_us},         {"principal", r.principal}, {"role", r.role},
                      {"party_id", r.party_id},   {"route", r.route},         {"purpose", r.purpose}};
  rocksdb::WriteOptions wo;
  wo.sync = true;
  rocksdb::Status s = db_->Put(wo, key, j.dump());
  if (!s.ok()) return Error::unavailable("AccessLogIo", "write: " + s.ToString());
  return {};
}

Result<std::vector<AccessRecord>> AccessLog::query(std::optional<std::string> party_id,
                                                   std::int64_t from_us, std::int64_t to_us,
                                                   std::size_t limit) const {
  std::vector<AccessRecord> out;
  std::string start;
  put_be64(start, static_cast<std::uint64_t>(std::max<std::int64_t>(0, from_us)));
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(start); it->Valid() && out.size() < limit; it->Next()) {
    const auto at = static_cast<std::int64_t>(get_be(std::string_view(it->key().data(), 16), 0, 8));
    if (at > to_us) break;
    auto j = nlohmann::json::parse(it->value().ToString(), nullptr, false);
    if (j.is_discarded()) return Error::corrupt("AccessRecord", "an access record does not parse");
    AccessRecord r{j.value("at_us", std::int64_t{0}), j.value("principal", ""), j.value("role", ""),
                   j.value("party_id", ""), j.value("route", ""), j.value("purpose", "")};
    if (party_id && r.party_id != *party_id) continue;
    out.push_back(std::move(r));
  }
  if (!it->status().ok()) return Error::unavailable("AccessLogIo", it->status().ToString());
  return out;
}

}  // namespace kassa::projections
