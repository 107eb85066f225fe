#pragma once
// The batch runs kassad did since it started, and how far a running one
// has come: what GET /v1/runs shows the batch role (the console's runs
// page reads it while a run's POST is still being answered). In memory
// only: a run's events are its durable record, the board its progress.
// It keeps the latest kKept runs; a run's PartyIds never reach it.
//
// Thread-safety: every member may be called from any thread; an Entry's
// progress is written by the run's thread and read by any.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "domain/result.h"
#include "write/aggregate_writer.h"

namespace kassa::http {

class RunBoard {
 public:
  static constexpr std::size_t kKept = 50;

  enum class State { kRunning, kDone, kFailed };

  struct Entry {
    std::uint64_t id = 0;
    std::string run;            // "assessment", "reminders", …
    std::string business_date;  // YYYY-MM-DD
    std::string principal;      // the token's name
    std::int64_t started_us = 0;
    write::RunProgress progress;  // the writer updates it as chunks end
  };

  // What a reader sees of one run.
  struct View {
    std::uint64_t id = 0;
    std::string run;
    std::string business_date;
    std::string principal;
    std::int64_t started_us = 0;
    std::optional<std::int64_t> finished_us;
    State state = State::kRunning;
    std::string error;  // the failure's rule, when failed
    std::size_t total = 0, done = 0, changed = 0, events_written = 0, rejected = 0;
  };

  // A run begins; its progress goes to the returned entry's `progress`.
  std::shared_ptr<Entry> start(std::string run, std::string business_date, std::string principal,
                               std::int64_t now_us);
  // It ended: done, or failed with `outcome`'s error.
  void finish(const std::shared_ptr<Entry>& entry, const Status& outcome, std::int64_t now_us);

  // A run on the board for the scope of a route: finish() records how it
  // ended; a scope left without it (an exception the router answers with
  // 500) fails the run ("Internal") instead of leaving it running.
  class Scope {
   public:
    Scope(RunBoard& board, std::shared_ptr<Entry> entry, std::function<std::int64_t()> now_us)
        : board_(board), entry_(std::move(entry)), now_us_(std::move(now_us)) {}
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    ~Scope() {
      if (!finished_)
        board_.finish(entry_, Error::internal("the run stopped unfinished"), now_us_());
    }
    Entry& entry() { return *entry_; }
    void finish(const Status& outcome) {
      finished_ = true;
      board_.finish(entry_, outcome, now_us_());
    }

   private:
    RunBoard& board_;
    std::shared_ptr<Entry> entry_;
    std::function<std::int64_t()> now_us_;
    bool finished_ = false;
  };
  // The kept runs, the latest first.
  std::vector<View> recent() const;

 private:
  struct Slot {
    std::shared_ptr<Entry> entry;
    std::optional<std::int64_t> finished_us;
    State state = State::kRunning;
    std::string error;
  };
  mutable std::mutex mutex_;
  std::uint64_t next_id_ = 1;
  std::deque<Slot> slots_;  // the latest at the front
};

std::string_view to_string(RunBoard::State state);  // "running", "done", "failed"

}  // namespace kassa::http
