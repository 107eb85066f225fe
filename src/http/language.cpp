#include "http/language.h"

#include <array>
#include <cstddef>
#include <utility>

#include "http/weighted_list.h"

namespace kassa::http {

namespace {

constexpr std::array<Language, 3> kLanguages = {Language::kEn, Language::kFr, Language::kNl};

// What the ranges of a header say of one language.
struct Said {
  bool exact = false;  // a range names it alone ("fr")
  double exact_q = 0.0;
  std::size_t exact_at = 0;
  double region_q = 0.0;  // the best of its regional ranges ("fr-BE") with q > 0
  std::size_t region_at = 0;
  bool any = false;  // "*"
  double any_q = 0.0;
  std::size_t any_at = 0;

  // The weight, and where in the header it came from; q = 0 refuses.
  std::pair<double, std::size_t> weight() const {
    if (exact && exact_q == 0.0) return {0.0, 0};  // "fr;q=0"
    if (exact || region_q > 0.0) {
      return exact_q >= region_q ? std::pair{exact_q, exact_at} : std::pair{region_q, region_at};
    }
    if (any) return {any_q, any_at};
    return {0.0, 0};
  }
};

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
  std::array<Said, kLanguages.size()> said{};
  std::size_t position = 0;
  for_each_weighted(accept, [&](std::string_view range, double q) {
    ++position;
    const auto dash = range.find('-');
    const std::string_view primary = range.substr(0, dash);
    for (std::size_t i = 0; i < kLanguages.size(); ++i) {
      Said& s = said[i];
      if (range == "*") {
        if (!s.any || q > s.any_q) {
          s.any = true;
          s.any_q = q;
          s.any_at = position;
        }
      } else if (!same_text(primary, language_tag(kLanguages[i]))) {
        continue;
      } else if (dash == std::string_view::npos) {
        if (!s.exact || q > s.exact_q) {
          s.exact = true;
          s.exact_q = q;
          s.exact_at = position;
        }
      } else if (q > s.region_q) {  // "fr-CH;q=0" refuses fr-CH, not French
        s.region_q = q;
        s.region_at = position;
      }
    }
  });
  Language best = Language::kEn;
  double best_q = 0.0;
  std::size_t best_at = 0;
  for (std::size_t i = 0; i < kLanguages.size(); ++i) {
    const auto [q, at] = said[i].weight();
    if (q <= 0.0) continue;
    if (q > best_q || (q == best_q && at < best_at)) {
      best = kLanguages[i];
      best_q = q;
      best_at = at;
    }
  }
  return best;
}

std::string amount_words(domain::Money amount, Language language) {
  std::string decimal = amount.format();  // "-1234.56"
  if (language == Language::kEn) return decimal;
  const bool negative = !decimal.empty() && decimal.front() == '-';
  const std::string_view digits = std::string_view(decimal).substr(negative ? 1 : 0);
  const std::size_t point = digits.find('.');
  const std::string_view units = digits.substr(0, point);
  const std::string_view cents =
      point == std::string_view::npos ? std::string_view("00") : digits.substr(point + 1);
  // French groups with a narrow no-break space (U+202F), Dutch with a dot.
  const std::string_view separator = language == Language::kFr ? "\u202f" : ".";
  std::string grouped;
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (i > 0 && (units.size() - i) % 3 == 0) grouped += separator;
    grouped += units[i];
  }
  const std::string sign = negative ? "-" : "";
  if (language == Language::kFr) return sign + grouped + "," + std::string(cents) + "\u00a0€";
  return "€\u00a0" + sign + grouped + "," + std::string(cents);
}

}  // namespace kassa::http
