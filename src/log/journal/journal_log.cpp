#include "log/journal/journal_log.h"

#include "log/checkpoint.h"

#include "log/append_support.h"
#include "log/rocksdb_logger.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <limits>

namespace kassa::log::journal {
namespace {

constexpr uint8_t kFormat = 1;
constexpr uint8_t kFlagQuarantine = 1;
constexpr std::size_t kKeySize = 13;

std::size_t topic_index(Topic topic) { return static_cast<std::size_t>(topic); }

void put_be(std::string& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void put_str(std::string& out, std::string_view s) {
  put_be(out, s.size(), 4);
  out.append(s);
}

std::string journal_key(Topic topic, int32_t partition, int64_t offset) {
  std::string k;
  k.reserve(kKeySize);
  k.push_back(static_cast<char>(topic));
  put_be(k, static_cast<uint32_t>(partition), 4);
  put_be(k, static_cast<uint64_t>(offset), 8);
  return k;
}

std::string meta_partitions_key(Topic topic) {
  return "partitions/" + std::to_string(static_cast<int>(topic));
}

// Reads big-endian integers and strings from a frame; any overrun marks it bad.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  uint64_t be(int bytes) {
    if (in_.size() < static_cast<std::size_t>(bytes)) return fail();
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i)
      v = (v << 8) | static_cast<unsigned char>(in_[static_cast<std::size_t>(i)]);
    in_.remove_prefix(static_cast<std::size_t>(bytes));
    return v;
  }
  std::string str() {
    const auto n = static_cast<std::size_t>(be(4));
    if (!ok_ || in_.size() < n) {
      fail();
      return {};
    }
    std::string s(in_.substr(0, n));
    in_.remove_prefix(n);
    return s;
  }
  std::string rest() { return std::string(std::exchange(in_, {})); }
  bool ok() const { return ok_; }

 private:
  uint64_t fail() {
    ok_ = false;
    in_ = {};
    return 0;
  }
  std::string_view in_;
  bool ok_ = true;
};

std::string frame(std::string_view key, const Record& record, int64_t timestamp_us,
                  const QuarantineInfo* quarantine) {
  std::string out;
  out.reserve(32 + key.size() + record.event_type.size() + record.value.size());
  out.push_back(static_cast<char>(kFormat));
  out.push_back(static_cast<char>(quarantine != nullptr ? kFlagQuarantine : 0));
  put_be(out, record.schema_version, 2);
  put_be(out, static_cast<uint64_t>(timestamp_us), 8);
  put_str(out, key);
  put_str(out, record.event_type);
  if (quarantine != nullptr) {
    put_str(out, quarantine->reason);
    out.push_back(static_cast<char>(quarantine->source_topic));
    put_be(out, static_cast<uint32_t>(quarantine->source_partition), 4);
    put_be(out, static_cast<uint64_t>(quarantine->source_offset), 8);
  }
  out.append(record.value);
  return out;
}

Result<StoredRecord> unframe(Topic topic, int32_t partition, int64_t offset, std::string_view in) {
  Reader r(in);
  StoredRecord rec;
  rec.topic = topic;
  rec.partition = partition;
  rec.offset = offset;
  const auto format = r.be(1);
  const auto flags = r.be(1);
  rec.schema_version = static_cast<uint16_t>(r.be(2));
  rec.timestamp_us = static_cast<int64_t>(r.be(8));
  rec.key = r.str();
  rec.event_type = r.str();
  if ((flags & kFlagQuarantine) != 0) {
    QuarantineInfo q;
    q.reason = r.str();
    const auto src = r.be(1);
    q.source_partition = static_cast<int32_t>(r.be(4));
    q.source_offset = static_cast<int64_t>(r.be(8));
    if (src > static_cast<uint64_t>(Topic::kQuarantine)) {
      return Error::corrupt("JournalFrame", "unknown source topic in a quarantine frame");
    }
    q.source_topic = static_cast<Topic>(src);
    rec.quarantine = std::move(q);
  }
  rec.value = r.rest();
  if (!r.ok() || format != kFormat) {
    return Error::corrupt("JournalFrame",
                          "journal frame at partition " + std::to_string(partition) + " offset " +
                              std::to_string(offset) + " is truncated or of an unknown format");
  }
  return rec;
}

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Error rocks_error(std::string_view what, const rocksdb::Status& s) {
  if (s.IsCorruption()) {
    return Error::corrupt("JournalDamaged",
                          std::string(what) + ": " + s.ToString() +
                              " (run `kassa replay verify` on the journal to list the damaged "
                              "ranges; src/log/README.md says how to restore them)");
  }
  return Error::unavailable("JournalIo", std::string(what) + ": " + s.ToString());
}

