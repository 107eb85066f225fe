#pragma once
// Money: an amount in euro, held as int64 cents. Built through parse() or
// from_cents(); never through a floating-point number. Arithmetic that could
// overflow returns a Result, so a sum never wraps silently.
//
// Thread-safety: a plain value.

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace kassa::domain {

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money from_cents(std::int64_t cents) { return Money(cents); }
  static constexpr Money zero() { return Money(0); }

  // Parses "1234.56", "1234.5", "1234" and "-12.34": an optional '-', at
  // least one digit, then optionally '.' and one or two digits. No spaces,
  // no thousands separators, no '+'. `field` names the input in errors
  // (rules "MoneyFormat", "MoneyOverflow").
  static Result<Money> parse(std::string_view text, std::string_view field = "amount");
  // As parse(), and rejects a negative amount (rule "MoneyNonNegative").
  static Result<Money> parse_non_negative(std::string_view text, std::string_view field = "amount");

  constexpr std::int64_t cents() const { return cents_; }
  constexpr bool is_zero() const { return cents_ == 0; }
  constexpr bool is_negative() const { return cents_ < 0; }
  constexpr bool is_positive() const { return cents_ > 0; }

  // "1234.56", "-0.05", "0.00": always two decimals, no separators.
  std::string format() const;

  // Checked arithmetic: rule "MoneyOverflow" when the result leaves int64.
  Result<Money> plus(Money other) const;
  Result<Money> minus(Money other) const;
  Result<Money> times(std::int64_t factor) const;

  friend constexpr auto operator<=>(Money, Money) = default;
  friend constexpr bool operator==(Money, Money) = default;

 private:
  constexpr explicit Money(std::int64_t cents) : cents_(cents) {}
  std::int64_t cents_ = 0;
};

// OK, or rule "MoneyNonNegative" naming `field` when `amount` is below 0.
Status require_non_negative(Money amount, std::string_view field);

constexpr Money min(Money a, Money b) { return a < b ? a : b; }
constexpr Money max(Money a, Money b) { return a < b ? b : a; }

}  // namespace kassa::domain
