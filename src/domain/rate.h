#pragma once
// Rate: a percentage or a coefficient, exact, held as an integer number of
// billionths (10^-9). 20.50 % is 205'000'000, 3.95 % is 39'500'000 and the
// revaluation coefficient 1.092330529 is 1'092'330'529: every figure in
// DOMAIN.md fits without loss.
//
// Applying a rate to money multiplies in 128-bit integers and rounds once,
// half-up (half away from zero for negative amounts) to the cent. Never
// through floating point.
//
// Thread-safety: plain values and pure functions.

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/money.h"
#include "domain/result.h"

namespace kassa::domain {

// GCC's 128-bit integer; __extension__ keeps -Wpedantic quiet.
__extension__ typedef __int128 Int128;

// num / den rounded half away from zero. REQUIRES: den > 0.
Int128 div_round_half_up(Int128 num, Int128 den);

// Money from an exact amount num/den cents, rounded half-up; rule
// "MoneyOverflow" when it does not fit.
Result<Money> money_from_exact(Int128 cents_num, Int128 den);

class Rate {
 public:
  static constexpr std::int64_t kScale = 1'000'000'000;  // 1.0

  constexpr Rate() = default;
  static constexpr Rate from_billionths(std::int64_t billionths) { return Rate(billionths); }
  // In hundredths of a percent: 20.50 % = 2050, 3.95 % = 395.
  static constexpr Rate from_hundredths_of_percent(std::int64_t hundredths) {
    return Rate(hundredths * 100'000);
  }
  static constexpr Rate zero() { return Rate(0); }

  // "3.95" (percent, up to 7 decimals) -> 3.95 %; rule "RateFormat",
  // "RateRange" (a percentage from 0 to 100).
  static Result<Rate> parse_percent(std::string_view text, std::string_view field = "rate");
  // "1.092330529" (a factor, up to 9 decimals, non-negative); rule "RateFormat".
  static Result<Rate> parse_factor(std::string_view text, std::string_view field = "rate");

  constexpr std::int64_t billionths() const { return billionths_; }
  // "20.5" -> as a percentage with the decimals it needs ("3.95", "20.5", "1").
  std::string format_percent() const;
  // "1.092330529" -> as a factor with the decimals it needs.
  std::string format_factor() const;

  friend constexpr auto operator<=>(Rate, Rate) = default;
  friend constexpr bool operator==(Rate, Rate) = default;

 private:
  constexpr explicit Rate(std::int64_t billionths) : billionths_(billionths) {}
  std::int64_t billionths_ = 0;
};

// amount × rate, rounded half-up to the cent.
Result<Money> apply(Money amount, Rate rate);

}  // namespace kassa::domain