std::string partition_name(const LogConfig& config, Topic topic, int32_t partition) {
  return config.topic_name(topic) + "/" + std::to_string(partition);
}

int64_t key_offset(const rocksdb::Slice& key) {
  Reader r(std::string_view(key.data() + 5, 8));
  return static_cast<int64_t>(r.be(8));
}

// Reading options that verify every block and do not fill the cache with
// what a scan reads once.
rocksdb::ReadOptions scan_options(const rocksdb::Slice* upper) {
  rocksdb::ReadOptions ro;
  ro.verify_checksums = true;
  ro.fill_cache = false;
  ro.iterate_upper_bound = upper;
  return ro;
}

// After a failed write whose reopen failed too, until the next one works.
Error closed_error() {
  return Error::unavailable(
      "JournalClosed", "the journal is being reopened after a failed write; retry in a moment");
}

Error read_only_error() {
  return Error::invalid("log", "JournalReadOnly", "the journal was opened read-only");
}

class JournalSubscription final : public Subscription {
 public:
  JournalSubscription(JournalLog& log, std::vector<Position> positions)
      : log_(log), positions_(std::move(positions)) {}

  Result<std::vector<StoredRecord>> poll(std::size_t max,
                                         std::chrono::milliseconds timeout) override {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<StoredRecord> out;
    while (true) {
      // Round-robin from where the last poll stopped, so no partition starves.
      for (std::size_t i = 0; i < positions_.size() && out.size() < max; ++i) {
        Position& pos = positions_[(next_ + i) % positions_.size()];
        KASSA_ASSIGN_OR_RETURN(auto got, log_.read(pos.topic, pos.partition, pos.offset,
                                                   max - out.size(), std::chrono::milliseconds(0)));
        if (!got.empty()) pos.offset = got.back().offset + 1;
        for (auto& rec : got) out.push_back(std::move(rec));
      }
      if (!positions_.empty()) next_ = (next_ + 1) % positions_.size();
      if (!out.empty() || max == 0) return out;
      if (!log_.wait_for_any(positions_, deadline)) return out;
    }
  }

  std::vector<Position> positions() const override { return positions_; }

 private:
  JournalLog& log_;
  std::vector<Position> positions_;
  std::size_t next_ = 0;
};

}  // namespace

struct JournalLog::Entry {
  int32_t partition;
  std::string_view key;
  const Record* record;
  const QuarantineInfo* quarantine;
};

JournalLog::JournalLog(LogConfig config)
    : config_(std::move(config)), failed_("journal", config_.journal_path) {}

JournalLog::~JournalLog() {
  if (db_) {
    for (auto* h : handles_) (void)db_->DestroyColumnFamilyHandle(h);
    (void)db_->Close();
  }
}

Result<std::unique_ptr<JournalLog>> JournalLog::open(const LogConfig& config) {
  for (Topic t : kAllTopics) {
    if (config.partitions(t) <= 0) {
      return Error::invalid("partitions", "PartitionCountPositive",
                            "topic " + config.topic_name(t) + " needs at least one partition");
    }
  }
  std::unique_ptr<JournalLog> log(new JournalLog(config));
  KASSA_TRY(log->open_db());
  return log;
}

