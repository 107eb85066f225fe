#pragma once
// Backups of a data folder, taken while kassad runs, and their restore.
//
// A backup is a folder laid out as a data folder: a consistent copy of each
// database (RocksDB checkpoints, log/checkpoint.h), the NISS secret, and
// `backup.json`, the manifest: when, which log, and every file with its
// size and BLAKE2b-256. The copies are taken one after the other, in the
// order that keeps them consistent with each other:
//
//   1. projections   their offsets never pass the journal copied after them
//                    (kassad would refuse a log behind its projections);
//   2. idempotency   every answer it keeps is for events already in the
//                    journal copied after it (a retried request is never
//                    told "done" for a write the backup lacks; one written
//                    between 2 and 3 runs again if retried after a restore);
//   3. journal       the events (Kafka: nothing here; the topics are the
//                    broker's to keep, see README "Backups");
//   4. keys          created before the events that use them, so every
//                    sealed field of the journal copy has its key (but an
//                    erasure whose event comes after the journal copy and
//                    whose key is shredded before the keys copy leaves that
//                    person's fields unreadable in the backup, and the
//                    restored log without the erasure event: erased data
//                    stays erased; the operator re-erases after a restore);
//   5. access log    every read up to the end of the backup;
//   6. auth.json     the tokens' hashes, when the data folder holds them.
//
// The backup is written to `<to>.partial` and renamed to `<to>` when whole,
// so a folder named `<to>` is always a finished backup. A restore checks
// every file against the manifest before it writes anything, then copies
// the tree into a data folder that must not exist yet (0700 folders, 0600
// files) through `<data-dir>.partial` and a rename.
//
// Thread-safety: make_backup runs beside kassad's reads and writes (each
// copy is RocksDB's consistent checkpoint); two backups of one name never
// share a folder (the first claims <to>.partial, the second is refused).

#include <string>

#include <nlohmann/json.hpp>

#include "domain/result.h"

namespace kassa::log {
class EventLog;
class RocksDbKeyStore;
}  // namespace kassa::log
namespace kassa::projections {
class Store;
class AccessLog;
}  // namespace kassa::projections
namespace kassa::http {
class IdempotencyStore;
}  // namespace kassa::http

namespace kassa::app {

struct BackupSources {
  log::EventLog* log = nullptr;                   // REQUIRED
  projections::Store* projections = nullptr;      // REQUIRED: the live store
  http::IdempotencyStore* idempotency = nullptr;  // REQUIRED
  log::RocksDbKeyStore* keys = nullptr;           // REQUIRED
  projections::AccessLog* access_log = nullptr;   // REQUIRED
  std::string niss_secret_path;                   // REQUIRED: <data-dir>/keys/niss_secret.key
  std::string topic_prefix;                       // recorded in the manifest
  bool kafka = false;                             // the log is Kafka's topics
  // The auth file (tokens' hashes) when it is the data folder's own
  // <data-dir>/auth.json; empty: kept elsewhere, backed up with the rest
  // of the configuration.
  std::string auth_file;
};

// The name of the manifest in a backup folder.
inline constexpr const char* kBackupManifest = "backup.json";

// Writes a backup to `to` (absolute; must not exist, nor `<to>.partial`;
// its parent must) and returns its manifest. Errors: kInvalidArgument
// naming `field` (BackupTargetExists, BackupTargetParent,
// BackupTargetAbsolute, BackupTargetPartial),
// kUnavailable (BackupCheckpoint, BackupIo); nothing is left at `to`.
Result<nlohmann::json> make_backup(const BackupSources& sources, const std::string& to,
                                   const std::string& field = "to");

// A backup's name under kassad's backup folder (POST /v1/admin/backup):
// 1 to 64 letters, digits, '.', '_' or '-', not starting with '.' nor
// ending in ".partial" (the name of one being written).
// Error: kInvalidArgument naming "name", rule BackupName.
Status check_backup_name(const std::string& name);

// Checks every file of the backup at `from` against its manifest (present,
// size, BLAKE2b-256, no file the manifest does not list). Returns the
// manifest. Errors: kCorrupt BackupDamaged naming the file, BackupManifest.
Result<nlohmann::json> check_backup(const std::string& from);

// check_backup, then copies the backup into `data_dir` (must not exist).
// Returns the manifest. Nothing is written when the check fails.
Result<nlohmann::json> restore_backup(const std::string& from, const std::string& data_dir);

}  // namespace kassa::app
