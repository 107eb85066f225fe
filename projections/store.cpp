#include "projections/store.h"

#include "log/checkpoint.h"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <sodium.h>

#include <algorithm>
#include <filesystem>

#include "log/random.h"
#include "log/rocksdb_logger.h"

namespace kassa::projections {

std::string_view cf_name(Cf cf) {
  switch (cf) {
    case Cf::kParties: return "parties";
    case Cf::kStatement: return "statement";
    case Cf::kDebt: return "debt";
    case Cf::kCareer: return "career";
    case Cf::kCompany: return "company";
    case Cf::kTax: return "tax";
    case Cf::kStats: return "stats";
    case Cf::kIndex: return "index";
    case Cf::kNiss: return "niss";
    case Cf::kState: return "state";
    case Cf::kOffsets: return "offsets";
  }
  return "unknown";
}

std::string to_hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto b = static_cast<std::uint8_t>(c);
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}

// ---- MemKv ------------------------------------------------------------------

Result<std::optional<std::string>> MemKv::get(Cf cf, std::string_view key) const {
  const auto& m = maps_[cf_index(cf)];
  auto it = m.find(key);
  if (it == m.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

Status MemKv::scan(Cf cf, std::string_view prefix, std::string_view start,
                   const std::function<bool(std::string_view, std::string_view)>& visit) const {
  const auto& m = maps_[cf_index(cf)];
  for (auto it = m.lower_bound(start.empty() ? prefix : start); it != m.end(); ++it) {
    if (std::string_view(it->first).substr(0, prefix.size()) != prefix) break;
    if (!visit(it->first, it->second)) break;
  }
  return {};
}

void MemKv::put(Cf cf, std::string_view key, std::string_view value) {
  auto& m = maps_[cf_index(cf)];
  auto it = m.find(key);
  if (it == m.end()) {
    m.emplace(std::string(key), std::string(value));
  } else {
    it->second.assign(value);
  }
}

void MemKv::del(Cf cf, std::string_view key) {
  auto& m = maps_[cf_index(cf)];
  auto it = m.find(key);
  if (it != m.end()) m.erase(it);
}

// ---- RocksDB ----------------------------------------------------------------

namespace {

rocksdb::Slice slice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

Error io_error(const std::string& what, const rocksdb::Status& s) {
  return Error::unavailable("ProjectionStoreIo", what + ": " + s.ToString());
}

// After a failed write whose reopen could not open the store at all.
Error closed_error() {
  return Error::unavailable(
      "ProjectionStoreClosed",
      "the projection store is being reopened after a failed write; retry in a moment");
}

std::string offset_key(log::Topic topic, std::int32_t partition) {
  std::string k;
  k.push_back(static_cast<char>(topic));
  put_be32(k, static_cast<std::uint32_t>(partition));
  return k;
}

Status scan_impl(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf, const rocksdb::Snapshot* snap,
                 std::string_view prefix, std::string_view start,
                 const std::function<bool(std::string_view, std::string_view)>& visit) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snap;
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(ro, cf));
  for (it->Seek(slice(start.empty() ? prefix : start)); it->Valid(); it->Next()) {
    const rocksdb::Slice k = it->key();
    if (k.size() < prefix.size() || std::string_view(k.data(), prefix.size()) != prefix) break;
    if (!visit(std::string_view(k.data(), k.size()),
               std::string_view(it->value().data(), it->value().size()))) {
      break;
    }
  }
  if (!it->status().ok()) return io_error("scan", it->status());
  return {};
}

Result<std::optional<std::string>> get_impl(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf,
                                            const rocksdb::Snapshot* snap, std::string_view key) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snap;
  std::string value;
  rocksdb::Status s = db.Get(ro, cf, slice(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return io_error("get", s);
  return std::optional<std::string>(std::move(value));
}

}  // namespace

StoreBatch::StoreBatch(const Store& store)
    : store_(store), batch_(std::make_unique<rocksdb::WriteBatch>()) {}
StoreBatch::~StoreBatch() = default;
void StoreBatch::put(Cf cf, std::string_view key, std::string_view value) {
  (void)batch_->Put(store_.handle(cf), slice(key), slice(value));
}
void StoreBatch::del(Cf cf, std::string_view key) {
  (void)batch_->Delete(store_.handle(cf), slice(key));
}
void StoreBatch::clear() { batch_->Clear(); }
std::size_t StoreBatch::count() const { return static_cast<std::size_t>(batch_->Count()); }

StoreSnapshot::StoreSnapshot(const Store& store, std::shared_lock<std::shared_timed_mutex> lock,
                             const rocksdb::Snapshot* snapshot)
    : store_(store), lock_(std::move(lock)), snapshot_(snapshot) {}
StoreSnapshot::~StoreSnapshot() {
  if (snapshot_ != nullptr) store_.db().ReleaseSnapshot(snapshot_);
}
Result<std::optional<std::string>> StoreSnapshot::get(Cf cf, std::string_view key) const {
  return get_impl(store_.db(), store_.handle(cf), snapshot_, key);
}
Status StoreSnapshot::scan(
    Cf cf, std::string_view prefix, std::string_view start,
    const std::function<bool(std::string_view, std::string_view)>& visit) const {
  return scan_impl(store_.db(), store_.handle(cf), snapshot_, prefix, start, visit);
}

Store::Store(std::string path, Durability durability)
    : path_(path), durability_(durability), failed_("projection store", std::move(path)) {}

struct Store::OpenOptions {
  rocksdb::DBOptions db;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
};

Store::~Store() { close_db(); }

void Store::close_db() {
  if (db_) {
    for (auto* h : handles_) (void)db_->DestroyColumnFamilyHandle(h);
    if (default_ != nullptr) (void)db_->DestroyColumnFamilyHandle(default_);
    (void)db_->Close();
  }
  db_.reset();
  handles_.clear();
  default_ = nullptr;
}

Status Store::open_db() {
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      rocksdb::DB::Open(open_options_->db, path_, open_options_->descriptors, &handles, &raw);
  if (!s.ok()) return io_error("open " + path_, s);
  db_.reset(raw);
  default_ = handles[0];
  handles_.assign(handles.begin() + 1, handles.end());
  return {};
}

namespace {
constexpr const char* kFormatKey = "kassa.store-format";
}  // namespace

Result<std::unique_ptr<Store>> Store::open(const std::string& path, Durability durability) {
  const bool created = !std::filesystem::exists(path + "/CURRENT");
  std::unique_ptr<Store> store(new Store(path, durability));
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.info_log = log::rocksdb_info_log("projections");
  options.IncreaseParallelism(2);
  options.max_background_jobs = 2;
  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.write_buffer_size = 64 << 20;
  cf_options.max_write_buffer_number = 4;
  cf_options.level0_slowdown_writes_trigger = 40;
  cf_options.level0_stop_writes_trigger = 60;
  // Per-aggregate keys start with [kind tag][aggregate key] (34 bytes for a
  // person) and a batch inserts each aggregate's keys in order: the memtable
  // keeps a hint per prefix and skips most of the skip-list search.
  cf_options.memtable_insert_with_hint_prefix_extractor.reset(
      rocksdb::NewCappedPrefixTransform(34));
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  store->open_options_ = std::make_unique<OpenOptions>();
  store->open_options_->db = options;
  auto& descriptors = store->open_options_->descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, cf_options);
  for (Cf cf : kAllCfs) descriptors.emplace_back(std::string(cf_name(cf)), cf_options);
  KASSA_TRY(store->open_db());
  store->options_ = std::make_unique<rocksdb::Options>(options, cf_options);
  // Ingested files are written by the projector's own thread: uncompressed
  // (compaction, on a background thread, compresses what it merges; a file
  // placed straight at the bottom level stays uncompressed until then).
  store->options_->compression = rocksdb::kNoCompression;
  if (durability == Durability::kIngest) {
    // Files of an earlier, interrupted build are not ours to reuse: an
    // ingested file's name may still be a hard link to a live table file.
    std::error_code ec;
    std::filesystem::remove_all(path + "/bulk", ec);
    if (ec)
      return Error::unavailable("ProjectionStoreIo",
                                "cannot empty " + path + "/bulk: " + ec.message());
  }
  if (created) KASSA_TRY(store->mark_current_format());
  return store;
}

