#include "http/language.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <system_error>

#include "domain/bank/values.h"

namespace kassa::http {

namespace {

constexpr std::array<Language, 3> kLanguages = {Language::kEn, Language::kFr, Language::kNl};

bool same_letters(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char ch) { return ch >= 'A' && ch <= 'Z' ? char(ch - 'A' + 'a') : ch; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::string_view language_tag(Language language) {
  switch (language) {
    case Language::kEn: return "en";
    case Language::kFr: return "fr";
    case Language::kNl: return "nl";
  }
  return "en";
}

Language negotiate_language(std::string_view accept) {
  struct Choice {
    double quality = -1.0;  // < 0: no range names it
    int specificity = 0;    // 2 its own range, 1 "*"
    std::size_t position = 0;
  };
  std::array<Choice, kLanguages.size()> choices{};
  std::size_t position = 0;
  while (!accept.empty()) {
    const auto comma = accept.find(',');
    const std::string_view range = accept.substr(0, comma);
    accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
    const auto semicolon = range.find(';');
    const std::string_view tag = domain::bank::trim(range.substr(0, semicolon));
    if (tag.empty()) continue;
    ++position;
    double q = 1.0;
    if (semicolon != std::string_view::npos) {
      const std::string_view param = domain::bank::trim(range.substr(semicolon + 1));
      if (param.size() < 2 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=') continue;
      const std::string_view value = param.substr(2);
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), q);
      if (value.empty() || ec != std::errc() || end != value.data() + value.size() ||
          !std::isfinite(q) || q < 0.0 || q > 1.0) {
        continue;
      }
    }
    const std::string_view primary = tag.substr(0, tag.find('-'));
    for (std::size_t i = 0; i < kLanguages.size(); ++i) {
      const int specificity = same_letters(primary, language_tag(kLanguages[i])) ? 2
                              : tag == "*"                                       ? 1
                                                                                 : 0;
      // The most specific range naming a language decides its weight.
      if (specificity > choices[i].specificity) choices[i] = {q, specificity, position};
    }
  }
  Language best = Language::kEn;
  double best_quality = 0.0;
  std::size_t best_position = 0;
  for (std::size_t i = 0; i < kLanguages.size(); ++i) {
    const Choice& c = choices[i];
    if (c.quality <= 0.0) continue;
    if (c.quality > best_quality || (c.quality == best_quality && c.position < best_position)) {
      best = kLanguages[i];
      best_quality = c.quality;
      best_position = c.position;
    }
  }
  return best;
}

}  // namespace kassa::http
