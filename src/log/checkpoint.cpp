#include "log/checkpoint.h"

#include <memory>

#include <rocksdb/db.h>
#include <rocksdb/utilities/checkpoint.h>

namespace kassa::log {

Status checkpoint_db(rocksdb::DB& db, const std::string& dir, std::string_view what) {
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status s = rocksdb::Checkpoint::Create(&db, &raw);
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // log_size_for_flush 0: always flush, so the copy holds every write in
  // table files and no WAL needs replaying.
  if (s.ok()) s = checkpoint->CreateCheckpoint(dir, /*log_size_for_flush=*/0);
  if (!s.ok()) {
    return Error::unavailable("BackupCheckpoint", "cannot copy the " + std::string(what) +
                                                      " into " + dir + ": " + s.ToString());
  }
  return {};
}

}  // namespace kassa::log
