// The data folder holds personal data and the keys that unseal it: kassad
// creates it private whatever the umask, and refuses a keys folder other
// users can read.

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <utility>

#include "kassad_process.h"

using kassa::testing::KassadProcess;
namespace fs = std::filesystem;

TEST_CASE("kassad creates its data folder 0700 and its files 0600 whatever the umask",
          "[e2e][privacy]") {
  // Before: with umask 022 the keys' SST files were 0644 and the folders
  // 0755: every local user could read the data keys.
  const mode_t before = ::umask(022);
  std::string data;
  {
    KassadProcess k("", "");
    data = k.data_dir();
    auto reg = k.post("/v1/persons", {{"niss", "85073003328"},
                                      {"first_name", "Jan"},
                                      {"last_name", "Peeters"},
                                      {"start", "2025-01-01"},
                                      {"category", "main"},
                                      {"date", "2025-01-02"}});
    REQUIRE(reg.status == 201);
    REQUIRE(k.get("/v1/persons/" + reg.body["party_id"].get<std::string>() + "/statement").status ==
            200);
    int checked = 0;
    const fs::perms others = fs::perms::group_all | fs::perms::others_all;
    CHECK((fs::status(data).permissions() & others) == fs::perms::none);
    for (const auto& e : fs::recursive_directory_iterator(data)) {
      INFO(e.path().string());
      CHECK((fs::symlink_status(e.path()).permissions() & others) == fs::perms::none);
      ++checked;
    }
    CHECK(checked > 20);  // journal, keys, projections, access log, idempotency
  }
  ::umask(before);
}

TEST_CASE("kassad refuses to start on a keys folder other users can read", "[e2e][privacy]") {
  try {
    KassadProcess k("", "", [](const std::string& data) {
      fs::create_directories(data + "/keys");
      fs::permissions(data + "/keys", fs::perms::owner_all | fs::perms::group_read |
                                          fs::perms::group_exec | fs::perms::others_read |
                                          fs::perms::others_exec);
    });
    FAIL("kassad started");
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    INFO(message);
    CHECK(message.find("exited during start-up") != std::string::npos);
    CHECK(message.find("KeysFolderOpen") != std::string::npos);
    CHECK(message.find("chmod -R go-rwx") != std::string::npos);
  }
}

namespace {

// Runs kassad with `env` (and no auth file: a valid configuration stops
// at AuthFileReadable); its exit status and what it printed.
std::pair<int, std::string> kassad_with(const std::string& env) {
  const std::string dir = (fs::temp_directory_path() / "kassa-config-test").string();
  const std::string command = env + " KASSA_DATA_DIR=" + dir + " KASSA_AUTH_FILE=" + dir +
                              "/none.json " KASSAD_BINARY " 2>&1 </dev/null";
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[512];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  const int status = ::pclose(p);
  std::error_code ec;
  fs::remove_all(dir, ec);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace

TEST_CASE("a malformed KASSA_PORT or KASSA_LOG_LEVEL stops kassad with a message",
          "[e2e][config]") {
  // Before: KASSA_PORT=abc listened on a random port, 8640x on 8640, and
  // KASSA_LOG_LEVEL=loud exited 1 without a word.
  for (const char* env : {"KASSA_PORT=abc", "KASSA_PORT=8640x", "KASSA_PORT=70000",
                          "KASSA_LOG_LEVEL=loud", "KASSA_LOG_FORMAT=yaml"}) {
    auto [status, out] = kassad_with(env);
    INFO(env << " -> " << status << " " << out);
    CHECK(status != 0);
    CHECK(out.find(std::string(env).substr(std::string(env).find('=') + 1)) != std::string::npos);
    CHECK(out.find("AuthFileReadable") == std::string::npos);  // stopped before
  }
  auto [status, out] = kassad_with("KASSA_PORT=0 KASSA_LOG_LEVEL=warn");
  INFO(out);
  CHECK(status == 1);
  CHECK(out.find("AuthFileReadable") != std::string::npos);
}

TEST_CASE("KASSA_LOG_FORMAT=json makes every line of kassad's log a JSON object", "[e2e][config]") {
  auto [status, out] = kassad_with("KASSA_PORT=0 KASSA_LOG_LEVEL=info KASSA_LOG_FORMAT=json");
  INFO(out);
  CHECK(status == 1);
  std::size_t lines = 0;
  bool refused = false;
  for (std::size_t at = 0; at < out.size();) {
    std::size_t end = out.find('\n', at);
    if (end == std::string::npos) end = out.size();
    const std::string line = out.substr(at, end - at);
    at = end + 1;
    if (line.empty()) continue;
    ++lines;
    auto j = nlohmann::json::parse(line, nullptr, false);
    INFO(line);
    REQUIRE(j.is_object());
    CHECK(j.contains("ts"));
    CHECK(j.contains("level"));
    if (j.value("rule", "") == "AuthFileReadable") refused = true;
  }
  CHECK(lines > 0);
  CHECK(refused);
}
