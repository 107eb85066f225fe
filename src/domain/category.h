#pragma once
// Category: the social-status category of a self-employed person for a
// quarter (DOMAIN.md §3). Starter and primo-starter are not categories but
// options of the contribution computation (see contribution.h).
//
// Thread-safety: plain values and pure functions.

#include <string_view>

#include "domain/result.h"

namespace kassa::domain {

enum class Category {
  kMain,           // main occupation
  kSecondary,      // secondary occupation
  kHelpingSpouse,  // helping spouse, maxi-status
  kStudent,        // student-self-employed
  kPensioner,      // pension age, pension paid
};

inline constexpr Category kAllCategories[] = {Category::kMain, Category::kSecondary,
                                              Category::kHelpingSpouse, Category::kStudent,
                                              Category::kPensioner};

// "main", "secondary", "helping-spouse", "student", "pensioner";
// rule "UnknownCategory" otherwise.
Result<Category> parse_category(std::string_view text, std::string_view field = "category");
std::string_view to_string(Category category);

}  // namespace kassa::domain
