#pragma once
// A fund's worth of realistic history for the rebuild tests, written through
// the projections' Ledger fixture: registrations (sealed NISS), quarterly
// assessments, payments and their allocation, surcharges.
#include <string>

#include "ledger_fixture.h"

namespace kassa::replay::testing {

namespace pt = kassa::projections::testing;

// Writes `persons` people's histories; returns the writer's clock after the
// first half of them (a moment to cut --known-at at).
inline std::int64_t write_fund(pt::Ledger& l, int persons) {
  namespace s = kassa::schemas;
  std::int64_t middle = 0;
  for (int i = 0; i < persons; ++i) {
    if (i == persons / 2) middle = l.writer().clock_us();
    const std::string p = l.new_party();
    l.register_person(p, pt::make_niss(i + 1));
    l.assess(p, 20251, 205'000, 8'098);
    l.assess(p, 20252, 205'000, 8'098);
    const auto paid = 200'000 + 1'000 * (i % 50);
    auto payment = l.pay(p, paid, pt::days(2025, 5, 10), "CODA-" + std::to_string(i));
    l.allocate(p, payment, pt::days(2025, 5, 10),
               {s::AllocationLine(20251, s::DebtKind::Contribution, paid)});
    if (i % 3 == 0) l.surcharge(p, 20252, 205'000, 6'150, pt::days(2025, 6, 30));
  }
  return middle;
}

}  // namespace kassa::replay::testing
