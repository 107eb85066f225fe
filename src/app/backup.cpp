#include "app/backup.h"

#include "app/cli_support.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>

#include "domain/timestamp.h"
#include "http/idempotency.h"
#include "log/event_log.h"
#include "log/random.h"
#include "log/rocksdb_key_store.h"
#include "log/uuid.h"
#include "projections/access_log.h"
#include "projections/store.h"

namespace kassa::app {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kFormat = "kassa-backup/1";

Error io(const std::string& what) { return Error::unavailable("BackupIo", what); }

// Hex BLAKE2b-256 and size of a file, read in 1 MiB blocks.
Result<std::pair<std::string, std::uint64_t>> hash_file(const fs::path& path) {
  log::ensure_sodium();
  std::ifstream in(path, std::ios::binary);
  if (!in) return io("cannot read " + path.string());
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, crypto_generichash_BYTES);
  std::vector<char> buffer(1 << 20);
  std::uint64_t size = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n == 0) break;
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(buffer.data()), n);
    size += n;
  }
  if (in.bad()) return io("cannot read " + path.string());
  unsigned char digest[crypto_generichash_BYTES];
  crypto_generichash_final(&state, digest, sizeof digest);
  return std::make_pair(log::to_hex(digest, sizeof digest), size);
}

// Every regular file under `root`, relative, in path order.
Result<std::vector<std::string>> files_under(const fs::path& root) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file()) out.push_back(fs::relative(it->path(), root).generic_string());
  }
  if (ec) return io("cannot list " + root.string() + ": " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

// Folders 0700 and files 0600 under `root` (a checkpoint's folders follow
// the umask; its hard links share the live files' mode, already 0600).
Status make_private(const fs::path& root) {
  std::error_code ec;
  fs::permissions(root, fs::perms::owner_all, ec);
  if (ec) return io("cannot restrict " + root.string() + ": " + ec.message());
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const auto mode =
        it->is_directory() ? fs::perms::owner_all : fs::perms::owner_read | fs::perms::owner_write;
    fs::permissions(it->path(), mode, ec);
    if (ec) break;
  }
  if (ec) return io("cannot restrict " + root.string() + ": " + ec.message());
  return {};
}

Result<json> manifest_of(const fs::path& root) {
  std::ifstream in(root / kBackupManifest);
  if (!in) {
    return Error::corrupt("BackupManifest",
                          (root / kBackupManifest).string() +
                              " is missing: not a Kassa backup, or an unfinished one");
  }
  json manifest = json::parse(in, nullptr, false);
  if (manifest.is_discarded() || !manifest.is_object() || manifest.value("format", "") != kFormat ||
      !manifest.contains("files") || !manifest["files"].is_array()) {
    return Error::corrupt("BackupManifest", (root / kBackupManifest).string() +
                                                " is not a manifest of format " + kFormat);
  }
  return manifest;
}

Status check_target(const std::string& path, const std::string& field) {
  const fs::path p(path);
  if (!p.is_absolute()) {
    return Error::invalid(field, "BackupTargetAbsolute", field + " must be an absolute path");
  }
  if (p.filename().string().ends_with(".partial")) {
    return Error::invalid(
        field, "BackupTargetPartial",
        "a name ending in .partial is an unfinished backup or restore's; choose another");
  }
  std::error_code ec;
  if (fs::exists(p, ec)) {
    return Error::invalid(field, "BackupTargetExists", path + " exists already; name a new folder");
  }
  if (fs::exists(path + ".partial", ec)) {
    return Error::invalid(field, "BackupTargetExists",
                          path +
                              ".partial exists: a backup or restore of that name is under way or "
                              "did not finish; remove it, or name a new folder");
  }
  if (!fs::is_directory(p.parent_path(), ec)) {
    return Error::invalid(field, "BackupTargetParent",
                          "the folder " + p.parent_path().string() + " does not exist");
  }
  return {};
}

