#include "domain/structured_communication.h"

#include <cstdio>

#include "domain/identifier_text.h"

namespace kassa::domain {

namespace {

constexpr std::uint64_t kMaxBase = 9'999'999'999;

std::uint64_t check_of(std::uint64_t base) {
  const std::uint64_t r = base % 97;
  return r == 0 ? 97 : r;
}

// "DDD/DDDD/DDDDD" -> 12 digits, or "" when the slashes are misplaced.
std::string from_slashed(std::string_view inner) {
  if (inner.size() != 14 || inner[3] != '/' || inner[8] != '/') return {};
  return std::string(inner.substr(0, 3)) + std::string(inner.substr(4, 4)) +
         std::string(inner.substr(9, 5));
}

}  // namespace

Result<StructuredCommunication> StructuredCommunication::parse(std::string_view text,
                                                               std::string_view field) {
  const std::string f(field);
  std::string digits;
  if (text.size() == 12) {
    digits = std::string(text);
  } else if (text.size() == 20 && (text.substr(0, 3) == "+++" || text.substr(0, 3) == "***") &&
             text.substr(17) == text.substr(0, 3)) {
    digits = from_slashed(text.substr(3, 14));
  }
  if (digits.size() != 12 || !detail::all_digits(digits)) {
    return Error::invalid(f, "StructuredCommunicationFormat",
                          f + ": a structured communication is +++DDD/DDDD/DDDDD+++ "
                              "(or ***...*** or 12 digits)");
  }
  const std::uint64_t base = detail::to_number(std::string_view(digits).substr(0, 10));
  const std::uint64_t check = detail::to_number(std::string_view(digits).substr(10, 2));
  if (check_of(base) != check) {
    return Error::invalid(f, "StructuredCommunicationCheckDigits",
                          f + ": check digits do not match (first 10 digits mod 97, 97 for 0)");
  }
  return StructuredCommunication(std::move(digits));
}

Result<StructuredCommunication> StructuredCommunication::generate(std::uint64_t ten_digit_base) {
  if (ten_digit_base > kMaxBase) {
    return Error::invalid("communication_base", "StructuredCommunicationRange",
                          "communication_base: must have at most 10 digits");
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%010llu%02llu", static_cast<unsigned long long>(ten_digit_base),
                static_cast<unsigned long long>(check_of(ten_digit_base)));
  return StructuredCommunication(buf);
}

std::string StructuredCommunication::display() const {
  return "+++" + digits_.substr(0, 3) + "/" + digits_.substr(3, 4) + "/" + digits_.substr(7, 5) +
         "+++";
}

}  // namespace kassa::domain
