#include "domain/bank/values.h"

#include <limits>

namespace kassa::domain::bank {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
char to_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// The digits of a structured communication once its decorations are gone;
// "" when the text is not of that shape.
std::string structured_digits(std::string_view text) {
  text = trim(text);
  for (std::string_view fence : {"+++", "***"}) {
    if (text.size() >= 6 && text.substr(0, 3) == fence && text.substr(text.size() - 3) == fence) {
      text = trim(text.substr(3, text.size() - 6));
      break;
    }
  }
  std::string digits;
  for (char c : text) {
    if (is_digit(c)) {
      digits.push_back(c);
    } else if (c != '/' && c != ' ') {
      return {};
    }
  }
  return digits.size() == 12 ? digits : std::string{};
}

}  // namespace

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

Result<std::string> normalize_iban(std::string_view text) {
  std::string iban;
  for (char c : text) {
    if (c != ' ') iban.push_back(to_upper(c));
  }
  auto fail = [&](const char* why) {
    return Error::invalid("iban", "IbanInvalid", "IBAN '" + std::string(text) + "' " + why);
  };
  if (iban.size() < 15 || iban.size() > 34) return fail("has not 15 to 34 characters");
  if (!is_upper(iban[0]) || !is_upper(iban[1]) || !is_digit(iban[2]) || !is_digit(iban[3]))
    return fail("does not start with a country code and two check digits");
  if (iban.substr(0, 2) == "BE" && iban.size() != 16)
    return fail("is a Belgian IBAN without 16 characters");
  // ISO 7064 mod 97-10 over BBAN + country + check digits, letters as 10..35.
  int remainder = 0;
  auto feed = [&](char c) -> bool {
    if (is_digit(c)) {
      remainder = (remainder * 10 + (c - '0')) % 97;
    } else if (is_upper(c)) {
      const int value = c - 'A' + 10;
      remainder = (remainder * 100 + value) % 97;
    } else {
      return false;
    }
    return true;
  };
  for (std::size_t i = 4; i < iban.size(); ++i) {
    if (!feed(iban[i])) return fail("has a character that is not a letter or a digit");
  }
  for (std::size_t i = 0; i < 4; ++i) feed(iban[i]);
  if (remainder != 1) return fail("fails the mod 97 check");
  return iban;
}

bool looks_like_structured_communication(std::string_view text) {
  return !structured_digits(text).empty();
}

Result<std::string> parse_structured_communication(std::string_view text) {
  std::string digits = structured_digits(text);
  if (digits.empty()) {
    return Error::invalid("structured_communication", "StructuredCommunicationInvalid",
                          "'" + std::string(text) + "' is not 12 digits (+++DDD/DDDD/DDDDD+++)");
  }
  int64_t base = 0;
  for (std::size_t i = 0; i < 10; ++i) base = base * 10 + (digits[i] - '0');
  int64_t check = base % 97;
  if (check == 0) check = 97;
  const int64_t written = (digits[10] - '0') * 10 + (digits[11] - '0');
  if (written != check) {
    return Error::invalid("structured_communication", "StructuredCommunicationInvalid",
                          "'" + std::string(text) + "' has check digits " + digits.substr(10) +
                              ", expected " + (check < 10 ? "0" : "") + std::to_string(check));
  }
  return digits;
}

std::string find_structured_communication(std::string_view text) {
  for (std::string_view fence : {"+++", "***"}) {
    std::size_t from = 0;
    while (true) {
      const auto open = text.find(fence, from);
      if (open == std::string_view::npos) break;
      const auto close = text.find(fence, open + 3);
      if (close == std::string_view::npos) break;
      std::string digits = structured_digits(text.substr(open, close + 3 - open));
      if (!digits.empty()) return digits;
      from = open + 1;
    }
  }
  return {};
}

Result<int64_t> parse_decimal_cents(std::string_view text) {
  auto fail = [&](const char* rule, const std::string& why) {
    return Error::invalid("amount", rule, "amount '" + std::string(text) + "' " + why);
  };
  if (text.empty()) return fail("AmountFormat", "is empty");
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction =
      dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty()) return fail("AmountFormat", "has no integer part");
  if (dot != std::string_view::npos && fraction.empty())
    return fail("AmountFormat", "ends with a decimal point");
  for (char c : whole) {
    if (!is_digit(c)) return fail("AmountFormat", "is not a decimal number with a '.' separator");
  }
  for (char c : fraction) {
    if (!is_digit(c)) return fail("AmountFormat", "is not a decimal number with a '.' separator");
  }
  if (whole.size() > 18) return fail("AmountOverflow", "has more than 18 integer digits");
  for (std::size_t i = 2; i < fraction.size(); ++i) {
    if (fraction[i] != '0') return fail("AmountNotInCents", "has a fraction of a cent");
  }
  int64_t units = 0;
  for (char c : whole) units = units * 10 + (c - '0');
  int64_t cents = 0;
  if (!fraction.empty()) cents += int64_t{fraction[0] - '0'} * 10;
  if (fraction.size() > 1) cents += fraction[1] - '0';
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (units > kMax / 100 || (units == kMax / 100 && cents > kMax % 100))
    return fail("AmountOverflow", "does not fit in 64-bit cents");
  return units * 100 + cents;
}

std::string format_cents(int64_t cents) {
  // Work on the magnitude as unsigned so INT64_MIN is well defined.
  const bool negative = cents < 0;
  const uint64_t magnitude =
      negative ? static_cast<uint64_t>(-(cents + 1)) + 1u : static_cast<uint64_t>(cents);
  const uint64_t fraction = magnitude % 100u;
  std::string out = negative ? "-" : "";
  out += std::to_string(magnitude / 100u);
  out += '.';
  out += static_cast<char>('0' + fraction / 10u);
  out += static_cast<char>('0' + fraction % 10u);
  return out;
}

}  // namespace kassa::domain::bank