Status copy_parts(const BackupSources& s, const fs::path& partial, json& parts) {
  // 1. projections, as a store folder of their own with its CURRENT.
  const fs::path projections = partial / "projections";
  std::error_code ec;
  fs::create_directories(projections, ec);
  if (ec) return io("cannot create " + projections.string() + ": " + ec.message());
  KASSA_TRY(s.projections->checkpoint((projections / "store-1").string()));
  if (!write_synced((projections / "CURRENT").string(), "store-1\n")) {
    return io("cannot write " + (projections / "CURRENT").string());
  }
  parts.push_back("projections");
  // 2. the idempotency store.
  KASSA_TRY(s.idempotency->checkpoint((partial / "idempotency").string()));
  parts.push_back("idempotency");
  // 3. the journal (nothing for Kafka).
  KASSA_ASSIGN_OR_RETURN(auto copied, s.log->checkpoint((partial / "journal").string()));
  if (copied) parts.push_back("journal");
  // 4. the keys and the NISS secret.
  KASSA_TRY(s.keys->checkpoint((partial / "keys").string()));
  fs::copy_file(s.niss_secret_path, partial / "keys" / "niss_secret.key", ec);
  if (!ec && !sync_file(partial / "keys" / "niss_secret.key"))
    ec = std::make_error_code(std::errc::io_error);
  if (ec) return io("cannot copy " + s.niss_secret_path + ": " + ec.message());
  parts.push_back("keys");
  // 5. the access log.
  KASSA_TRY(s.access_log->checkpoint((partial / "access-log").string()));
  parts.push_back("access-log");
  // 6. the tokens' hashes, when they are the data folder's own file.
  if (!s.auth_file.empty()) {
    fs::copy_file(s.auth_file, partial / "auth.json", ec);
    if (!ec && !sync_file(partial / "auth.json")) ec = std::make_error_code(std::errc::io_error);
    if (ec) return io("cannot copy " + s.auth_file + ": " + ec.message());
    parts.push_back("auth");
  }
  return {};
}

}  // namespace

Status check_backup_name(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64 && name[0] != '.' && !name.ends_with(".partial");
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-');
  }
  if (!ok) {
    return Error::invalid("name", "BackupName",
                          "name is 1 to 64 letters, digits, '.', '_' or '-', not starting with '.' "
                          "nor ending in .partial");
  }
  return {};
}

Result<json> make_backup(const BackupSources& s, const std::string& to, const std::string& field) {
  KASSA_ASSERT(s.log && s.projections && s.idempotency && s.keys && s.access_log,
               "a backup needs every part of the data folder");
  KASSA_TRY(check_target(to, field));
  const auto started = std::chrono::steady_clock::now();
  const fs::path partial = to + ".partial";
  std::error_code ec;
  // check_target refused an existing <to>.partial: creating it claims the
  // name, and a second backup of the same name at the same moment is refused.
  if (!fs::create_directory(partial, ec) || ec) {
    if (!ec)
      return Error::invalid(field, "BackupTargetExists", partial.string() + " is being written");
    return io("cannot create " + partial.string() + ": " + ec.message());
  }
  json parts = json::array();
  Status copied = copy_parts(s, partial, parts);
  if (copied.ok()) copied = make_private(partial);
  json files = json::array();
  std::uint64_t bytes = 0;
  if (copied.ok()) {
    auto names = files_under(partial);
    if (!names.ok()) copied = names.error();
    for (const std::string& name : names.ok() ? *names : std::vector<std::string>{}) {
      auto hashed = hash_file(partial / name);
      if (!hashed.ok()) {
        copied = hashed.error();
        break;
      }
      files.push_back({{"path", name}, {"bytes", hashed->second}, {"blake2b", hashed->first}});
      bytes += hashed->second;
    }
  }
  const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  json manifest{{"format", kFormat},
                {"created", domain::Timestamp::from_micros(now_us).format()},
                {"log", s.kafka ? "kafka" : "journal"},
                {"topic_prefix", s.topic_prefix},
                {"parts", parts},
                {"bytes", bytes},
                {"files", files}};
  if (copied.ok() && !write_synced((partial / kBackupManifest).string(), manifest.dump(2) + "\n")) {
    copied = io("cannot write " + (partial / kBackupManifest).string());
  }
  if (copied.ok()) {
    sync_folder(partial);
    fs::rename(partial, to, ec);
    if (ec) copied = io("cannot rename " + partial.string() + " to " + to + ": " + ec.message());
  }
  if (!copied.ok()) {
    fs::remove_all(partial, ec);
    spdlog::error("backup failed rule={} error={}", copied.error().rule, copied.error().message);
    return copied.error();
  }
  sync_folder(fs::path(to).parent_path());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  spdlog::info("backup written files={} bytes={} seconds={:.1f}", files.size(), bytes, seconds);
  manifest["seconds"] = seconds;
  return manifest;
}