Status Store::mark_current_format() {
  rocksdb::WriteBatch batch;
  (void)batch.Put(default_, kFormatKey, std::to_string(kStoreFormat));
  return write(batch, /*sync=*/true);
}

Status Store::recover() {
  if (!failed_.failing()) return {};
  std::unique_lock recovering(recover_mu_, std::try_to_lock);
  if (!recovering.owns_lock()) {
    return Error::unavailable("ProjectionStoreWriteFailed",
                              "the projection store is being reopened");
  }
  const bool writable = failed_.recover([this]() -> std::string {
    // Readers hold the lock for a query at most; one that takes longer
    // makes this try give way to the next.
    std::unique_lock lock(db_mu_, std::defer_lock);
    if (!lock.try_lock_for(std::chrono::seconds(1))) {
      return "readers held the store for over a second; not reopened this time";
    }
    close_db();
    Status s = open_db();
    return s.ok() ? std::string() : s.error().message;
  });
  if (!writable) return Error::unavailable("ProjectionStoreWriteFailed", failed_.refusal());
  return {};
}

Status Store::write(rocksdb::WriteBatch& batch, bool sync) {
  KASSA_TRY(recover());
  std::shared_lock lock(db_mu_);
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  wo.disableWAL = durability_ == Durability::kFlushAtEnd;
  rocksdb::Status s = db_->Write(wo, &batch);
  if (!s.ok()) {
    failed_.record(s.ToString());
    return io_error("write", s);
  }
  return {};
}

