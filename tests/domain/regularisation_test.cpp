#include <catch2/catch.hpp>

#include "domain/regularisation.h"
#include "test_support.h"

using namespace kassa::domain;
using namespace kassa::domain::test;

TEST_CASE("Worked example 3: secondary starter 2024, final income 5,500.00",
          "[regularisation][example]") {
  RegularisationRequest request;
  request.year = 2024;
  request.category = Category::kSecondary;
  request.final_income = eur(550000);
  request.assessed_contribution = eur(38240);  // 4 × 95.60
  request.assessed_fees = eur(1512);           // 4 × 3.78
  request.paid = eur(39752);                   // 4 × 99.38, all paid
  auto r = regularise(rulebook(), request).value();
  CHECK(r.final_contribution == eur(112750));      // 5,500.00 × 20.5 %
  CHECK(r.final_fee == eur(4454));                 // 1,127.50 × 3.95 % = 44.536
  CHECK(r.final_total == eur(117204));             // 1,172.04
  CHECK(r.contribution_difference == eur(74510));  // 1,127.50 - 382.40
  CHECK(r.fee_difference == eur(2942));            // 44.54 - 15.12
  CHECK(r.total_difference == eur(77452));         // 774.52 with fees
  CHECK(r.outstanding == eur(77452));
  CHECK(r.refundable == eur(0));
}

TEST_CASE("Worked example 4: main 2025 paid on the minimum, final income 30,000.00",
          "[regularisation][example]") {
  RegularisationRequest request;
  request.year = 2025;
  request.category = Category::kMain;
  request.final_income = eur(3000000);
  request.assessed_contribution = eur(348684);  // 4 × 871.71
  request.assessed_fees = eur(13772);           // 4 × 34.43 (871.71 × 3.95 % = 34.43)
  request.paid = eur(362456);
  auto r = regularise(rulebook(), request).value();
  CHECK(r.final_contribution == eur(615000));       // 30,000.00 × 20.5 %
  CHECK(r.contribution_difference == eur(266316));  // 2,663.16 before fees
  CHECK(r.final_fee == eur(24293));                 // 6,150.00 × 3.95 % = 242.925
  CHECK(r.fee_difference == eur(10521));            // 242.93 - 137.72
}

TEST_CASE("A lower final income gives a refund", "[regularisation]") {
  RegularisationRequest request;
  request.year = 2025;
  request.category = Category::kMain;
  request.final_income = eur(2000000);          // 4,100.00 for the year
  request.assessed_contribution = eur(820000);  // provisional on 40,000.00
  request.assessed_fees = eur(32392);           // 4 × 80.98
  request.paid = eur(852392);
  auto r = regularise(rulebook(), request).value();
  CHECK(r.final_contribution == eur(410000));
  CHECK(r.final_fee == eur(16195));  // 4,100.00 × 3.95 % = 161.95
  CHECK(r.contribution_difference == eur(-410000));
  CHECK(r.total_difference == eur(-426197));  // -4,100.00 - 161.97
  CHECK(r.outstanding == eur(0));
  CHECK(r.refundable == eur(426197));  // 8,523.92 - 4,261.95
}

TEST_CASE("Unpaid provisional contributions stay outstanding after regularisation",
          "[regularisation]") {
  RegularisationRequest request;
  request.year = 2025;
  request.category = Category::kMain;
  request.final_income = eur(1000000);  // minimum: 3,486.82 + 137.73 fees
  request.assessed_contribution = eur(348684);
  request.assessed_fees = eur(13772);
  request.paid = eur(181228);  // two quarters of 906.14
  auto r = regularise(rulebook(), request).value();
  CHECK(r.final_contribution == eur(348682));
  CHECK(r.final_fee == eur(13773));      // 3,486.82 × 3.95 % = 137.7294
  CHECK(r.total_difference == eur(-1));  // -0.02 + 0.01
  CHECK(r.outstanding == eur(181227));   // 3,624.55 - 1,812.28
}

TEST_CASE("Regularisation rejects negative assessed or paid amounts", "[regularisation]") {
  RegularisationRequest request;
  request.year = 2025;
  request.paid = eur(-1);
  auto r = regularise(rulebook(), request);
  CHECK(r.error().rule == "MoneyNonNegative");
  CHECK(r.error().field == "paid");
  request.paid = eur(0);
  request.year = 2030;
  CHECK(regularise(rulebook(), request).error().rule == "UnknownYear");
}

TEST_CASE("A regularisation supplement is due at the end of the next quarter", "[regularisation]") {
  CHECK(regularisation_due_date(Date::parse("2025-05-12").value()) ==
        Date::parse("2025-09-30").value());
  CHECK(regularisation_due_date(Date::parse("2025-12-31").value()) ==
        Date::parse("2026-03-31").value());
}
