// A backup of a running kassad (POST /v1/admin/backup, app/backup.h) taken
// while persons are being registered, restored elsewhere with `kassa
// restore`: the journal verifies, every write acknowledged before the
// backup began is there (the person and the NISS index that needs the
// restored keys and secret), and the restored projections equal a rebuild.

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "kassad_process.h"

using kassa::testing::KassadProcess;
using kassa::testing::run_kassa;
namespace fs = std::filesystem;

namespace {

// A valid NISS of someone born on 1 January 1980 with serial `n` (1..997).
std::string niss_of(int n) {
  std::string first = std::to_string(800101000 + n);
  const long check = 97 - std::stol(first) % 97;
  return first + (check < 10 ? "0" : "") + std::to_string(check);
}

using kassa::testing::TempDir;

}  // namespace

TEST_CASE("a backup taken under write load restores elsewhere with every acknowledged write",
          "[e2e][backup]") {
  TempDir backups;
  const std::string backup = backups.path() + "/monday";
  std::vector<std::pair<std::string, std::string>> acknowledged_before;  // party, NISS
  {
    KassadProcess k("", "");
    std::mutex mu;
    std::vector<std::pair<std::string, std::string>> acknowledged;
    std::atomic<bool> stop{false};
    std::atomic<int> refused{0};
    std::thread writer([&] {
      for (int n = 1; n <= 900 && !stop; ++n) {
        const std::string niss = niss_of(n);
        auto reg = k.post("/v1/persons", {{"niss", niss},
                                          {"first_name", "Jan"},
                                          {"last_name", "Peeters"},
                                          {"start", "2025-01-01"},
                                          {"category", "main"},
                                          {"date", "2025-01-02"}});
        if (reg.status != 201) {
          ++refused;
          continue;
        }
        std::lock_guard lock(mu);
        acknowledged.emplace_back(reg.body["party_id"].get<std::string>(), niss);
      }
    });
    // Let some writes land, then back up while the writer goes on.
    for (int i = 0; i < 200; ++i) {
      {
        std::lock_guard lock(mu);
        if (acknowledged.size() >= 30) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    {
      std::lock_guard lock(mu);
      acknowledged_before = acknowledged;
    }
    auto made = k.post("/v1/admin/backup", {{"name", "monday"}}, "admin");
    std::size_t after_backup = 0;
    {
      std::lock_guard lock(mu);
      after_backup = acknowledged.size();
    }
    // The writer was still writing when the backup answered, and goes on.
    for (int i = 0; i < 100; ++i) {
      {
        std::lock_guard lock(mu);
        if (acknowledged.size() >= after_backup + 5) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::size_t at_end = 0;
    {
      std::lock_guard lock(mu);
      at_end = acknowledged.size();
    }
    stop = true;
    writer.join();
    INFO(made.body.dump());
    REQUIRE(made.status == 201);
    CHECK(after_backup >= acknowledged_before.size());
    CHECK(after_backup < 900);          // the load had not ended when the backup answered
    CHECK(at_end >= after_backup + 5);  // and it went on after
    CHECK(made.body["path"] == k.data_dir() + "/backups/monday");
    CHECK(refused == 0);
    CHECK(made.body["log"] == "journal");
    CHECK(made.body["parts"] ==
          nlohmann::json({"projections", "idempotency", "journal", "keys", "access-log"}));
    CHECK(made.body["files"].get<int>() > 10);

    // The route's refusals name the field and the rule; nothing is written,
    // and never outside kassad's backup folder.
    auto again = k.post("/v1/admin/backup", {{"name", "monday"}}, "admin");
    CHECK(again.status == 400);
    CHECK(again.body["field"] == "name");
    CHECK(again.body["error"] == "BackupTargetExists");
    for (const char* name : {"../escape", "/tmp/elsewhere", ".hidden", "", "x.partial"}) {
      INFO(name);
      auto refused_name = k.post("/v1/admin/backup", {{"name", name}}, "admin");
      CHECK(refused_name.status == 400);
      CHECK(refused_name.body["error"] == "BackupName");
    }
    CHECK(k.post("/v1/admin/backup", {{"name", "by-staff"}}, "staff").status == 403);
    CHECK_FALSE(fs::exists(k.data_dir() + "/backups/by-staff"));
    // Kept beyond this kassad's folder (a rename: the copies are hard links).
    fs::rename(k.data_dir() + "/backups/monday", backup);
  }
  REQUIRE(acknowledged_before.size() >= 30);

  // Checked file by file against the manifest.
  std::string out;
  INFO(out);
  REQUIRE(run_kassa("restore --from " + backup + " --check", &out) == 0);
  CHECK(out.find("every file matches the manifest") != std::string::npos);

  // Restored into a new data folder, verified, and served.
  std::string verify_out;
  int verified = -1;
  KassadProcess restored("", "", [&](const std::string& data) {
    REQUIRE(run_kassa("restore --from " + backup + " --data-dir " + data, &out) == 0);
    verified = run_kassa("replay verify --from journal://" + data + "/journal", &verify_out);
  });
  INFO(verify_out);
  CHECK(verified == 0);
  for (const auto& [party, niss] : acknowledged_before) {
    INFO(party);
    CHECK(restored.get("/v1/persons/" + party).status == 200);
    // The NISS index: the restored secret, and for the registrations the
    // projections had not seen yet, the restored keys that unseal them.
    CHECK(restored.get("/v1/persons/lookup?niss=" + niss).body["party_id"] == party);
  }
  // The projections the backup carried, caught up, equal a rebuild.
  auto rebuilt = restored.post("/v1/admin/projections/rebuild", nlohmann::json::object(), "admin");
  INFO(rebuilt.body.dump());
  REQUIRE(rebuilt.status == 200);
  CHECK(rebuilt.body["equal"] == true);
}

TEST_CASE("a damaged backup is refused file by file and restores nothing", "[e2e][backup]") {
  TempDir backups;
  const std::string backup = backups.path() + "/tuesday";
  {
    KassadProcess k("", "");
    REQUIRE(k.post("/v1/persons", {{"niss", niss_of(1)},
                                   {"first_name", "Jan"},
                                   {"last_name", "Peeters"},
                                   {"start", "2025-01-01"},
                                   {"category", "main"},
                                   {"date", "2025-01-02"}})
                .status == 201);
    REQUIRE(k.post("/v1/admin/backup", {{"name", "tuesday"}}, "admin").status == 201);
    fs::rename(k.data_dir() + "/backups/tuesday", backup);
  }
  // One byte of one journal table changed.
  std::string damaged;
  for (const auto& e : fs::recursive_directory_iterator(backup + "/journal")) {
    if (e.path().extension() == ".sst") damaged = e.path().string();
  }
  REQUIRE(!damaged.empty());
  {
    std::fstream f(damaged, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(100);
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x01);
    f.seekp(100);
    f.write(&c, 1);
  }
  std::string out;
  CHECK(run_kassa("restore --from " + backup + " --check", &out) == 1);
  INFO(out);
  CHECK(out.find("BackupDamaged") != std::string::npos);
  CHECK(out.find(fs::relative(damaged, backup).generic_string()) != std::string::npos);
  const std::string target = backups.path() + "/restored";
  CHECK(run_kassa("restore --from " + backup + " --data-dir " + target, &out) == 1);
  CHECK_FALSE(fs::exists(target));
  CHECK_FALSE(fs::exists(target + ".partial"));
}
