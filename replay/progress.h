#pragma once
// Progress of a long run on the terminal: events per second, percent done
// and time left. On a TTY one line on stderr rewritten in place (at most ten
// times a second); off a TTY a plain line every few seconds, so a log file
// or a CI run shows the run is alive without drowning in it.
//
// Thread-safety: one thread at a time.

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace kassa::replay {

enum class ProgressStyle {
  kAuto,   // a TTY line if `out` is a terminal's stderr, else periodic lines
  kTty,    // always the rewritten line
  kLines,  // always periodic lines
  kOff,    // nothing
};

class Progress {
 public:
  // `out` is normally std::cerr; kAuto looks at whether fd 2 is a TTY.
  Progress(std::string label, std::ostream& out, ProgressStyle style = ProgressStyle::kAuto);
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // `done` of `total` units (records or bytes; total 0 = unknown), `events`
  // handled so far. Cheap when nothing is due to be printed.
  void update(uint64_t done, uint64_t total, uint64_t events);
  // Clears the TTY line (or prints a last line) and returns the seconds since
  // construction.
  double finish(uint64_t events);

  double elapsed_seconds() const;

 private:
  std::string line(uint64_t done, uint64_t total, uint64_t events) const;

  std::string label_;
  std::ostream& out_;
  ProgressStyle style_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_;
  bool printed_ = false;
};

// "1h02m", "3m07s", "12s".
std::string format_duration(double seconds);

}  // namespace kassa::replay
