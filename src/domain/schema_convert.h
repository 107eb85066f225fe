#pragma once
// Conversions between the domain's value types and the event schema's
// encodings (schemas/common.fbs conventions): quarter codes year*10+q,
// categories, debt components. Shared by the aggregates and the projector.
//
// Thread-safety: pure functions.

#include <cstdint>
#include <optional>

#include "domain/aggregate.h"
#include "domain/category.h"
#include "domain/quarter.h"
#include "schemas/envelope_generated.h"

namespace kassa::domain {

inline Category from_schema(schemas::Category c) {
  switch (c) {
    case schemas::Category::Main: return Category::kMain;
    case schemas::Category::Secondary: return Category::kSecondary;
    case schemas::Category::HelpingSpouse: return Category::kHelpingSpouse;
    case schemas::Category::Student: return Category::kStudent;
    case schemas::Category::Pensioner: return Category::kPensioner;
  }
  return Category::kMain;
}

inline schemas::Category to_schema(Category c) {
  switch (c) {
    case Category::kMain: return schemas::Category::Main;
    case Category::kSecondary: return schemas::Category::Secondary;
    case Category::kHelpingSpouse: return schemas::Category::HelpingSpouse;
    case Category::kStudent: return schemas::Category::Student;
    case Category::kPensioner: return schemas::Category::Pensioner;
  }
  return schemas::Category::Main;
}

// Main-occupation categories (dispense, primo-starter, career).
inline bool is_main_occupation(Category c) {
  return c == Category::kMain || c == Category::kHelpingSpouse;
}

}  // namespace kassa::domain
