#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>

#include "domain/money.h"
#include "domain/person_views.h"
#include "domain/rate.h"

using kassa::domain::apply;
using kassa::domain::Money;
using kassa::domain::Rate;

TEST_CASE("Money parses amounts without floating point", "[money]") {
  auto [text, cents] = GENERATE(table<std::string, std::int64_t>({
      {"1234.56", 123456},
      {"1234.5", 123450},
      {"1234", 123400},
      {"0", 0},
      {"0.01", 1},
      {"-12.34", -1234},
      {"-0.05", -5},
      {"40000.00", 4000000},
      {"92233720368547758.07", std::numeric_limits<std::int64_t>::max()},
  }));
  auto m = Money::parse(text);
  REQUIRE(m.ok());
  CHECK(m->cents() == cents);
}

TEST_CASE("Money rejects malformed amounts with the field and the rule", "[money]") {
  auto text = GENERATE(as<std::string>{}, "", "-", ".5", "1.", "1.234", "1,50", "+1.00", " 1.00",
                       "1.00 ", "1e3", "12a", "--1", "1.-5", "abc");
  auto m = Money::parse(text, "income");
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().field == "income");
  CHECK(m.error().rule == "MoneyFormat");
  CHECK(m.error().message.find("income") != std::string::npos);
}

TEST_CASE("Money overflow is an error, never a wrap", "[money]") {
  CHECK(Money::parse("92233720368547758.08").error().rule == "MoneyOverflow");
  CHECK(Money::parse("99999999999999999999").error().rule == "MoneyOverflow");
  const Money max = Money::from_cents(std::numeric_limits<std::int64_t>::max());
  CHECK(max.plus(Money::from_cents(1)).error().rule == "MoneyOverflow");
  CHECK(Money::from_cents(std::numeric_limits<std::int64_t>::min())
            .minus(Money::from_cents(1))
            .error()
            .rule == "MoneyOverflow");
  CHECK(max.times(2).error().rule == "MoneyOverflow");
  CHECK(*Money::from_cents(250).times(3) == Money::from_cents(750));
  CHECK(*Money::from_cents(250).plus(Money::from_cents(-300)) == Money::from_cents(-50));
}

TEST_CASE("Money non-negative parsing names the rule", "[money]") {
  CHECK(Money::parse_non_negative("0.00").ok());
  auto m = Money::parse_non_negative("-1.00", "payment");
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().rule == "MoneyNonNegative");
  CHECK(m.error().field == "payment");
}

TEST_CASE("Money formats with two decimals", "[money]") {
  auto [cents, text] = GENERATE(table<std::int64_t, std::string>({
      {205000, "2050.00"},
      {-1234, "-12.34"},
      {-5, "-0.05"},
      {0, "0.00"},
      {7, "0.07"},
      {std::numeric_limits<std::int64_t>::min(), "-92233720368547758.08"},
  }));
  CHECK(Money::from_cents(cents).format() == text);
}

TEST_CASE("Rates are exact and round half-up once", "[rate]") {
  CHECK(Rate::parse_percent("20.50")->billionths() == 205'000'000);
  CHECK(Rate::parse_percent("3.95")->billionths() == 39'500'000);
  CHECK(Rate::parse_percent("14.16")->billionths() == 141'600'000);
  CHECK(Rate::parse_factor("1.092330529")->billionths() == 1'092'330'529);
  CHECK(Rate::parse_percent("3.95")->format_percent() == "3.95");
  CHECK(Rate::from_hundredths_of_percent(2050).format_percent() == "20.5");
  CHECK(Rate::from_billionths(1'092'330'529).format_factor() == "1.092330529");
  CHECK(Rate::parse_percent("101").error().rule == "RateRange");
  CHECK(Rate::parse_percent("3,95").error().rule == "RateFormat");
  CHECK(Rate::parse_percent("-1").error().rule == "RateFormat");
  CHECK(Rate::parse_factor("1.0923305291").error().rule == "RateFormat");

  const Rate fee = Rate::from_hundredths_of_percent(395);
  // 2,050.00 × 3.95 % = 80.975 -> 80.98 (half-up)
  CHECK(*apply(Money::from_cents(205000), fee) == Money::from_cents(8098));
  // 95.60 × 3.95 % = 3.7762 -> 3.78
  CHECK(*apply(Money::from_cents(9560), fee) == Money::from_cents(378));
  // negative amounts round half away from zero: -2,050.00 -> -80.98
  CHECK(*apply(Money::from_cents(-205000), fee) == Money::from_cents(-8098));
  // 0.50 × 3 % = 0.015 -> 0.02; 0.49 × 3 % = 0.0147 -> 0.01
  CHECK(*apply(Money::from_cents(50), Rate::from_hundredths_of_percent(300)) ==
        Money::from_cents(2));
  CHECK(*apply(Money::from_cents(49), Rate::from_hundredths_of_percent(300)) ==
        Money::from_cents(1));
}

TEST_CASE("quarter figures are summed checked: an overflow is an error, never a wrap", "[money]") {
  // Before: the statistics added figures with unchecked +=, so a sum past
  // int64 cents wrapped to a negative total.
  kassa::domain::QuarterFigures total;
  total.collected = Money::from_cents(std::numeric_limits<std::int64_t>::max() - 5);
  total.payments = 3;
  kassa::domain::QuarterFigures more;
  more.collected = Money::from_cents(5);
  more.payments = 1;
  REQUIRE(total.add(more).ok());
  CHECK(total.collected.cents() == std::numeric_limits<std::int64_t>::max());
  CHECK(total.payments == 4);

  const kassa::domain::QuarterFigures before = total;
  auto wrapped = total.add(more);
  REQUIRE_FALSE(wrapped.ok());
  CHECK(wrapped.error().rule == "MoneyOverflow");
  CHECK(total == before);  // nothing changed, the payment count included

  REQUIRE(total.subtract(more).ok());
  CHECK(total.collected.cents() == std::numeric_limits<std::int64_t>::max() - 5);
  kassa::domain::QuarterFigures low;
  low.fees = Money::from_cents(std::numeric_limits<std::int64_t>::min());
  CHECK(low.subtract(more).ok());  // fees 0 - 0
  more.fees = Money::from_cents(1);
  CHECK(low.subtract(more).error().rule == "MoneyOverflow");
}
