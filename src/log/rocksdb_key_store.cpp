#include "log/rocksdb_key_store.h"
#include "log/recovering_db.h"
#include "log/rocksdb_logger.h"

#include <set>

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>
#include <sodium.h>

namespace kassa::log {

namespace {

constexpr char kActive = 0x01;
constexpr char kErased = 0x02;

std::string db_key(std::string_view subject) { return "k/" + std::string(subject); }

// The key store's options; a read-only open never creates one.
rocksdb::Options store_options(bool create) {
  rocksdb::Options options;
  options.create_if_missing = create;
  options.paranoid_checks = true;
  options.info_log = rocksdb_info_log("keys");
  options.WAL_ttl_seconds = 0;
  options.WAL_size_limit_MB = 0;
  return options;
}

Error io_error(const std::string& what, const rocksdb::Status& s) {
  return Error::unavailable(rules::kKeyStoreIo, what + ": " + s.ToString());
}

}  // namespace

Result<std::unique_ptr<RocksDbKeyStore>> RocksDbKeyStore::open(const std::string& path,
                                                               Random& random) {
  ensure_sodium();
  std::unique_ptr<RecoveringDb> db;
  const rocksdb::Status s = RecoveringDb::open("key store", path, store_options(true), &db);
  if (!s.ok()) return io_error("cannot open the key store at " + path, s);
  return std::unique_ptr<RocksDbKeyStore>(new RocksDbKeyStore(std::move(db), random));
}

Result<std::unique_ptr<RocksDbKeyStore>> RocksDbKeyStore::open_read_only(const std::string& path) {
  ensure_sodium();
  std::unique_ptr<RecoveringDb> db;
  const rocksdb::Status s =
      RecoveringDb::open_read_only("key store", path, store_options(false), &db);
  if (!s.ok()) return io_error("cannot open the key store at " + path + " to read", s);
  return std::unique_ptr<RocksDbKeyStore>(new RocksDbKeyStore(std::move(db), system_random()));
}

RocksDbKeyStore::RocksDbKeyStore(std::unique_ptr<RecoveringDb> db, Random& random)
    : db_(std::move(db)), random_(&random) {}

RocksDbKeyStore::~RocksDbKeyStore() = default;

bool RocksDbKeyStore::writable() const { return db_->writable(); }

Result<DataKey> RocksDbKeyStore::get(std::string_view subject) const {
  std::string value;
  const rocksdb::Status s = db_->get(db_key(subject), &value);
  if (s.IsNotFound()) {
    return Error::not_found(rules::kKeyNotFound,
                            "no personal-data key for subject " + std::string(subject), "subject");
  }
  if (!s.ok()) return io_error("key store read failed", s);
  if (!value.empty() && value[0] == kErased) {
    return Error::not_found(
        rules::kKeyErased,
        "the personal-data key of subject " + std::string(subject) + " was erased", "subject");
  }
  if (value.size() != 1 + 4 + DataKey::kSize || value[0] != kActive) {
    sodium_memzero(value.data(), value.size());
    return Error::corrupt(rules::kKeyStoreIo,
                          "key store record of subject " + std::string(subject) + " is malformed");
  }
  std::uint32_t version = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    version |= static_cast<std::uint32_t>(static_cast<std::uint8_t>(value[1 + i])) << (8 * i);
  }
  std::array<std::uint8_t, DataKey::kSize> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(value[5 + i]);
  DataKey key(version, bytes);
  sodium_memzero(bytes.data(), bytes.size());
  sodium_memzero(value.data(), value.size());
  return key;
}

Result<DataKey> RocksDbKeyStore::create_key(std::string_view subject) {
  return create(subject, /*sync=*/true);
}

Result<DataKey> RocksDbKeyStore::create_key_unsynced(std::string_view subject) {
  return create(subject, /*sync=*/false);
}

