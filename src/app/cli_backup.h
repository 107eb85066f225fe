#pragma once
// `kassa backup` and `kassa restore`: a data folder's backup (app/backup.h).
//
//   kassa backup --url http://HOST:PORT --token ADMIN --name NAME
//       kassad running: asks it to write a backup into NAME under its
//       backup folder (KASSA_BACKUP_DIR, default <data-dir>/backups), on
//       its machine (POST /v1/admin/backup); it keeps answering meanwhile.
//   kassa backup --data-dir DIR --to /abs/new/folder
//       kassad stopped: the same, offline.
//   kassa restore --from BACKUP --check
//       checks every file of the backup against its manifest.
//   kassa restore --from BACKUP --data-dir /abs/new/folder
//       checks, then restores into a data folder that does not exist yet;
//       then `kassa replay verify --from journal://DIR/journal` and start
//       kassad on it.
//
// Exit 0 on success, 1 with the rule and the file named otherwise.

#include <CLI/CLI.hpp>

namespace kassa::app {

void add_backup_commands(CLI::App& app);

}  // namespace kassa::app
