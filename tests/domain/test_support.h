#pragma once
// Shared helpers for the domain tests: amounts in cents, dates and quarters
// from text, and the default rulebook.

#include <cstdint>

#include "domain/date.h"
#include "domain/money.h"
#include "domain/quarter.h"
#include "domain/rulebook.h"

namespace kassa::domain::test {

inline Money eur(std::int64_t cents) { return Money::from_cents(cents); }
inline Date d(const char* text) { return Date::parse(text).value(); }
inline Quarter q(const char* text) { return Quarter::parse(text).value(); }
inline const Rulebook& rulebook() {
  static const Rulebook kRulebook = Rulebook::belgian_default();
  return kRulebook;
}

}  // namespace kassa::domain::test
