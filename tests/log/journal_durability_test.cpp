// Fault test: a writer process appends to the journal and is killed with
// SIGKILL at a random moment; every batch it was told was durable must be
// in the journal exactly once, the batch in flight all or nothing, nothing
// else, and appending goes on at the high-water mark. Three kill rounds.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "log/journal/journal_log.h"
#include "log_fixtures.h"

using namespace kassa::log;
using namespace kassa::log::testing;

namespace {

struct Ack {
  long batch;
  int32_t partition;
  int64_t first_offset;
  std::size_t count;
};

// Runs the writer from `first_batch`, kills it after `kill_after` acks (plus
// a random few ms), and returns every ack it printed before it died.
std::vector<Ack> run_and_kill(const std::string& path, long first_batch, int kill_after,
                              std::mt19937& rng) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    const std::string first = std::to_string(first_batch);
    execl(KASSA_JOURNAL_WRITER, KASSA_JOURNAL_WRITER, path.c_str(), first.c_str(), nullptr);
    _exit(127);
  }
  close(fds[1]);
  std::string buffer;
  std::vector<Ack> acks;
  bool killed = false;
  char chunk[4096];
  while (true) {
    const ssize_t n = read(fds[0], chunk, sizeof chunk);
    if (n <= 0) break;  // EOF: the writer is gone
    buffer.append(chunk, static_cast<std::size_t>(n));
    std::size_t eol;
    while ((eol = buffer.find('\n')) != std::string::npos) {
      std::istringstream line(buffer.substr(0, eol));
      buffer.erase(0, eol + 1);
      std::string tag;
      Ack a{};
      line >> tag >> a.batch >> a.partition >> a.first_offset >> a.count;
      if (tag == "ack") acks.push_back(a);
    }
    if (!killed && static_cast<int>(acks.size()) >= kill_after) {
      std::this_thread::sleep_for(
          std::chrono::microseconds(std::uniform_int_distribution<int>(0, 3000)(rng)));
      REQUIRE(kill(pid, SIGKILL) == 0);
      killed = true;
    }
  }
  close(fds[0]);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  INFO("writer exit status " << status);
  REQUIRE(killed);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
  return acks;
}

}  // namespace

TEST_CASE("every acknowledged journal append survives kill -9 exactly once",
          "[log][journal][durability]") {
  TempDir dir;
  LogConfig config = small_config();
  config.journal_path = dir.path() + "/journal";
  std::mt19937 rng(std::random_device{}());
  std::map<long, Ack> acked;
  long next_batch = 0;
  int landed_unacked = 0;  // batches in flight at a kill that made it anyway

  for (int round = 0; round < 3; ++round) {
    const int kill_after = std::uniform_int_distribution<int>(50, 400)(rng);
    for (const Ack& a : run_and_kill(config.journal_path, next_batch, kill_after, rng))
      acked[a.batch] = a;
    REQUIRE(!acked.empty());

    auto log = must(journal::JournalLog::open(config));
    // Every record in the journal, by batch.
    std::map<long, std::vector<StoredRecord>> stored;
    int64_t total = 0;
    for (int32_t p = 0; p < log->partition_count(Topic::kPersonEvents); ++p) {
      const int64_t hwm = must(log->high_water_mark(Topic::kPersonEvents, p));
      const auto all =
          must(log->read(Topic::kPersonEvents, p, 0, 1'000'000, std::chrono::milliseconds(0)));
      REQUIRE(static_cast<int64_t>(all.size()) == hwm);  // nothing beyond the high-water mark
      total += hwm;
      for (const auto& r : all) {
        const std::string payload = unsealed(r.value);  // "b<batch>.<i>"
        stored[std::stol(payload.substr(1, payload.find('.') - 1))].push_back(r);
      }
    }
    INFO("round " << round << ": " << acked.size() << " batches acknowledged, " << stored.size()
                  << " stored, " << total << " records");
    // Acknowledged batches: all there, exactly once, where the ack said.
    for (const auto& [batch, a] : acked) {
      REQUIRE(stored.count(batch) == 1);
      const auto& recs = stored[batch];
      REQUIRE(recs.size() == a.count);
      for (std::size_t i = 0; i < recs.size(); ++i) {
        CHECK(recs[i].partition == a.partition);
        CHECK(recs[i].offset == a.first_offset + static_cast<int64_t>(i));
        CHECK(unsealed(recs[i].value) == "b" + std::to_string(batch) + "." + std::to_string(i));
      }
    }
    // At most the one batch in flight is there unacknowledged, and whole.
    const long last_acked = acked.rbegin()->first;
    for (auto& [batch, recs] : stored) {
      if (acked.count(batch) != 0) continue;
      CHECK(batch == last_acked + 1);
      CHECK(static_cast<long>(recs.size()) == batch % 7 + 1);
      ++landed_unacked;
      // From now on it is part of the log like any other batch.
      acked[batch] = Ack{batch, recs.front().partition, recs.front().offset, recs.size()};
    }
    next_batch = stored.rbegin()->first + 1;

    // Appending continues at the high-water mark.
    const int32_t p = log->partition_for(Topic::kPersonEvents, "party-after");
    const int64_t hwm = must(log->high_water_mark(Topic::kPersonEvents, p));
    const std::vector<Record> one = {make_record("b" + std::to_string(next_batch) + ".0")};
    const auto more = must(log->append(Topic::kPersonEvents, "party-after", one));
    CHECK(more == std::vector<int64_t>{hwm});
    acked[next_batch] = Ack{next_batch, p, hwm, 1};
    ++next_batch;
  }
  WARN("3 kills, " << acked.size() << " batches, " << landed_unacked
                   << " in-flight batches landed whole without an ack, none partially");
}
