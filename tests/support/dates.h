#pragma once
// A date and a quarter in one call, for tests whose values are known valid.

#include "domain/date.h"
#include "domain/quarter.h"

namespace kassa::testing {

// REQUIRES: a valid date / quarter (a test's literal); aborts otherwise.
inline domain::Date ymd(int y, unsigned m, unsigned d) {
  return domain::Date::from_ymd(y, m, d).value();
}
inline domain::Quarter quarter(int y, int n) { return domain::Quarter::of(y, n).value(); }

}  // namespace kassa::testing
