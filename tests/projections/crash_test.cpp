// SIGKILL a projector process at random moments during a 200,000-event
// catch-up, again and again; when it finally finishes, every projection's
// checksum must equal a clean, uninterrupted rebuild's.

#include <catch2/catch.hpp>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <thread>

#include "generated_ledger.h"
#include "projections/rebuild.h"

extern char** environ;

using namespace kassa::projections;
using namespace kassa::projections::testing;

namespace {

pid_t spawn_runner(const std::string& dir, const std::string& store) {
  std::string exe = KASSA_PROJECTOR_RUNNER;
  std::string cmd = "project";
  std::vector<char*> argv = {exe.data(), cmd.data(), const_cast<char*>(dir.c_str()),
                             const_cast<char*>(store.c_str()), nullptr};
  pid_t pid = 0;
  REQUIRE(::posix_spawn(&pid, exe.c_str(), nullptr, nullptr, argv.data(), environ) == 0);
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return status;
}

}  // namespace

TEST_CASE("SIGKILL during a 200,000-event catch-up always ends with a clean rebuild's checksums",
          "[projector][crash]") {
  TempDir dir;
  const std::size_t events = generate_ledger(dir.path(), 200'000);
  REQUIRE(events >= 200'000);
  const std::string store = dir.path() + "/crashed";

  std::mt19937_64 rng(std::random_device{}());
  std::uniform_int_distribution<int> delay_ms(50, 1200);
  int killed = 0;
  int finished_early = 0;
  while (killed < 20) {
    const pid_t pid = spawn_runner(dir.path(), store);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    ::kill(pid, SIGKILL);
    const int status = wait_for(pid);
    if (WIFSIGNALED(status)) {
      ++killed;
    } else {
      ++finished_early;  // it caught up before the kill: start over from scratch
      REQUIRE(WEXITSTATUS(status) == 0);
      std::filesystem::remove_all(store);
    }
  }
  // Let it finish, then build a clean store without interruption.
  REQUIRE(WEXITSTATUS(wait_for(spawn_runner(dir.path(), store))) == 0);
  const std::string clean = dir.path() + "/clean";
  REQUIRE(WEXITSTATUS(wait_for(spawn_runner(dir.path(), clean))) == 0);

  auto crashed_store = must(Store::open(store));
  auto clean_store = must(Store::open(clean));
  const auto a = must(store_checksums(*crashed_store));
  const auto b = must(store_checksums(*clean_store));
  for (const auto& [name, sum] : a) {
    INFO(name);
    CHECK(sum == b.at(name));
  }
  // Every event is in the index exactly once.
  std::size_t indexed = 0;
  must(crashed_store->scan(Cf::kIndex, "", [&](std::string_view, std::string_view) {
    ++indexed;
    return true;
  }));
  CHECK(indexed == events);
  INFO("killed " << killed << " times, finished early " << finished_early << " times");
  CHECK(killed == 20);
}