Status RocksDbKeyStore::sync_keys() {
  // Every unsynced write counted before the sync starts is covered by it;
  // one made meanwhile waits for the next call. A key is readable (get)
  // a moment before it is counted: the caller that created it syncs (the
  // writer, before its append), never one that only read it. Subjects are
  // new per registration or suspense item, created once by one command.
  const std::uint64_t upto = unsynced_.load();
  if (synced_upto_.load() >= upto) return {};
  const rocksdb::Status s = db_->maintain([](rocksdb::DB& db) { return db.SyncWAL(); });
  if (!s.ok()) return io_error("key store sync failed", s);
  ++syncs_;
  std::uint64_t seen = synced_upto_.load();
  while (seen < upto && !synced_upto_.compare_exchange_weak(seen, upto)) {
  }
  return {};
}

Result<DataKey> RocksDbKeyStore::create(std::string_view subject, bool sync) {
  std::lock_guard lock(write_mu_);
  auto existing = get(subject);
  if (existing.ok()) {
    return Error::conflict(rules::kKeyExists,
                           "subject " + std::string(subject) + " already has a key", "subject");
  }
  if (existing.error().rule != rules::kKeyNotFound) return existing.error();

  std::array<std::uint8_t, DataKey::kSize> bytes{};
  random_->fill(bytes);
  DataKey key(1, bytes);
  std::string value(1 + 4 + DataKey::kSize, '\0');
  value[0] = kActive;
  value[1] = 1;  // version 1, little-endian
  for (std::size_t i = 0; i < bytes.size(); ++i) value[5 + i] = static_cast<char>(bytes[i]);
  sodium_memzero(bytes.data(), bytes.size());
  rocksdb::WriteBatch batch;
  batch.Put(db_key(subject), value);
  sodium_memzero(value.data(), value.size());
  const rocksdb::Status s = db_->write(batch, sync);
  if (!s.ok()) return io_error("key store write failed", s);
  if (sync) {
    ++syncs_;
  } else {
    ++unsynced_;
  }
  return key;
}

Status RocksDbKeyStore::create_keys(std::span<const std::string> subjects) {
  std::lock_guard lock(write_mu_);
  rocksdb::WriteBatch batch;
  std::set<std::string_view> in_batch;
  for (const auto& subject : subjects) {
    if (!in_batch.insert(subject).second) continue;
    auto existing = get(subject);
    if (existing.ok()) continue;
    if (existing.error().rule != rules::kKeyNotFound) return existing.error();
    std::array<std::uint8_t, DataKey::kSize> bytes{};
    random_->fill(bytes);
    std::string value(1 + 4 + DataKey::kSize, '\0');
    value[0] = kActive;
    value[1] = 1;  // version 1, little-endian
    for (std::size_t i = 0; i < bytes.size(); ++i) value[5 + i] = static_cast<char>(bytes[i]);
    sodium_memzero(bytes.data(), bytes.size());
    batch.Put(db_key(subject), value);
    sodium_memzero(value.data(), value.size());
  }
  if (batch.Count() == 0) return {};
  const rocksdb::Status s = db_->write(batch);
  if (!s.ok()) return io_error("key store write failed", s);
  ++syncs_;
  return {};
}

Status RocksDbKeyStore::erase(std::string_view subject) {
  std::lock_guard lock(write_mu_);
  const std::string k = db_key(subject);
  rocksdb::WriteBatch batch;
  batch.Put(k, std::string(1, kErased));
  rocksdb::Status s = db_->write(batch);
  if (!s.ok()) return io_error("key store erase failed", s);
  ++syncs_;
  // Push the old value out of the memtable, WAL and older SSTs.
  s = db_->maintain([&k](rocksdb::DB& db) {
    rocksdb::Status flushed = db.Flush(rocksdb::FlushOptions());
    if (!flushed.ok()) return flushed;
    rocksdb::CompactRangeOptions co;
    co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    const rocksdb::Slice begin(k);
    const rocksdb::Slice end(k);
    return db.CompactRange(co, &begin, &end);
  });
  if (!s.ok()) return io_error("key store flush and compaction after erase failed", s);
  return {};
}

Status RocksDbKeyStore::checkpoint(const std::string& dir) const {
  return db_->checkpoint(dir, "key store");
}

}  // namespace kassa::log