Result<std::optional<std::array<int32_t, 3>>> JournalLog::stored_partition_counts(
    const std::string& path) {
  rocksdb::DBOptions options;
  options.info_log = rocksdb_info_log("journal");
  rocksdb::ColumnFamilyOptions cf_options;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
      {rocksdb::kDefaultColumnFamilyName, cf_options},
      {"journal", cf_options},
      {"meta", cf_options},
  };
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(options, path, cfs, &handles, &raw);
  if (s.IsPathNotFound() ||
      (s.IsInvalidArgument() && s.ToString().find("does not exist") != std::string::npos)) {
    return std::optional<std::array<int32_t, 3>>();
  }
  if (!s.ok()) return rocks_error("opening the journal at " + path + " read-only", s);
  std::unique_ptr<rocksdb::DB> db(raw);
  std::optional<std::array<int32_t, 3>> out = std::array<int32_t, 3>{};
  for (Topic t : kAllTopics) {
    std::string stored;
    s = db->Get(rocksdb::ReadOptions(), handles[2], meta_partitions_key(t), &stored);
    if (s.IsNotFound()) {
      out.reset();
      break;
    }
    if (!s.ok()) break;
    Reader r(stored);
    (*out)[topic_index(t)] = static_cast<int32_t>(r.be(4));
    if (!r.ok()) s = rocksdb::Status::Corruption("bad partition count");
  }
  for (auto* h : handles) (void)db->DestroyColumnFamilyHandle(h);
  if (!s.ok() && !s.IsNotFound()) return rocks_error("reading the journal's partition counts", s);
  return out;
}

Status JournalLog::open_db() {
  rocksdb::DBOptions options;
  options.create_if_missing = !config_.read_only;
  options.create_missing_column_families = !config_.read_only;
  options.paranoid_checks = true;
  options.info_log = rocksdb_info_log("journal");
  // Every append is synced before it is acknowledged, so the only record a
  // crash can tear is the last, unacknowledged one: tolerate exactly that.
  // (The default, point in time, silently dropped a damaged record in the
  // middle of the WAL with every record after it.)
  options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  rocksdb::ColumnFamilyOptions cf_options;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
      {rocksdb::kDefaultColumnFamilyName, cf_options},
      {"journal", cf_options},
      {"meta", cf_options},
  };
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      config_.read_only
          ? rocksdb::DB::OpenForReadOnly(options, config_.journal_path, cfs, &handles_, &raw)
          : rocksdb::DB::Open(options, config_.journal_path, cfs, &handles_, &raw);
  if (!s.ok()) return rocks_error("opening the journal at " + config_.journal_path, s);
  db_.reset(raw);
  journal_cf_ = handles_[1];
  meta_cf_ = handles_[2];

  // The partition count is part of the data: a key's partition depends on it.
  rocksdb::WriteBatch meta;
  for (Topic t : kAllTopics) {
    std::string stored;
    s = db_->Get(rocksdb::ReadOptions(), meta_cf_, meta_partitions_key(t), &stored);
    if (s.IsNotFound() && config_.read_only) {
      return Error::not_found("JournalMissing", "no journal at " + config_.journal_path);
    }
    if (s.IsNotFound()) {
      std::string v;
      put_be(v, static_cast<uint32_t>(config_.partitions(t)), 4);
      (void)meta.Put(meta_cf_, meta_partitions_key(t), v);
      continue;
    }
    if (!s.ok()) return rocks_error("reading the journal's partition counts", s);
    Reader r(stored);
    const auto n = static_cast<int32_t>(r.be(4));
    if (!r.ok() || n != config_.partitions(t)) {
      return Error::invalid("partitions", "JournalPartitionCount",
                            "the journal at " + config_.journal_path + " has " + std::to_string(n) +
                                " partitions for " + config_.topic_name(t) +
                                ", the configuration " + std::to_string(config_.partitions(t)));
    }
  }
  if (meta.Count() > 0) {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    s = db_->Write(wo, &meta);
    if (!s.ok()) return rocks_error("writing the journal's partition counts", s);
  }

  // High-water marks: one past the last stored offset of each partition.
  // A partition whose last record cannot be read is damaged, not empty:
  // appending at offset 0 would overwrite acknowledged records.
  for (Topic t : kAllTopics) {
    auto& next = next_[topic_index(t)];
    next.assign(static_cast<std::size_t>(config_.partitions(t)), 0);
    for (int32_t p = 0; p < config_.partitions(t); ++p) {
      const std::string lower = journal_key(t, p, 0);
      rocksdb::Slice lower_slice(lower);
      rocksdb::ReadOptions ro;
      ro.iterate_lower_bound = &lower_slice;
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, journal_cf_));
      it->SeekForPrev(journal_key(t, p, std::numeric_limits<int64_t>::max()));
      if (it->status().ok()) {
        if (it->Valid()) next[static_cast<std::size_t>(p)] = key_offset(it->key()) + 1;
        continue;
      }
      if (!config_.read_only) {
        return rocks_error("the journal's partition " + partition_name(config_, t, p) +
                               " cannot be read; nothing will be written to it",
                           it->status());
      }
      int64_t last = -1;
      KASSA_ASSIGN_OR_RETURN(auto damage, scrub_partition(t, p, &last));
      next[static_cast<std::size_t>(p)] = last + 1;
      spdlog::error("journal partition damaged partition={} readable_to={} damaged_ranges={}",
                    partition_name(config_, t, p), last + 1, damage.size());
    }
  }
  spdlog::info("journal opened at {} ({} person, {} company, {} quarantine partitions)",
               config_.journal_path, config_.person_partitions, config_.company_partitions,
               config_.quarantine_partitions);
  return {};
}

