#pragma once
// Date: a calendar day (proleptic Gregorian), wrapping
// std::chrono::year_month_day. Stored as days since 1970-01-01 so it
// converts cheaply to and from the int32 kept in events and keys.
// The domain never reads the clock: every date comes in from a command.
//
// Thread-safety: a plain value.

#include <chrono>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace kassa::domain {

// The calendar the fund works in. Events carry a quarter as the uint16
// year*10+q (schemas/common.fbs), which holds years up to 6553: a wider
// range would let a command's quarter wrap into another one on its way to
// the log. 2999 leaves every plausible date and a margin no input needs.
inline constexpr int kFirstYear = 1900;
inline constexpr int kLastYear = 2999;
static_assert(kLastYear * 10 + 4 <= 65535, "a quarter code must fit its uint16");

class Date {
 public:
  // "2025-03-31" (ISO 8601, exactly 10 characters); rule "DateFormat".
  static Result<Date> parse(std::string_view text, std::string_view field = "date");
  // A real calendar day in years kFirstYear..kLastYear (1900..2999); rule "DateInvalid".
  static Result<Date> from_ymd(int year, unsigned month, unsigned day);
  static Date from_days(std::int32_t days_since_epoch) { return Date(days_since_epoch); }

  std::int32_t to_days() const { return days_; }
  std::chrono::year_month_day ymd() const;
  int year() const;
  unsigned month() const;
  unsigned day() const;

  Date plus_days(std::int32_t days) const { return Date(days_ + days); }
  // The same day n months later, clamped to the month's last day
  // (31 January + 1 month = 28/29 February).
  Date plus_months(int months) const;

  std::string format() const;  // "2025-03-31"

  friend auto operator<=>(Date, Date) = default;
  friend bool operator==(Date, Date) = default;

 private:
  explicit Date(std::int32_t days) : days_(days) {}
  std::int32_t days_ = 0;
};

}  // namespace kassa::domain
