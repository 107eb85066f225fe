#include "domain/timestamp.h"

#include <cstdio>

#include "domain/date.h"

namespace kassa::domain {

namespace {

constexpr std::int64_t kMicrosPerDay = std::int64_t{86'400} * 1'000'000;

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Two digits at `at` of `text`, at most `max`; -1 if not.
int two_digits(std::string_view text, std::size_t at, int max) {
  if (!all_digits(text.substr(at, 2))) return -1;
  const int v = (text[at] - '0') * 10 + (text[at + 1] - '0');
  return v <= max ? v : -1;
}

}  // namespace

Result<Timestamp> Timestamp::parse(std::string_view text, std::string_view field) {
  const auto bad = [&] {
    return Error::invalid(std::string(field), "TimestampFormat",
                          std::string(field) +
                              " must be a UTC instant like 2025-05-10T12:00:00Z (up to six "
                              "fraction digits) or microseconds since 1970");
  };
  if (all_digits(text)) {
    if (text.size() > 18) return bad();
    std::int64_t us = 0;
    for (char c : text) us = us * 10 + (c - '0');
    // Within the calendar the text form takes (years up to kLastYear): a
    // larger count printed as a year of five digits, no RFC 3339 instant.
    static const std::int64_t kEnd =
        (std::int64_t{Date::from_ymd(kLastYear, 12, 31).value().to_days()} + 1) * kMicrosPerDay;
    if (us >= kEnd) return bad();
    return Timestamp(us);
  }
  // YYYY-MM-DDTHH:MM:SS[.f{1,6}]Z
  if (text.size() < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text.back() != 'Z') {
    return bad();
  }
  auto day = Date::parse(text.substr(0, 10), field);
  if (!day.ok()) return bad();
  const int h = two_digits(text, 11, 23);
  const int m = two_digits(text, 14, 59);
  const int s = two_digits(text, 17, 59);
  if (h < 0 || m < 0 || s < 0) return bad();
  std::int64_t micros = 0;
  const std::string_view rest = text.substr(19, text.size() - 20);  // between seconds and Z
  if (!rest.empty()) {
    const std::string_view frac = rest.substr(1);
    if (rest[0] != '.' || frac.size() > 6 || !all_digits(frac)) return bad();
    for (std::size_t i = 0; i < 6; ++i)
      micros = micros * 10 + (i < frac.size() ? frac[i] - '0' : 0);
  }
  return Timestamp(std::int64_t{day->to_days()} * kMicrosPerDay +
                   (std::int64_t{h} * 3600 + std::int64_t{m} * 60 + s) * 1'000'000 + micros);
}

std::string Timestamp::format() const {
  std::int64_t days = us_ / kMicrosPerDay;
  std::int64_t rest = us_ % kMicrosPerDay;
  if (rest < 0) {
    rest += kMicrosPerDay;
    --days;
  }
  const std::int64_t secs = rest / 1'000'000;
  char clock[32];
  std::snprintf(clock, sizeof clock, "T%02d:%02d:%02d.%06dZ", static_cast<int>(secs / 3600),
                static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60),
                static_cast<int>(rest % 1'000'000));
  return Date::from_days(static_cast<std::int32_t>(days)).format() + clock;
}

}  // namespace kassa::domain
