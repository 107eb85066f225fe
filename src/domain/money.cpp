#include "domain/money.h"

namespace kassa::domain {

namespace {

Error format_error(std::string_view field, std::string_view text) {
  return Error::invalid(std::string(field), "MoneyFormat",
                        std::string(field) + ": '" + std::string(text) +
                            "' is not an amount like 1234.56 (digits, optional '-', at most two "
                            "decimals)");
}

Error overflow_error(std::string_view field) {
  return Error::invalid(std::string(field), "MoneyOverflow",
                        std::string(field) + ": amount out of range");
}

}  // namespace

Result<Money> Money::parse(std::string_view text, std::string_view field) {
  std::size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  std::int64_t euros = 0;
  std::size_t euro_digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++euro_digits) {
    const auto digit = static_cast<std::int64_t>(text[i] - '0');
    if (__builtin_mul_overflow(euros, 10, &euros) || __builtin_add_overflow(euros, digit, &euros)) {
      return overflow_error(field);
    }
  }
  if (euro_digits == 0) return format_error(field, text);
  std::int64_t cents = 0;
  if (i < text.size()) {
    if (text[i] != '.') return format_error(field, text);
    ++i;
    const std::size_t decimals = text.size() - i;
    if (decimals < 1 || decimals > 2) return format_error(field, text);
    for (std::size_t k = 0; k < decimals; ++k) {
      const char c = text[i + k];
      if (c < '0' || c > '9') return format_error(field, text);
      cents = cents * 10 + (c - '0');
    }
    if (decimals == 1) cents *= 10;
  }
  std::int64_t total = 0;
  if (__builtin_mul_overflow(euros, 100, &total) || __builtin_add_overflow(total, cents, &total)) {
    return overflow_error(field);
  }
  return Money(negative ? -total : total);
}

Result<Money> Money::parse_non_negative(std::string_view text, std::string_view field) {
  auto parsed = parse(text, field);
  KASSA_TRY(parsed);
  KASSA_TRY(require_non_negative(*parsed, field));
  return parsed;
}

Status require_non_negative(Money amount, std::string_view field) {
  if (!amount.is_negative()) return {};
  return Error::invalid(std::string(field), "MoneyNonNegative",
                        std::string(field) + ": must not be negative, got " + amount.format());
}

std::string Money::format() const {
  // Work on the unsigned magnitude so INT64_MIN formats too.
  const bool negative = cents_ < 0;
  const std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(cents_) : static_cast<std::uint64_t>(cents_);
  const std::uint64_t rest = magnitude % 100;
  std::string out = negative ? "-" : "";
  out += std::to_string(magnitude / 100);
  out += '.';
  out += static_cast<char>('0' + rest / 10);
  out += static_cast<char>('0' + rest % 10);
  return out;
}

Result<Money> Money::plus(Money other) const {
  std::int64_t out = 0;
  if (__builtin_add_overflow(cents_, other.cents_, &out)) return overflow_error("amount");
  return Money(out);
}

Result<Money> Money::minus(Money other) const {
  std::int64_t out = 0;
  if (__builtin_sub_overflow(cents_, other.cents_, &out)) return overflow_error("amount");
  return Money(out);
}

Result<Money> Money::times(std::int64_t factor) const {
  std::int64_t out = 0;
  if (__builtin_mul_overflow(cents_, factor, &out)) return overflow_error("amount");
  return Money(out);
}

}  // namespace kassa::domain
