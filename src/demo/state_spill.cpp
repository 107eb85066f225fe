#include "demo/state_spill.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>

#include <cstring>
#include <filesystem>
#include <span>
#include <system_error>
#include <vector>

#include "domain/snapshot.h"
#include "log/rocksdb_logger.h"

namespace kassa::demo {

namespace {

// A value: the tip's sequence (8 bytes, little-endian), its hash (32), then
// the snapshot.
constexpr std::size_t kTipBytes = 8 + std::tuple_size_v<log::Hash>;

std::string encode(const domain::PersonState& state, const log::ChainTip& tip) {
  const std::vector<std::uint8_t> snapshot = domain::serialize(state);
  std::string value(kTipBytes + snapshot.size(), '\0');
  for (std::size_t i = 0; i < 8; ++i)
    value[i] = static_cast<char>((tip.sequence >> (8 * i)) & 0xff);
  std::memcpy(value.data() + 8, tip.hash.data(), tip.hash.size());
  std::memcpy(value.data() + kTipBytes, snapshot.data(), snapshot.size());
  return value;
}

}  // namespace

Result<std::unique_ptr<StateSpill>> StateSpill::open(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (!ec) std::filesystem::create_directories(std::filesystem::path(dir).parent_path(), ec);
  if (ec) return Error::unavailable("ScratchDir", dir + ": " + ec.message());
  rocksdb::Options options;
  options.create_if_missing = true;
  options.error_if_exists = true;
  options.info_log = log::rocksdb_info_log("demo_scratch");
  // Bounded memory whatever the population: one 32 MB memtable being
  // filled, one being flushed, a small block cache (the OS page cache holds
  // the files).
  options.write_buffer_size = 32 << 20;
  options.max_write_buffer_number = 2;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(32 << 20);
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  if (!s.ok()) return Error::unavailable("ScratchDir", dir + ": " + s.ToString());
  return std::unique_ptr<StateSpill>(new StateSpill(dir, std::unique_ptr<rocksdb::DB>(raw)));
}

StateSpill::StateSpill(std::string dir, std::unique_ptr<rocksdb::DB> db)
    : dir_(std::move(dir)), db_(std::move(db)) {}

StateSpill::~StateSpill() {
  db_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);  // scratch: nothing to keep
}

void StateSpill::put(const std::string& key, const domain::PersonState& state,
                     const log::ChainTip& tip) {
  if (failed_) return;
  rocksdb::WriteOptions wo;
  wo.disableWAL = true;  // scratch: a crash ends the generation anyway
  const rocksdb::Status s = db_->Put(wo, key, encode(state, tip));
  if (!s.ok()) {
    failed_ = Error::unavailable("ScratchStore", "spilling a person state: " + s.ToString());
    return;
  }
  ++puts_;
}

Result<std::optional<StateSpill::Entry>> StateSpill::get(const std::string& key) {
  if (failed_) return *failed_;
  auto entry = read(key);
  if (!entry) failed_ = entry.error();
  return entry;
}

Status StateSpill::status() const {
  if (failed_) return *failed_;
  return {};
}

Result<std::optional<StateSpill::Entry>> StateSpill::read(const std::string& key) {
  std::string value;
  const rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), key, &value);
  if (s.IsNotFound()) return std::optional<Entry>{};
  if (!s.ok()) return Error::unavailable("ScratchStore", "loading a person state: " + s.ToString());
  if (value.size() < kTipBytes) {
    return Error::corrupt("SnapshotInvalid", "a spilled person state is shorter than its tip");
  }
  ++gets_;
  Entry entry;
  for (std::size_t i = 0; i < 8; ++i) {
    entry.tip.sequence |= std::uint64_t{static_cast<unsigned char>(value[i])} << (8 * i);
  }
  std::memcpy(entry.tip.hash.data(), value.data() + 8, entry.tip.hash.size());
  KASSA_ASSIGN_OR_RETURN(entry.state,
                         domain::deserialize_person(std::span<const std::uint8_t>(
                             reinterpret_cast<const std::uint8_t*>(value.data()) + kTipBytes,
                             value.size() - kTipBytes)));
  return std::optional<Entry>{std::move(entry)};
}

}  // namespace kassa::demo
