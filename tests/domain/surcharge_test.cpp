#include <catch2/catch.hpp>

#include <vector>

#include "domain/surcharge.h"
#include "test_support.h"

using namespace kassa::domain;
using namespace kassa::domain::test;

namespace {

// Worked example 1's quarter: 2,050.00 + 80.98 fees = 2,130.98; 3 % = 63.9294.
SurchargeDebt q1_2025() {
  return SurchargeDebt{DebtKind::kProvisional, q("2025-Q1"), eur(213098),
                       StarterGrace::kNone,    {},           {}};
}
}  // namespace

TEST_CASE("3 % at the end of the due quarter and each quarter after while unpaid", "[surcharge]") {
  auto lines = quarterly_surcharges(q1_2025(), {}, d("2025-12-31")).value();
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].date == d("2025-03-31"));
  CHECK(lines[3].date == d("2025-12-31"));
  for (const auto& line : lines) {
    CHECK(line.unpaid == eur(213098));  // surcharges never bear surcharges
    CHECK(line.amount == eur(6393));    // 2,130.98 × 3 % = 63.9294
  }
  // Not yet at a quarter-end: nothing.
  CHECK(quarterly_surcharges(q1_2025(), {}, d("2025-03-30"))->empty());
}

TEST_CASE("3 % on the unpaid part only; a payment on the due date is in time", "[surcharge]") {
  std::vector<PrincipalPayment> payments{{d("2025-03-31"), eur(100000)}};
  auto lines = quarterly_surcharges(q1_2025(), payments, d("2025-06-30")).value();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].unpaid == eur(113098));
  CHECK(lines[0].amount == eur(3393));  // 1,130.98 × 3 % = 33.9294

  payments.push_back({d("2025-05-10"), eur(113098)});  // paid in full in Q2
  lines = quarterly_surcharges(q1_2025(), payments, d("2025-12-31")).value();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].date == d("2025-03-31"));

  std::vector<PrincipalPayment> in_time{{d("2025-03-31"), eur(213098)}};
  CHECK(quarterly_surcharges(q1_2025(), in_time, d("2026-12-31"))->empty());
  std::vector<PrincipalPayment> one_day_late{{d("2025-04-01"), eur(213098)}};
  CHECK(quarterly_surcharges(q1_2025(), one_day_late, d("2026-12-31"))->size() == 1);
}

TEST_CASE("Regularisation supplement: first 3 % at the end of the quarter after the statement",
          "[surcharge]") {
  // Example 3's supplement of 774.52, statement sent in 2025-Q2.
  SurchargeDebt debt{DebtKind::kRegularisation, q("2025-Q2"), eur(77452),
                     StarterGrace::kNone,       {},           {}};
  CHECK(first_surcharge_quarter(debt) == q("2025-Q3"));
  auto lines = quarterly_surcharges(debt, {}, d("2025-12-31")).value();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].date == d("2025-09-30"));
  CHECK(lines[0].amount == eur(2324));  // 774.52 × 3 % = 23.2356
}

TEST_CASE("Starters affiliated before starting get one extra quarter", "[surcharge]") {
  SurchargeDebt debt = q1_2025();
  debt.grace = StarterGrace::kExtraQuarter;
  CHECK(first_surcharge_quarter(debt) == q("2025-Q2"));
  auto lines = quarterly_surcharges(debt, {}, d("2025-06-30")).value();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].date == d("2025-06-30"));
}

TEST_CASE("A quarter assessed late: no 3 % before the end of the quarter of its notice",
          "[surcharge]") {
  SurchargeDebt debt = q1_2025();
  debt.due = d("2025-09-30");  // assessed by the 2025-Q3 run
  CHECK(first_surcharge_quarter(debt) == q("2025-Q3"));
  auto lines = quarterly_surcharges(debt, {}, d("2025-12-31")).value();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].date == d("2025-09-30"));
  CHECK(lines[0].amount == eur(6393));
  CHECK(lines[1].date == d("2025-12-31"));
  // A due date within the quarter's own changes nothing; the grace still counts.
  debt.due = d("2025-03-31");
  debt.grace = StarterGrace::kExtraQuarter;
  CHECK(first_surcharge_quarter(debt) == q("2025-Q2"));
}

