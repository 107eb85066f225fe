#include "domain/category.h"

#include <string>

namespace kassa::domain {

std::string_view to_string(Category category) {
  switch (category) {
    case Category::kMain: return "main";
    case Category::kSecondary: return "secondary";
    case Category::kHelpingSpouse: return "helping-spouse";
    case Category::kStudent: return "student";
    case Category::kPensioner: return "pensioner";
  }
  return "main";
}

Result<Category> parse_category(std::string_view text, std::string_view field) {
  for (Category c : kAllCategories) {
    if (to_string(c) == text) return c;
  }
  return Error::invalid(std::string(field), "UnknownCategory",
                        std::string(field) + ": '" + std::string(text) +
                            "' is not one of main, secondary, helping-spouse, student, pensioner");
}

}  // namespace kassa::domain
