#include "log/recovering_db.h"

#include "log/checkpoint.h"

namespace kassa::log {

namespace {

rocksdb::Status closed() {
  return rocksdb::Status::IOError("the database is closed after a failed write; retry in a moment");
}

}  // namespace

RecoveringDb::RecoveringDb(std::string name, std::string path, rocksdb::Options options)
    : path_(path), options_(std::move(options)), failed_(std::move(name), std::move(path)) {}

RecoveringDb::~RecoveringDb() {
  if (db_) db_->Close().PermitUncheckedError();
}

rocksdb::Status RecoveringDb::open(std::string name, std::string path, rocksdb::Options options,
                                   std::unique_ptr<RecoveringDb>* out) {
  return open_as(std::move(name), std::move(path), std::move(options), /*read_only=*/false, out);
}

rocksdb::Status RecoveringDb::open_read_only(std::string name, std::string path,
                                             rocksdb::Options options,
                                             std::unique_ptr<RecoveringDb>* out) {
  return open_as(std::move(name), std::move(path), std::move(options), /*read_only=*/true, out);
}

rocksdb::Status RecoveringDb::open_as(std::string name, std::string path, rocksdb::Options options,
                                      bool read_only, std::unique_ptr<RecoveringDb>* out) {
  std::unique_ptr<RecoveringDb> db(
      new RecoveringDb(std::move(name), std::move(path), std::move(options)));
  db->read_only_ = read_only;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = read_only ? rocksdb::DB::OpenForReadOnly(db->options_, db->path_, &raw)
                                : rocksdb::DB::Open(db->options_, db->path_, &raw);
  if (!s.ok()) return s;
  db->db_.reset(raw);
  *out = std::move(db);
  return s;
}

bool RecoveringDb::writable() const {
  if (read_only_) return false;
  if (!failed_.failing()) return true;
  std::unique_lock writer(write_mu_, std::try_to_lock);
  if (!writer.owns_lock()) return false;
  return const_cast<RecoveringDb*>(this)->recover().ok();
}

rocksdb::Status RecoveringDb::get(const rocksdb::Slice& key, std::string* value) const {
  return read([&](rocksdb::DB& db) { return db.Get(rocksdb::ReadOptions(), key, value); });
}

rocksdb::Status RecoveringDb::read(const std::function<rocksdb::Status(rocksdb::DB&)>& read) const {
  {
    std::shared_lock lock(db_mu_);
    if (db_) return read(*db_);
  }
  // A reopen could not open it: a read tries again (writes may not come).
  {
    std::unique_lock writer(write_mu_, std::try_to_lock);
    if (writer.owns_lock()) (void)const_cast<RecoveringDb*>(this)->recover();
  }
  std::shared_lock lock(db_mu_);
  if (!db_) return closed();
  return read(*db_);
}

rocksdb::Status RecoveringDb::recover() {
  const bool writable = failed_.recover([this]() -> std::string {
    std::unique_lock lock(db_mu_);
    if (db_) {
      db_->Close().PermitUncheckedError();
      db_.reset();
    }
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(options_, path_, &raw);
    if (!s.ok()) return s.ToString();
    db_.reset(raw);
    return {};
  });
  return writable ? rocksdb::Status::OK() : rocksdb::Status::IOError("refused", failed_.refusal());
}

rocksdb::Status RecoveringDb::write(rocksdb::WriteBatch& batch, bool sync) {
  return maintain([&batch, sync](rocksdb::DB& db) {
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    return db.Write(wo, &batch);
  });
}

Status RecoveringDb::checkpoint(const std::string& dir, std::string_view what) const {
  Status copied;
  rocksdb::Status s = read([&](rocksdb::DB& db) {
    copied = checkpoint_db(db, dir, what);
    return rocksdb::Status::OK();
  });
  if (!s.ok()) {
    return Error::unavailable("BackupCheckpoint",
                              "cannot copy the " + std::string(what) + ": " + s.ToString());
  }
  return copied;
}

rocksdb::Status RecoveringDb::maintain(const std::function<rocksdb::Status(rocksdb::DB&)>& work) {
  if (read_only_) return rocksdb::Status::NotSupported("opened read-only");
  std::lock_guard writer(write_mu_);
  if (rocksdb::Status s = recover(); !s.ok()) return s;
  std::shared_lock lock(db_mu_);
  rocksdb::Status s = db_ ? work(*db_) : closed();
  if (!s.ok()) failed_.record(s.ToString());
  return s;
}

}  // namespace kassa::log
