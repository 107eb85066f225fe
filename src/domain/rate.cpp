#include "domain/rate.h"

#include <limits>

namespace kassa::domain {

Int128 div_round_half_up(Int128 num, Int128 den) {
  KASSA_ASSERT(den > 0, "div_round_half_up: denominator must be positive");
  const Int128 magnitude = num < 0 ? -num : num;
  const Int128 rounded = (2 * magnitude + den) / (2 * den);  // floor(m/den + 1/2)
  return num < 0 ? -rounded : rounded;
}

Result<Money> money_from_exact(Int128 cents_num, Int128 den) {
  const Int128 cents = div_round_half_up(cents_num, den);
  if (cents > std::numeric_limits<std::int64_t>::max() ||
      cents < std::numeric_limits<std::int64_t>::min()) {
    return Error::invalid("amount", "MoneyOverflow", "amount: result out of range");
  }
  return Money::from_cents(static_cast<std::int64_t>(cents));
}

namespace {

// Parses "D+[.D{0,max_decimals}]" into value × 10^scale_digits.
Result<std::int64_t> parse_scaled(std::string_view text, int scale_digits, std::string_view field) {
  auto bad = [&] {
    return Error::invalid(std::string(field), "RateFormat",
                          std::string(field) + ": '" + std::string(text) +
                              "' is not a number like 3.95 (at most " +
                              std::to_string(scale_digits) + " decimals)");
  };
  std::int64_t whole = 0;
  std::size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    whole = whole * 10 + (text[i] - '0');
    if (whole > 1'000'000) return bad();  // no rate in the law is this large
  }
  if (i == 0) return bad();
  std::int64_t fraction = 0;
  int decimals = 0;
  if (i < text.size()) {
    if (text[i] != '.' || i + 1 == text.size()) return bad();
    for (++i; i < text.size(); ++i, ++decimals) {
      if (text[i] < '0' || text[i] > '9' || decimals == scale_digits) return bad();
      fraction = fraction * 10 + (text[i] - '0');
    }
  }
  for (; decimals < scale_digits; ++decimals) fraction *= 10;
  std::int64_t scale = 1;
  for (int k = 0; k < scale_digits; ++k) scale *= 10;
  return whole * scale + fraction;
}

std::string format_scaled(std::int64_t value, std::int64_t scale) {
  std::string out = std::to_string(value / scale);
  std::int64_t rest = value % scale;
  if (rest == 0) return out;
  std::string digits;
  for (std::int64_t s = scale / 10; s > 0; s /= 10) {
    digits += static_cast<char>('0' + (rest / s) % 10);
  }
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  return out + "." + digits;
}

}  // namespace

Result<Rate> Rate::parse_percent(std::string_view text, std::string_view field) {
  // A percent with 7 decimals is a fraction with 9: "3.95" -> 39'500'000.
  auto scaled = parse_scaled(text, 7, field);
  KASSA_TRY(scaled);
  if (*scaled > Rate::kScale) {
    return Error::invalid(std::string(field), "RateRange",
                          std::string(field) + ": a percentage must be between 0 and 100");
  }
  return Rate(*scaled);
}

Result<Rate> Rate::parse_factor(std::string_view text, std::string_view field) {
  auto scaled = parse_scaled(text, 9, field);
  KASSA_TRY(scaled);
  return Rate(*scaled);
}

std::string Rate::format_percent() const { return format_scaled(billionths_, 10'000'000); }

std::string Rate::format_factor() const { return format_scaled(billionths_, kScale); }

Result<Money> apply(Money amount, Rate rate) {
  return money_from_exact(static_cast<Int128>(amount.cents()) * rate.billionths(), Rate::kScale);
}

}  // namespace kassa::domain
