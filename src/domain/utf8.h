#pragma once
// UTF-8, read one code point at a time and checked (RFC 3629): the one
// decoder of the domain, for the name index's words (name_words.cpp) and
// the checks of personal data (person_decide.cpp).
//
// Pure: a function of its arguments.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace kassa::domain {

// The sequence at text[i] (REQUIRES: i < text.size()): its length, with its
// code point in `cp`; 0 when it is malformed (overlong, a surrogate,
// truncated, beyond U+10FFFF, a stray continuation byte).
inline std::size_t utf8_decode(std::string_view text, std::size_t i, std::uint32_t& cp) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char c = b(0);
  std::size_t n = 0;
  if (c < 0x80) {
    cp = c;
    return 1;
  } else if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace kassa::domain
