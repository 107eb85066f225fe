#pragma once
// Small helpers shared by the identifier parsers (Niss, CompanyNumber,
// StructuredCommunication, Iban). Internal to kassa::domain.

#include <cstdint>
#include <string>
#include <string_view>

namespace kassa::domain::detail {

inline bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// The digits of `text` as a number. REQUIRES: all_digits(text), size <= 18.
inline std::uint64_t to_number(std::string_view text) {
  std::uint64_t n = 0;
  for (char c : text) n = n * 10 + static_cast<std::uint64_t>(c - '0');
  return n;
}

// `text` with every character in `separators` removed.
inline std::string without(std::string_view text, std::string_view separators) {
  std::string out;
  for (char c : text) {
    if (separators.find(c) == std::string_view::npos) out += c;
  }
  return out;
}

}  // namespace kassa::domain::detail
