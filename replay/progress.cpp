#include "replay/progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <utility>

namespace kassa::replay {

namespace {
using Clock = std::chrono::steady_clock;
constexpr auto kTtyInterval = std::chrono::milliseconds(100);
constexpr auto kLineInterval = std::chrono::seconds(5);
}  // namespace

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long long s = std::llround(seconds);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", s / 3600, (s % 3600) / 60);
  } else if (s >= 60) {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%llds", s);
  }
  return buf;
}

Progress::Progress(std::string label, std::ostream& out, ProgressStyle style)
    : label_(std::move(label)),
      out_(out),
      style_(style),
      start_(Clock::now()),
      last_print_(start_) {
  if (style_ == ProgressStyle::kAuto) {
    style_ = isatty(STDERR_FILENO) != 0 ? ProgressStyle::kTty : ProgressStyle::kLines;
  }
}

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(Clock::now() - start_).count();
}

std::string Progress::line(uint64_t done, uint64_t total, uint64_t events) const {
  const double elapsed = elapsed_seconds();
  const double rate = elapsed > 0 ? static_cast<double>(events) / elapsed : 0.0;
  char buf[160];
  if (total > 0) {
    const double fraction = std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
    const double left = fraction > 0 ? elapsed * (1.0 - fraction) / fraction : -1.0;
    std::snprintf(buf, sizeof buf, "%s: %llu events, %.0f ev/s, %5.1f%%, %s left", label_.c_str(),
                  static_cast<unsigned long long>(events), rate, fraction * 100.0,
                  format_duration(left).c_str());
  } else {
    std::snprintf(buf, sizeof buf, "%s: %llu events, %.0f ev/s", label_.c_str(),
                  static_cast<unsigned long long>(events), rate);
  }
  return buf;
}

void Progress::update(uint64_t done, uint64_t total, uint64_t events) {
  if (style_ == ProgressStyle::kOff) return;
  const auto now = Clock::now();
  const auto interval = style_ == ProgressStyle::kTty ? Clock::duration(kTtyInterval)
                                                      : Clock::duration(kLineInterval);
  if (now - last_print_ < interval) return;
  last_print_ = now;
  if (style_ == ProgressStyle::kTty) {
    out_ << "\r\033[K" << line(done, total, events) << std::flush;
  } else {
    out_ << line(done, total, events) << "\n" << std::flush;
  }
  printed_ = true;
}

double Progress::finish(uint64_t events) {
  const double elapsed = elapsed_seconds();
  if (style_ == ProgressStyle::kTty && printed_) {
    out_ << "\r\033[K" << std::flush;
  } else if (style_ == ProgressStyle::kLines && printed_) {
    out_ << line(1, 1, events) << "\n" << std::flush;
  }
  return elapsed;
}

}  // namespace kassa::replay