Result<json> check_backup(const std::string& from) {
  const fs::path root(from);
  KASSA_ASSIGN_OR_RETURN(auto manifest, manifest_of(root));
  std::map<std::string, const json*> listed;
  for (const json& f : manifest["files"]) {
    if (!f.is_object() || !f.contains("path") || !f["path"].is_string()) {
      return Error::corrupt("BackupManifest", "a file of the manifest has no path");
    }
    listed[f["path"].get<std::string>()] = &f;
  }
  KASSA_ASSIGN_OR_RETURN(auto present, files_under(root));
  for (const std::string& name : present) {
    if (name != kBackupManifest && listed.count(name) == 0) {
      return Error::corrupt("BackupDamaged", name + " is in the backup but not in its manifest");
    }
  }
  for (const auto& [name, f] : listed) {
    if (name.find("..") != std::string::npos || fs::path(name).is_absolute()) {
      return Error::corrupt("BackupManifest",
                            "the manifest names a file outside the backup: " + name);
    }
    std::error_code ec;
    if (!fs::is_regular_file(root / name, ec)) {
      return Error::corrupt("BackupDamaged", name + " is missing from the backup");
    }
    KASSA_ASSIGN_OR_RETURN(auto hashed, hash_file(root / name));
    if (hashed.second != f->value("bytes", std::uint64_t{0})) {
      return Error::corrupt("BackupDamaged",
                            name + " has " + std::to_string(hashed.second) +
                                " bytes; the manifest says " +
                                std::to_string(f->value("bytes", std::uint64_t{0})));
    }
    if (hashed.first != f->value("blake2b", "")) {
      return Error::corrupt("BackupDamaged",
                            name + " differs from the file the backup wrote (BLAKE2b)");
    }
  }
  return manifest;
}

Result<json> restore_backup(const std::string& from, const std::string& data_dir) {
  KASSA_ASSIGN_OR_RETURN(auto manifest, check_backup(from));
  KASSA_TRY(check_target(data_dir, "data_dir"));
  const fs::path partial = data_dir + ".partial";
  std::error_code ec;
  if (!fs::create_directory(partial, ec) || ec) {
    if (!ec)
      return Error::invalid("data_dir", "BackupTargetExists",
                            partial.string() + " is being written");
    return io("cannot create " + partial.string() + ": " + ec.message());
  }
  Status done;
  for (const json& f : manifest["files"]) {
    const std::string name = f["path"].get<std::string>();
    const fs::path target = partial / name;
    fs::create_directories(target.parent_path(), ec);
    if (!ec) fs::copy_file(fs::path(from) / name, target, ec);
    if (!ec && !sync_file(target)) ec = std::make_error_code(std::errc::io_error);
    if (ec) {
      done = io("cannot copy " + name + " into " + partial.string() + ": " + ec.message());
      break;
    }
  }
  if (done.ok()) done = make_private(partial);
  if (done.ok()) {
    fs::rename(partial, data_dir, ec);
    if (ec)
      done = io("cannot rename " + partial.string() + " to " + data_dir + ": " + ec.message());
  }
  if (!done.ok()) {
    fs::remove_all(partial, ec);
    return done.error();
  }
  sync_folder(fs::path(data_dir).parent_path());
  return manifest;
}

}  // namespace kassa::app
