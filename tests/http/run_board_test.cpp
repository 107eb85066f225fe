#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "http/run_board.h"

using kassa::Error;
using kassa::Status;
using kassa::http::RunBoard;

TEST_CASE("the run board keeps the latest runs, a running one however old", "[runs]") {
  RunBoard board;
  auto oldest = board.start("assessment", "2025-01-05", "nightly", 1);
  oldest->progress.total = 10;
  oldest->progress.done = 4;
  std::vector<std::shared_ptr<RunBoard::Entry>> later;
  for (int i = 0; i < 60; ++i) {
    later.push_back(board.start("reminders", "2025-02-01", "nightly", 2 + i));
    board.finish(later.back(), Status{}, 3 + i);
  }
  const auto runs = board.recent();
  // 49 finished ones and the running one, which no newer run pushes out.
  REQUIRE(runs.size() == RunBoard::kKept);
  CHECK(runs.front().id == later.back()->id);
  CHECK(runs.front().state == RunBoard::State::kDone);
  CHECK(runs.front().finished_us == 62);
  CHECK(runs.back().id == oldest->id);
  CHECK(runs.back().state == RunBoard::State::kRunning);
  CHECK_FALSE(runs.back().finished_us.has_value());
  CHECK(runs.back().total == 10);
  CHECK(runs.back().done == 4);

  board.finish(oldest, Status(Error::unavailable("LogUnavailable", "the log is down")), 99);
  const auto after = board.recent();
  CHECK(after.back().state == RunBoard::State::kFailed);
  CHECK(after.back().error == "LogUnavailable");
  CHECK(after.back().finished_us == 99);
  CHECK(kassa::http::to_string(after.back().state) == "failed");
  // The next run pushes the failed one out: only a running one stays.
  board.start("year-end", "2026-01-01", "nightly", 100);
  CHECK(board.recent().size() == RunBoard::kKept);
  CHECK(board.recent().back().id != oldest->id);
}

TEST_CASE("a run's scope left without finishing fails the run, never leaves it running", "[runs]") {
  RunBoard board;
  {
    RunBoard::Scope run(board, board.start("reminders", "2025-02-01", "nightly", 1),
                        [] { return std::int64_t{5}; });
    run.entry().progress.total = 3;
    // An exception would leave here, the router answering 500.
  }
  {
    RunBoard::Scope run(board, board.start("year-end", "2026-01-01", "nightly", 6),
                        [] { return std::int64_t{7}; });
    run.finish(Status{});
  }
  const auto runs = board.recent();
  REQUIRE(runs.size() == 2);
  CHECK(runs[1].state == RunBoard::State::kFailed);
  CHECK(runs[1].error == "Internal");
  CHECK(runs[1].finished_us == 5);
  CHECK(runs[0].state == RunBoard::State::kDone);
  CHECK(runs[0].finished_us == 7);
}
