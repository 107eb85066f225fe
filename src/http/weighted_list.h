#pragma once
// The one reader of a header's weighted list (RFC 9110 12.4.2): Accept's
// media ranges, Accept-Language's language ranges. Internal to src/http.
//
// Thread-safety: pure functions.

#include <charconv>
#include <cmath>
#include <cstddef>
#include <string_view>
#include <system_error>

#include "domain/bank/values.h"

namespace kassa::http {

// Ranges compare without regard to ASCII case ("Text/CSV", "NL-be").
inline bool same_text(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  const auto lower = [](char ch) { return ch >= 'A' && ch <= 'Z' ? char(ch - 'A' + 'a') : ch; };
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Calls fn(range, weight) for each element of `list` ("text/csv;q=0.5,
// */*"): the range trimmed and without its parameters, its weight from
// "q=" (1 without one; 0 for one that is not a number from 0 to 1: "q=",
// "q=nan", "q=2", so that a malformed weight refuses rather than prefers).
// Empty elements ("a, , b") are skipped. Returns how many were given.
template <typename F>
std::size_t for_each_weighted(std::string_view list, F&& fn) {
  std::size_t given = 0;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view element = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    const auto semicolon = element.find(';');
    const std::string_view range = domain::bank::trim(element.substr(0, semicolon));
    if (range.empty()) continue;
    ++given;
    double q = 1.0;
    for (std::string_view params = semicolon == std::string_view::npos
                                       ? std::string_view{}
                                       : element.substr(semicolon + 1);
         !params.empty();) {
      const auto next = params.find(';');
      const std::string_view param = domain::bank::trim(params.substr(0, next));
      params = next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
      if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
        const std::string_view value = param.substr(2);
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), q);
        if (value.empty() || ec != std::errc() || end != value.data() + value.size() ||
            !std::isfinite(q) || q < 0.0 || q > 1.0) {
          q = 0.0;
        }
      }
    }
    fn(range, q);
  }
  return given;
}

}  // namespace kassa::http