Result<std::vector<Damage>> JournalLog::scrub_partition(Topic topic, int32_t partition,
                                                        int64_t* last) {
  std::vector<Damage> damage;
  *last = -1;
  const std::string upper = journal_key(topic, partition + 1, 0);
  const rocksdb::Slice upper_slice(upper);
  auto seek = [&](int64_t offset) {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(scan_options(&upper_slice), journal_cf_));
    it->Seek(journal_key(topic, partition, offset));
    return it;
  };
  int64_t expect = 0;
  std::unique_ptr<rocksdb::Iterator> it = seek(0);
  while (true) {
    for (; it->Valid(); it->Next()) {
      const int64_t offset = key_offset(it->key());
      if (offset != expect) {
        damage.push_back({topic, partition, expect, offset, "no records at these offsets"});
      }
      if (!unframe(topic, partition, offset, it->value().ToStringView()).ok()) {
        damage.push_back(
            {topic, partition, offset, offset + 1, "the record's frame does not decode"});
      }
      *last = offset;
      expect = offset + 1;
    }
    if (it->status().ok()) return damage;
    if (!it->status().IsCorruption() && !it->status().IsIOError()) {
      return rocks_error("scrubbing " + partition_name(config_, topic, partition), it->status());
    }
    const std::string why = it->status().ToString();
    // The first offset a fresh seek can reach past the damaged block(s):
    // a seek into a damaged block fails, one past it lands on the next
    // readable record (or the partition's end). Gallop, then bisect.
    auto readable = [&](int64_t offset, int64_t* found) {
      auto probe = seek(offset);
      if (!probe->status().ok()) return false;
      *found = probe->Valid() ? key_offset(probe->key()) : -1;
      return true;
    };
    constexpr int64_t kEnd = std::numeric_limits<int64_t>::max() / 2;
    int64_t bad = expect;
    int64_t good = -1;
    int64_t found = -1;
    for (int64_t step = 1; bad < kEnd; step *= 2) {
      const int64_t probe = std::min(bad + step, kEnd);
      if (readable(probe, &found)) {
        good = probe;
        break;
      }
      bad = probe;
    }
    while (good >= 0 && good - bad > 1) {
      const int64_t mid = bad + (good - bad) / 2;
      int64_t at = -1;
      if (readable(mid, &at)) {
        good = mid;
        found = at;
      } else {
        bad = mid;
      }
    }
    damage.push_back({topic, partition, expect, found, why});
    if (good < 0 || found < 0) return damage;  // unreadable to the partition's end
    expect = found;
    it = seek(found);
  }
}

Result<bool> JournalLog::checkpoint(const std::string& dir) {
  std::shared_lock lock(db_mu_);
  if (!db_) return Error::unavailable("JournalClosed", "the journal is being reopened");
  KASSA_TRY(checkpoint_db(*db_, dir, "journal"));
  return true;
}

Result<std::vector<Damage>> JournalLog::scrub() {
  std::shared_lock<std::shared_mutex> db_lock(db_mu_);
  if (!db_) return closed_error();
  std::vector<Damage> all;
  for (Topic t : kAllTopics) {
    for (int32_t p = 0; p < config_.partitions(t); ++p) {
      int64_t last = -1;
      KASSA_ASSIGN_OR_RETURN(auto damage, scrub_partition(t, p, &last));
      const int64_t hwm = *high_water_mark(t, p);
      if (last + 1 < hwm && (damage.empty() || damage.back().to_offset >= 0)) {
        damage.push_back({t, p, last + 1, hwm, "records below the high-water mark are missing"});
      }
      all.insert(all.end(), damage.begin(), damage.end());
    }
  }
  return all;
}

