#include "http/run_board.h"

#include <algorithm>
#include <iterator>

namespace kassa::http {

std::shared_ptr<RunBoard::Entry> RunBoard::start(std::string run, std::string business_date,
                                                 std::string principal, std::int64_t now_us) {
  auto entry = std::make_shared<Entry>();
  entry->run = std::move(run);
  entry->business_date = std::move(business_date);
  entry->principal = std::move(principal);
  entry->started_us = now_us;
  std::lock_guard lock(mutex_);
  entry->id = next_id_++;
  slots_.push_front(Slot{entry, std::nullopt, State::kRunning, {}});
  // Forget the oldest finished runs beyond kKept (a running one stays).
  while (slots_.size() > kKept) {
    const auto oldest = std::find_if(slots_.rbegin(), slots_.rend(), [](const Slot& slot) {
      return slot.state != State::kRunning;
    });
    if (oldest == slots_.rend()) break;
    slots_.erase(std::next(oldest).base());
  }
  return entry;
}

void RunBoard::finish(const std::shared_ptr<Entry>& entry, const Status& outcome,
                      std::int64_t now_us) {
  std::lock_guard lock(mutex_);
  for (Slot& slot : slots_) {
    if (slot.entry != entry) continue;
    slot.finished_us = now_us;
    slot.state = outcome.ok() ? State::kDone : State::kFailed;
    if (!outcome.ok()) slot.error = outcome.error().rule;
    return;
  }
}

std::vector<RunBoard::View> RunBoard::recent() const {
  std::lock_guard lock(mutex_);
  std::vector<View> out;
  out.reserve(slots_.size());
  for (const Slot& slot : slots_) {
    const Entry& e = *slot.entry;
    View v;
    v.id = e.id;
    v.run = e.run;
    v.business_date = e.business_date;
    v.principal = e.principal;
    v.started_us = e.started_us;
    v.finished_us = slot.finished_us;
    v.state = slot.state;
    v.error = slot.error;
    // `done` first: the writer stores it last, so what follows is as new.
    v.done = e.progress.done;
    v.total = e.progress.total;
    v.changed = e.progress.changed;
    v.events_written = e.progress.events_written;
    v.rejected = e.progress.rejected;
    out.push_back(std::move(v));
  }
  return out;
}

std::string_view to_string(RunBoard::State state) {
  switch (state) {
    case RunBoard::State::kRunning: return "running";
    case RunBoard::State::kDone: return "done";
    case RunBoard::State::kFailed: return "failed";
  }
  return "running";
}

}  // namespace kassa::http
