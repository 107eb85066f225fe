#pragma once
// A consistent copy of an open RocksDB database, for backups: RocksDB's
// Checkpoint (table files hard-linked where the file system allows, copied
// otherwise; the memtables flushed first, so the copy opens without the
// source's WAL). The database keeps serving reads and writes meanwhile.
//
// Thread-safety: as RocksDB's: any thread, concurrently with reads and
// writes of the same database.

#include <string>
#include <string_view>

#include "domain/result.h"

namespace rocksdb {
class DB;
}

namespace kassa::log {

// Copies `db` into `dir`, which must not exist yet (its parent must).
// `what` names the database in the error (rule BackupCheckpoint).
Status checkpoint_db(rocksdb::DB& db, const std::string& dir, std::string_view what);

}  // namespace kassa::log
