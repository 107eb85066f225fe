#include "domain/date.h"

#include <cstdio>

namespace kassa::domain {

namespace {

namespace chr = std::chrono;
using chr::sys_days;
using chr::year_month_day;

Date from_ymd_unchecked(const year_month_day& ymd) {
  return Date::from_days(static_cast<std::int32_t>(sys_days(ymd).time_since_epoch().count()));
}

}  // namespace

Result<Date> Date::from_ymd(int y, unsigned m, unsigned d) {
  const year_month_day ymd{chr::year{y}, chr::month{m}, chr::day{d}};
  if (y < kFirstYear || y > kLastYear || !ymd.ok()) {
    return Error::invalid("date", "DateInvalid",
                          "date: " + std::to_string(y) + "-" + std::to_string(m) + "-" +
                              std::to_string(d) + " is not a calendar day in " +
                              std::to_string(kFirstYear) + ".." + std::to_string(kLastYear));
  }
  return from_ymd_unchecked(ymd);
}

Result<Date> Date::parse(std::string_view text, std::string_view field) {
  auto bad = [&](const char* rule, const std::string& why) {
    return Error::invalid(std::string(field), rule,
                          std::string(field) + ": '" + std::string(text) + "' " + why);
  };
  auto digits = [&](std::size_t from, std::size_t count, unsigned& out) {
    out = 0;
    for (std::size_t i = from; i < from + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + static_cast<unsigned>(text[i] - '0');
    }
    return true;
  };
  unsigned y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !digits(0, 4, y) ||
      !digits(5, 2, m) || !digits(8, 2, d)) {
    return bad("DateFormat", "is not a date like 2025-03-31");
  }
  auto date = from_ymd(static_cast<int>(y), m, d);
  if (!date.ok()) return bad("DateInvalid", "is not a calendar day");
  return date;
}

std::chrono::year_month_day Date::ymd() const {
  return year_month_day{sys_days{std::chrono::days{days_}}};
}

int Date::year() const { return static_cast<int>(ymd().year()); }
unsigned Date::month() const { return static_cast<unsigned>(ymd().month()); }
unsigned Date::day() const { return static_cast<unsigned>(ymd().day()); }

Date Date::plus_months(int months) const {
  const auto start = ymd();
  auto target = std::chrono::year_month{start.year(), start.month()} + std::chrono::months{months};
  const auto last =
      std::chrono::year_month_day_last{target.year(), std::chrono::month_day_last{target.month()}};
  const auto d = start.day() > last.day() ? last.day() : start.day();
  return from_ymd_unchecked(year_month_day{target.year(), target.month(), d});
}

std::string Date::format() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", year(), month(), day());
  return buf;
}

}  // namespace kassa::domain
