#include "domain/niss.h"

#include "domain/identifier_text.h"

namespace kassa::domain {

namespace {

// "YY.MM.DD-NNN.CC" -> the 11 digits, or "" when the shape does not match.
std::string from_display(std::string_view text) {
  if (text.size() != 15 || text[2] != '.' || text[5] != '.' || text[8] != '-' || text[12] != '.') {
    return {};
  }
  return detail::without(text, ".-");
}

}  // namespace

Result<Niss> Niss::parse(std::string_view text, std::string_view field) {
  const std::string f(field);
  std::string digits = text.size() == 11 ? std::string(text) : from_display(text);
  if (digits.size() != 11 || !detail::all_digits(digits)) {
    return Error::invalid(f, "NissFormat",
                          f + ": a national number has 11 digits (YYMMDD NNN CC or "
                              "YY.MM.DD-NNN.CC)");
  }
  const auto month = detail::to_number(std::string_view(digits).substr(2, 2));
  const auto day = detail::to_number(std::string_view(digits).substr(4, 2));
  const bool month_ok = month <= 12 || (month >= 20 && month <= 32) || (month >= 40 && month <= 52);
  if (!month_ok || day > 31) {
    return Error::invalid(f, "NissDate",
                          f + ": month must be 00-12 (BIS: +20 or +40) and day 00-31");
  }
  const std::uint64_t first9 = detail::to_number(std::string_view(digits).substr(0, 9));
  const std::uint64_t check = detail::to_number(std::string_view(digits).substr(9, 2));
  const bool before_2000 = 97 - first9 % 97 == check;
  const bool from_2000 = 97 - (2'000'000'000 + first9) % 97 == check;
  if (!before_2000 && !from_2000) {
    return Error::invalid(f, "NissCheckDigits",
                          f + ": check digits do not match (97 - first 9 digits mod 97, "
                              "with a 2 in front for births from 2000)");
  }
  return Niss(std::move(digits));
}

std::string Niss::display() const {
  const std::string_view d = digits_;
  return std::string(d.substr(0, 2)) + "." + std::string(d.substr(2, 2)) + "." +
         std::string(d.substr(4, 2)) + "-" + std::string(d.substr(6, 3)) + "." +
         std::string(d.substr(9, 2));
}

bool Niss::is_bis() const { return digits_[2] >= '2'; }

}  // namespace kassa::domain
