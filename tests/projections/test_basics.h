#pragma once
// What every projection test needs: must() on a Result, a temporary folder,
// a date in days, a valid NISS from a small number.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
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

// A valid NISS built from a small number (born 1900-1909: the check digits
// of a birth before 2000; the decided ledger has its own, niss_of).
inline std::string make_niss(int n) {
  char nine[16];
  std::snprintf(nine, sizeof nine, "8%02d%02d%02d%03d", n % 10, 1 + (n / 10) % 12,
                1 + (n / 120) % 28, 1 + n % 997);
  std::string base(nine + 1);  // YYMMDDNNN
  const long value = std::stol(base);
  char out[16];
  std::snprintf(out, sizeof out, "%s%02ld", base.c_str(), 97 - value % 97);
  return out;
}

using kassa::testing::TempDir;

}  // namespace kassa::projections::testing
