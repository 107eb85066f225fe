#pragma once
// Conversions between the domain's value types and the event schema's
// encodings (schemas/common.fbs conventions): quarter codes year*10+q,
// categories, debt components, a refusal's appeal. Shared by the aggregates and the projector.
//
// Thread-safety: pure functions.

#include <cstdint>
#include <memory>
#include <optional>

#include "domain/aggregate.h"
#include "domain/appeal.h"
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

// A refusal's appeal (common.fbs Appeal; deadline 0 = none), both ways:
// decide() writes it, evolve() and the snapshots read it back.
inline std::unique_ptr<schemas::AppealT> to_schema(const AppealInfo& appeal) {
  auto t = std::make_unique<schemas::AppealT>();
  t->reason_code = appeal.reason_code;
  t->reason = appeal.reason;
  t->appeal_body = appeal.appeal_body;
  t->appeal_deadline_days = appeal.appeal_deadline ? appeal.appeal_deadline->to_days() : 0;
  return t;
}

inline AppealInfo from_schema(const schemas::AppealT& t) {
  AppealInfo out{t.reason_code, t.reason, t.appeal_body, std::nullopt};
  if (t.appeal_deadline_days != 0) out.appeal_deadline = Date::from_days(t.appeal_deadline_days);
  return out;
}

inline AppealInfo from_schema(const schemas::Appeal& a) {
  schemas::AppealT t;
  a.UnPackTo(&t);
  return from_schema(t);
}

}  // namespace kassa::domain