Result<int> Store::format() const {
  std::shared_lock lock(db_mu_);
  if (!db_) return closed_error();
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), default_, kFormatKey, &value);
  if (s.IsNotFound()) return 1;
  if (!s.ok()) return io_error("read the format of " + path_, s);
  if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos ||
      value.size() > 4) {
    return Error::corrupt("StoreFormat", "the store's format is not a number");
  }
  return std::stoi(value);
}

Result<std::optional<std::string>> Store::get(Cf cf, std::string_view key) const {
  std::shared_lock lock(db_mu_);
  if (!db_) return closed_error();
  return get_impl(*db_, handle(cf), nullptr, key);
}

Status Store::scan(Cf cf, std::string_view prefix, std::string_view start,
                   const std::function<bool(std::string_view, std::string_view)>& visit) const {
  std::shared_lock lock(db_mu_);
  if (!db_) return closed_error();
  return scan_impl(*db_, handle(cf), nullptr, prefix, start, visit);
}

Result<std::unique_ptr<StoreSnapshot>> Store::snapshot() const {
  std::shared_lock lock(db_mu_);
  if (!db_) return closed_error();
  const rocksdb::Snapshot* snap = db_->GetSnapshot();
  return std::make_unique<StoreSnapshot>(*this, std::move(lock), snap);
}

Status Store::commit(StoreBatch& batch, const std::vector<log::Position>& next_offsets) {
  std::string value;
  for (const log::Position& p : next_offsets) {
    value.clear();
    put_be64(value, static_cast<std::uint64_t>(p.offset));
    batch.put(Cf::kOffsets, offset_key(p.topic, p.partition), value);
  }
  if (durability_ == Durability::kIngest) return ingest(batch);
  return write(batch.batch(), /*sync=*/false);
}

namespace {

// One put or delete of a batch, pointing into the WriteBatch's bytes.
struct BulkEntry {
  rocksdb::Slice key;
  rocksdb::Slice value;
  std::uint32_t order;  // position in the batch: the last write of a key wins
  bool del;
};

// Splits a WriteBatch into its entries per column family ID.
class BulkCollector final : public rocksdb::WriteBatch::Handler {
 public:
  explicit BulkCollector(std::vector<std::vector<BulkEntry>>& by_cf) : by_cf_(by_cf) {}
  rocksdb::Status PutCF(std::uint32_t cf, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    return add(cf, BulkEntry{key, value, order_++, false});
  }
  rocksdb::Status DeleteCF(std::uint32_t cf, const rocksdb::Slice& key) override {
    return add(cf, BulkEntry{key, {}, order_++, true});
  }

 private:
  rocksdb::Status add(std::uint32_t cf, BulkEntry entry) {
    if (cf >= by_cf_.size()) return rocksdb::Status::InvalidArgument("unknown column family");
    by_cf_[cf].push_back(entry);
    return rocksdb::Status::OK();
  }
  std::vector<std::vector<BulkEntry>>& by_cf_;
  std::uint32_t order_ = 0;
};

}  // namespace