bool JournalLog::valid_partition(Topic topic, int32_t partition) const {
  return partition >= 0 && partition < config_.partitions(topic);
}

int32_t JournalLog::partition_count(Topic topic) const { return config_.partitions(topic); }

Status JournalLog::recover_after_failed_write() {
  // Close and reopen: the database that failed a WAL write is never
  // written again (RocksDB asserts), and recovery keeps every synced batch.
  const bool writable = failed_.recover([this]() -> std::string {
    std::unique_lock<std::shared_mutex> db_lock(db_mu_);
    std::lock_guard<std::mutex> lock(mu_);
    if (db_) {  // a previous reopen may have failed to open it at all
      for (auto* h : handles_) (void)db_->DestroyColumnFamilyHandle(h);
      (void)db_->Close();
      db_.reset();
    }
    handles_.clear();
    Status reopened = open_db();
    return reopened.ok() ? std::string() : reopened.error().message;
  });
  if (!writable) return Error::unavailable("JournalWriteFailed", failed_.refusal());
  return {};
}

EventLog::Health JournalLog::health() const {
  if (failed_.failing()) {
    // Asking tries the reopen when one is due: a readiness probe recovers
    // a journal nobody appends to.
    std::unique_lock writer(write_mu_, std::try_to_lock);
    if (!writer.owns_lock() || !const_cast<JournalLog*>(this)->recover_after_failed_write().ok()) {
      return {false,
              "the journal's last write failed; appends are refused until it can be written again"};
    }
  }
  return {};
}

Result<std::vector<int64_t>> JournalLog::write_entries(Topic topic,
                                                       std::span<const Entry> entries) {
  std::vector<int64_t> offsets;
  if (entries.empty()) return offsets;
  offsets.reserve(entries.size());
  std::lock_guard<std::mutex> writer(write_mu_);
  KASSA_TRY(recover_after_failed_write());
  std::shared_lock<std::shared_mutex> db_lock(db_mu_);
  std::vector<int64_t> next;
  {
    std::lock_guard<std::mutex> lock(mu_);
    next = next_[topic_index(topic)];
  }
  const int64_t ts = now_us();
  rocksdb::WriteBatch batch;
  for (const Entry& e : entries) {
    const int64_t offset = next[static_cast<std::size_t>(e.partition)]++;
    offsets.push_back(offset);
    (void)batch.Put(journal_cf_, journal_key(topic, e.partition, offset),
                    frame(e.key, *e.record, ts, e.quarantine));
  }
  rocksdb::WriteOptions wo;
  wo.sync = true;
  rocksdb::Status s = db_->Write(wo, &batch);
  if (!s.ok()) {
    spdlog::error("journal append failed topic={} error={}", config_.topic_name(topic),
                  s.ToString());
    failed_.record(s.ToString());
    return rocks_error("appending to the journal", s);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::copy(next.begin(), next.end(), next_[topic_index(topic)].begin());
  }
  appended_.notify_all();
  return offsets;
}

Result<std::vector<int64_t>> JournalLog::append(Topic topic, std::string_view aggregate_key,
                                                std::span<const Record> records) {
  KeyedBatch batch{aggregate_key, records};
  KASSA_ASSIGN_OR_RETURN(auto r, append_many(topic, std::span<const KeyedBatch>(&batch, 1)));
  return std::move(r.front());
}

Result<std::vector<std::vector<int64_t>>> JournalLog::append_many(
    Topic topic, std::span<const KeyedBatch> batches) {
  KASSA_TRY(validate_append(topic, batches));
  if (config_.read_only) return read_only_error();
  std::vector<Entry> entries;
  for (const KeyedBatch& b : batches) {
    const int32_t p = partition_for(topic, b.aggregate_key.empty() ? "-" : b.aggregate_key);
    for (const Record& r : b.records) entries.push_back({p, b.aggregate_key, &r, nullptr});
  }
  KASSA_ASSIGN_OR_RETURN(auto offsets, write_entries(topic, entries));
  return split_by_batch(batches, offsets);
}

