#pragma once
// Quarter: a calendar quarter, year + 1..4, written "2025-Q1". Contributions,
// categories and career status are per quarter; a quarter's contribution is
// due on its last day (31/3, 30/6, 30/9, 31/12).
//
// Thread-safety: a plain value.

#include <compare>
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

}  // namespace kassa::domain