TEST_CASE("No 3 % from the quarter a contrainte is served", "[surcharge]") {
  SurchargeDebt debt = q1_2025();
  debt.contrainte_served = d("2025-08-10");  // in Q3: last 3 % at the end of Q2
  auto lines = quarterly_surcharges(debt, {}, d("2026-12-31")).value();
  REQUIRE(lines.size() == 2);
  CHECK(lines[1].date == d("2025-06-30"));
}

TEST_CASE("The claim year of a notice: Q4 notices count for the next year", "[surcharge]") {
  CHECK(claim_year(d("2025-01-05")) == 2025);
  CHECK(claim_year(d("2025-09-30")) == 2025);
  CHECK(claim_year(d("2025-10-01")) == 2026);
  CHECK(claim_year(d("2024-10-05")) == 2025);
}

TEST_CASE("7 % on 1 January on what is unpaid of the year's provisional claims", "[surcharge]") {
  const SurchargeDebt debt = q1_2025();
  auto line = yearly_surcharge(2025, debt, d("2025-01-05"), {}).value();
  REQUIRE(line.has_value());
  CHECK(line->date == d("2026-01-01"));
  CHECK(line->amount == eur(14917));  // 2,130.98 × 7 % = 149.1686

  std::vector<PrincipalPayment> partly{{d("2025-12-31"), eur(113098)}};
  line = yearly_surcharge(2025, debt, d("2025-01-05"), partly).value();
  REQUIRE(line.has_value());
  CHECK(line->amount == eur(7000));  // 1,000.00 × 7 %

  std::vector<PrincipalPayment> paid{{d("2025-12-31"), eur(213098)}};
  CHECK_FALSE(yearly_surcharge(2025, debt, d("2025-01-05"), paid)->has_value());
  // A notice sent in Q4 2025 counts for 2026, and one from Q4 2024 for 2025.
  CHECK_FALSE(yearly_surcharge(2025, debt, d("2025-10-03"), {})->has_value());
  CHECK(yearly_surcharge(2025, debt, d("2024-10-03"), {})->has_value());
  // Not if a contrainte was served that year; not on a regularisation.
  SurchargeDebt enforced = debt;
  enforced.contrainte_served = d("2025-11-20");
  CHECK_FALSE(yearly_surcharge(2025, enforced, d("2025-01-05"), {})->has_value());
  SurchargeDebt regularisation = debt;
  regularisation.kind = DebtKind::kRegularisation;
  CHECK_FALSE(yearly_surcharge(2025, regularisation, d("2025-01-05"), {})->has_value());
}

TEST_CASE("Surcharges are reduced in proportion when the principal is lowered", "[surcharge]") {
  // 63.93 booked on 2,130.98; principal halved to 1,065.49 -> 31.965 -> 31.97
  CHECK(*reduce_in_proportion(eur(6393), eur(213098), eur(106549)) == eur(3197));
  CHECK(*reduce_in_proportion(eur(6393), eur(213098), eur(0)) == eur(0));
  CHECK(*reduce_in_proportion(eur(6393), eur(213098), eur(213098)) == eur(6393));
  CHECK(reduce_in_proportion(eur(6393), eur(213098), eur(213099)).error().rule ==
        "PrincipalNotLowered");
  CHECK(reduce_in_proportion(eur(6393), eur(0), eur(0)).error().rule == "PrincipalNotLowered");
}

TEST_CASE("Negative principal or payments are rejected", "[surcharge]") {
  SurchargeDebt debt = q1_2025();
  debt.principal = eur(-1);
  CHECK(quarterly_surcharges(debt, {}, d("2025-12-31")).error().rule == "MoneyNonNegative");
  std::vector<PrincipalPayment> negative{{d("2025-02-01"), eur(-5)}};
  CHECK(quarterly_surcharges(q1_2025(), negative, d("2025-12-31")).error().field == "payment");
}