// kIngest: the batch's writes sorted per column family (the last write of a
// key wins), one SST file per column family, all ingested in one atomic call.
Status Store::ingest(StoreBatch& batch) {
  std::uint32_t max_id = 0;
  for (auto* h : handles_) max_id = std::max(max_id, h->GetID());
  std::vector<std::vector<BulkEntry>> by_cf(max_id + 1);
  BulkCollector collector(by_cf);
  rocksdb::Status s = batch.batch().Iterate(&collector);
  if (!s.ok()) return io_error("ingest: read batch", s);

  namespace fs = std::filesystem;
  const std::string dir = path_ + "/bulk";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return Error::unavailable("ProjectionStoreIo", "cannot create " + dir + ": " + ec.message());
  const std::uint64_t n = ++ingested_batches_;
  std::vector<rocksdb::IngestExternalFileArg> args;
  for (auto* h : handles_) {
    std::vector<BulkEntry>& entries = by_cf[h->GetID()];
    if (entries.empty()) continue;
    std::sort(entries.begin(), entries.end(), [](const BulkEntry& a, const BulkEntry& b) {
      const int c = a.key.compare(b.key);
      return c != 0 ? c < 0 : a.order < b.order;
    });
    // The page cache keeps what was written: the next batch reads it back.
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), *options_, h,
                                  /*invalidate_page_cache=*/false);
    const std::string file = dir + "/" + std::to_string(n) + "-" + h->GetName() + ".sst";
    s = writer.Open(file);
    if (!s.ok()) return io_error("ingest: open " + file, s);
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (i + 1 < entries.size() && entries[i + 1].key == entries[i].key) continue;
      s = entries[i].del ? writer.Delete(entries[i].key)
                         : writer.Put(entries[i].key, entries[i].value);
      if (!s.ok()) return io_error("ingest: write " + file, s);
    }
    s = writer.Finish();
    if (!s.ok()) return io_error("ingest: finish " + file, s);
    rocksdb::IngestExternalFileArg arg;
    arg.column_family = h;
    arg.external_files.push_back(file);
    arg.options.move_files = true;
    arg.options.allow_global_seqno = true;
    arg.options.allow_blocking_flush = true;
    arg.options.write_global_seqno = false;
    arg.options.verify_checksums_before_ingest = false;
    args.push_back(std::move(arg));
  }
  if (args.empty()) return {};
  s = db_->IngestExternalFiles(args);
  if (!s.ok()) return io_error("ingest", s);
  return {};
}

Result<std::vector<log::Position>> Store::offsets() const {
  std::vector<log::Position> out;
  KASSA_TRY(scan(Cf::kOffsets, "", [&](std::string_view k, std::string_view v) {
    if (k.size() == 5 && v.size() == 8) {
      out.push_back({static_cast<log::Topic>(static_cast<std::uint8_t>(k[0])),
                     static_cast<std::int32_t>(get_be(k, 1, 4)),
                     static_cast<std::int64_t>(get_be(v, 0, 8))});
    }
    return true;
  }));
  return out;
}

Result<std::string> Store::checksum(Cf cf) const {
  log::ensure_sodium();
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, 32);
  KASSA_ASSIGN_OR_RETURN(auto snap, snapshot());
  std::string len;
  KASSA_TRY((snap)->scan(cf, "", [&](std::string_view k, std::string_view v) {
    len.clear();
    put_be32(len, static_cast<std::uint32_t>(k.size()));
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(len.data()), 4);
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(k.data()), k.size());
    len.clear();
    put_be32(len, static_cast<std::uint32_t>(v.size()));
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(len.data()), 4);
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(v.data()), v.size());
    return true;
  }));
  std::string out(32, '\0');
  crypto_generichash_final(&state, reinterpret_cast<unsigned char*>(out.data()), out.size());
  return to_hex(out);
}

Status Store::flush() {
  std::shared_lock lock(db_mu_);
  if (!db_) return closed_error();
  rocksdb::FlushOptions fo;
  fo.wait = true;
  std::vector<rocksdb::ColumnFamilyHandle*> all(handles_.begin(), handles_.end());
  rocksdb::Status s = db_->Flush(fo, all);
  if (!s.ok()) return io_error("flush", s);
  return {};
}

Status Store::checkpoint(const std::string& dir) const {
  std::shared_lock lock(db_mu_);
  if (!db_) return closed_error();
  return log::checkpoint_db(*db_, dir, "projection store");
}

}  // namespace kassa::projections