Status JournalLog::append_quarantine(const StoredRecord& original, std::string_view reason) {
  if (config_.read_only) return read_only_error();
  const std::string key =
      quarantine_key(config_, original.topic, original.partition, original.offset);
  QuarantineInfo info{std::string(reason), original.topic, original.partition, original.offset};
  Record record{original.value, original.event_type, original.schema_version};
  Entry entry{partition_for(Topic::kQuarantine, key), key, &record, &info};
  KASSA_TRY(write_entries(Topic::kQuarantine, std::span<const Entry>(&entry, 1)));
  spdlog::warn("quarantined {} partition {} offset {}: {}", config_.topic_name(original.topic),
               original.partition, original.offset, reason);
  return {};
}

Result<int64_t> JournalLog::high_water_mark(Topic topic, int32_t partition) {
  if (!valid_partition(topic, partition)) {
    return Error::invalid("partition", "PartitionExists",
                          "no partition " + std::to_string(partition));
  }
  std::lock_guard<std::mutex> lock(mu_);
  return next_[topic_index(topic)][static_cast<std::size_t>(partition)];
}

Result<std::vector<StoredRecord>> JournalLog::read(Topic topic, int32_t partition,
                                                   int64_t from_offset, std::size_t max_records,
                                                   std::chrono::milliseconds wait) {
  if (!valid_partition(topic, partition)) {
    return Error::invalid("partition", "PartitionExists",
                          "no partition " + std::to_string(partition));
  }
  int64_t hwm = 0;
  {
    std::unique_lock<std::mutex> lock(mu_);
    auto next = [&] { return next_[topic_index(topic)][static_cast<std::size_t>(partition)]; };
    if (from_offset < 0 || from_offset > next()) {
      return Error::invalid("from_offset", "OffsetInRange",
                            "offset " + std::to_string(from_offset) +
                                " is beyond the high-water mark " + std::to_string(next()));
    }
    appended_.wait_for(lock, wait, [&] { return next() > from_offset; });
    hwm = next();
  }
  std::vector<StoredRecord> out;
  if (hwm <= from_offset || max_records == 0) return out;
  std::shared_lock<std::shared_mutex> db_lock(db_mu_);
  if (!db_) return closed_error();
  const std::string upper = journal_key(topic, partition, hwm);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, journal_cf_));
  int64_t expect = from_offset;
  // Stops on the last record asked for, before Next() reads a block the
  // caller did not ask for (a damaged one would fail the whole read).
  it->Seek(journal_key(topic, partition, from_offset));
  while (it->Valid()) {
    const int64_t offset = key_offset(it->key());
    if (offset != expect) {
      return Error::corrupt("JournalGap", "journal partition " +
                                              partition_name(config_, topic, partition) +
                                              " misses offset " + std::to_string(expect));
    }
    KASSA_ASSIGN_OR_RETURN(auto rec, unframe(topic, partition, offset, it->value().ToStringView()));
    out.push_back(std::move(rec));
    ++expect;
    if (out.size() >= max_records) break;
    it->Next();
  }
  if (!it->status().ok()) {
    return rocks_error("reading the journal's partition " +
                           partition_name(config_, topic, partition) + " at offset " +
                           std::to_string(expect),
                       it->status());
  }
  if (out.size() < max_records && expect < hwm) {
    return Error::corrupt("JournalGap", "journal partition " +
                                            partition_name(config_, topic, partition) +
                                            " holds no record at offset " + std::to_string(expect) +
                                            " below its high-water mark " + std::to_string(hwm));
  }
  return out;
}

bool JournalLog::wait_for_any(const std::vector<Position>& positions,
                              std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  return appended_.wait_until(lock, deadline, [&] {
    return std::any_of(positions.begin(), positions.end(), [&](const Position& p) {
      return next_[topic_index(p.topic)][static_cast<std::size_t>(p.partition)] > p.offset;
    });
  });
}

Result<std::unique_ptr<Subscription>> JournalLog::subscribe(std::vector<Position> from) {
  for (const Position& p : from) {
    if (!valid_partition(p.topic, p.partition)) {
      return Error::invalid("partition", "PartitionExists",
                            "no partition " + std::to_string(p.partition));
    }
    KASSA_ASSIGN_OR_RETURN(auto hwm, high_water_mark(p.topic, p.partition));
    if (p.offset < 0 || p.offset > hwm) {
      return Error::invalid(
          "offset", "OffsetInRange",
          "offset " + std::to_string(p.offset) + " is beyond the high-water mark");
    }
  }
  return std::unique_ptr<Subscription>(
      std::make_unique<JournalSubscription>(*this, std::move(from)));
}

}  // namespace kassa::log::journal
