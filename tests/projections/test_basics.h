#pragma once
// What every projection test needs: must() on a Result, a temporary folder,
// a date in days. A valid NISS from a small number is DecidedLedger::niss_of.

#include <chrono>
#include <stdexcept>
#include <string>

#include "domain/result.h"
#include "schemas/envelope_generated.h"
#include "support/temp_dir.h"

namespace kassa::projections::testing {

namespace s = kassa::schemas;

template <typename T>
T must(Result<T> r) {
  if (!r.ok()) throw std::runtime_error(r.error().rule + ": " + r.error().message);
  return std::move(r).value();
}
inline void must(Status st) {
  if (!st.ok()) throw std::runtime_error(st.error().rule + ": " + st.error().message);
}

inline std::int32_t days(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return static_cast<std::int32_t>(
      sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count());
}

using kassa::testing::TempDir;

}  // namespace kassa::projections::testing
