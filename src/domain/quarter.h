#pragma once
// Quarter: a calendar quarter, year + 1..4, written "2025-Q1". Contributions,
// categories and career status are per quarter; a quarter's contribution is
// due on its last day (31/3, 30/6, 30/9, 31/12).
//
// Thread-safety: a plain value.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/date.h"
#include "domain/result.h"

namespace kassa::domain {

class Quarter {
 public:
  // "2025-Q1"; rule "QuarterFormat".
  static Result<Quarter> parse(std::string_view text, std::string_view field = "quarter");
  // Years kFirstYear..kLastYear (date.h), quarter 1..4; rule "QuarterInvalid".
  static Result<Quarter> of(int year, int number);
  static Quarter containing(Date date);

  int year() const { return index_ / 4; }
  int number() const { return index_ % 4 + 1; }  // 1..4

  Date first_day() const;
  Date last_day() const;
  Date due_date() const { return last_day(); }
  bool contains(Date date) const { return containing(date) == *this; }

  Quarter next() const { return plus(1); }
  Quarter prev() const { return plus(-1); }
  Quarter plus(int quarters) const { return Quarter(index_ + quarters); }
  // How many quarters from `earlier` to this one (negative if later).
  int quarters_since(Quarter earlier) const { return index_ - earlier.index_; }

  std::string format() const;  // "2025-Q1"

  friend auto operator<=>(Quarter, Quarter) = default;
  friend bool operator==(Quarter, Quarter) = default;

 private:
  explicit Quarter(int index) : index_(index) {}
  int index_ = 0;  // year * 4 + (number - 1)
};

// The one encoding of a quarter in events (schemas/common.fbs) and stored
// read models: year * 10 + number, 2025-Q3 is 20253. People and consumers
// read Quarter::format() ("2025-Q3"), never the code.
inline std::uint16_t quarter_code(Quarter q) {
  return static_cast<std::uint16_t>(q.year() * 10 + q.number());
}
// 20253 -> 2025-Q3; nullopt for 0 or anything that is not year*10+(1..4)
// within the calendar.
inline std::optional<Quarter> quarter_from_code(std::uint32_t code) {
  if (code == 0) return std::nullopt;
  auto q = Quarter::of(static_cast<int>(code / 10), static_cast<int>(code % 10));
  if (!q.ok()) return std::nullopt;
  return *q;
}

}  // namespace kassa::domain
