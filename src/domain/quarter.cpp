#include "domain/quarter.h"

namespace kassa::domain {

Result<Quarter> Quarter::of(int year, int number) {
  if (year < kFirstYear || year > kLastYear || number < 1 || number > 4) {
    return Error::invalid("quarter", "QuarterInvalid",
                          "quarter: " + std::to_string(year) + "-Q" + std::to_string(number) +
                              " is not a quarter (year " + std::to_string(kFirstYear) + ".." +
                              std::to_string(kLastYear) + ", Q1..Q4)");
  }
  return Quarter(year * 4 + number - 1);
}

Result<Quarter> Quarter::parse(std::string_view text, std::string_view field) {
  const bool shape =
      text.size() == 7 && text[4] == '-' && text[5] == 'Q' && text[6] >= '1' && text[6] <= '4';
  int year = 0;
  for (std::size_t i = 0; shape && i < 4; ++i) {
    if (text[i] < '0' || text[i] > '9') break;
    year = year * 10 + (text[i] - '0');
    if (i == 3) {
      auto q = of(year, text[6] - '0');
      if (q.ok()) return q;
    }
  }
  return Error::invalid(
      std::string(field), "QuarterFormat",
      std::string(field) + ": '" + std::string(text) + "' is not a quarter like 2025-Q1");
}

Quarter Quarter::containing(Date date) {
  return Quarter(date.year() * 4 + static_cast<int>((date.month() - 1) / 3));
}

Date Quarter::first_day() const {
  return Date::from_ymd(year(), static_cast<unsigned>(3 * (number() - 1) + 1), 1).value();
}

Date Quarter::last_day() const {
  using namespace std::chrono;
  const year_month_day_last last{std::chrono::year{year()},
                                 month_day_last{month{static_cast<unsigned>(3 * number())}}};
  return Date::from_ymd(year(), static_cast<unsigned>(3 * number()),
                        static_cast<unsigned>(last.day()))
      .value();
}

std::string Quarter::format() const {
  return std::to_string(year()) + "-Q" + std::to_string(number());
}

}  // namespace kassa::domain
