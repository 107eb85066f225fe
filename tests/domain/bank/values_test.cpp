// IBANs, structured communications and amounts: the exact values both
// statement parsers rely on.

#include "domain/bank/values.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>

#include "domain/bank/statement.h"

namespace kassa::domain::bank {
namespace {

TEST_CASE("IBAN: normalized and checked mod 97", "[bank][values]") {
  CHECK(normalize_iban("BE68 5390 0754 7034").value() == "BE68539007547034");  // DOMAIN.md §2
  CHECK(normalize_iban("be33737018595246").value() == "BE33737018595246");
  CHECK(normalize_iban("NL91ABNA0417164300").value() == "NL91ABNA0417164300");
  const char* bad = GENERATE("BE68539007547035",   // check fails
                             "BE6853900754703",    // Belgian, 15 characters
                             "BE685390075470344",  // Belgian, 17 characters
                             "6853900754703400",   // no country
                             "BE68-5390-0754-7034", "", "XX00");
  auto iban = normalize_iban(bad);
  REQUIRE_FALSE(iban.ok());
  CHECK(iban.error().rule == "IbanInvalid");
}

TEST_CASE("Structured communication: 12 digits, mod 97 with 97 for 0", "[bank][values]") {
  // DOMAIN.md §2
  CHECK(parse_structured_communication("+++312/4013/98067+++").value() == "312401398067");
  CHECK(parse_structured_communication("***240/2838/42818***").value() == "240283842818");
  CHECK(parse_structured_communication("240283842818").value() == "240283842818");
  CHECK(parse_structured_communication(" +++ 240/2838/42818 +++ ").value() == "240283842818");
  // 0970000000 mod 97 == 0: the check digits are 97, not 00.
  CHECK(parse_structured_communication("097000000097").value() == "097000000097");
  const char* bad = GENERATE("097000000000", "240283842819", "24028384281", "2402838428180",
                             "+++240/2838/4281A+++", "RF18539007547034", "");
  auto communication = parse_structured_communication(bad);
  REQUIRE_FALSE(communication.ok());
  CHECK(communication.error().rule == "StructuredCommunicationInvalid");
}

TEST_CASE("Structured communication found inside free text", "[bank][values]") {
  CHECK(find_structured_communication("bijdrage +++240/2838/42818+++ Q1") == "240283842818");
  CHECK(find_structured_communication("***312/4013/98067***") == "312401398067");
  CHECK(find_structured_communication("+++ not one +++ but +++312/4013/98067+++") ==
        "312401398067");
  CHECK(find_structured_communication("240283842818").empty());  // needs its +++ fences
  CHECK(find_structured_communication("+++240/2838/4281+++").empty());
  CHECK(find_structured_communication("+++").empty());
  CHECK(looks_like_structured_communication("312/4013/98067"));
  CHECK_FALSE(looks_like_structured_communication("312/4013/9806"));
}

TEST_CASE("Decimal amounts convert to cents exactly", "[bank][values]") {
  using Row = std::pair<const char*, int64_t>;
  const Row row = GENERATE(Row{"3044.45", 304445}, Row{"0.5", 50}, Row{"12", 1200}, Row{"0.01", 1},
                           Row{"1.230", 123}, Row{"0000000000011812.70", 1181270},
                           Row{"92233720368547758.07", std::numeric_limits<int64_t>::max()});
  CHECK(parse_decimal_cents(row.first).value() == row.second);
}

TEST_CASE("Malformed amounts are named errors, never rounded", "[bank][values]") {
  using Row = std::pair<const char*, const char*>;
  const Row row = GENERATE(
      Row{"1.235", "AmountNotInCents"}, Row{"0.001", "AmountNotInCents"},
      Row{"1,00", "AmountFormat"}, Row{"-1.00", "AmountFormat"}, Row{"+1", "AmountFormat"},
      Row{"", "AmountFormat"}, Row{"1.", "AmountFormat"}, Row{".5", "AmountFormat"},
      Row{"1e3", "AmountFormat"}, Row{" 1.00", "AmountFormat"},
      Row{"92233720368547758.08", "AmountOverflow"}, Row{"1000000000000000000", "AmountOverflow"});
  auto cents = parse_decimal_cents(row.first);
  REQUIRE_FALSE(cents.ok());
  CHECK(cents.error().rule == row.second);
}

TEST_CASE("Cents format back to a decimal", "[bank][values]") {
  CHECK(format_cents(0) == "0.00");
  CHECK(format_cents(5) == "0.05");
  CHECK(format_cents(-123456) == "-1234.56");
  CHECK(format_cents(std::numeric_limits<int64_t>::min()) == "-92233720368547758.08");
}

TEST_CASE("Dates: validated, ISO text, days since the epoch", "[bank][values]") {
  CHECK(Date::make(2024, 2, 29).ok());
  CHECK_FALSE(Date::make(2025, 2, 29).ok());
  CHECK_FALSE(Date::make(2025, 13, 1).ok());
  CHECK_FALSE(Date::make(2025, 4, 31).ok());
  CHECK(Date::make(2025, 4, 31).error().rule == "DateInvalid");
  CHECK(Date::parse_iso("2011-01-11").value() == Date{2011, 1, 11});
  CHECK(Date::parse_iso("2011-01-11T10:15:00+01:00").value() == Date{2011, 1, 11});
  CHECK_FALSE(Date::parse_iso("2011-1-11").ok());
  CHECK_FALSE(Date::parse_iso("2011-01-11Z").ok());
  CHECK(Date{1970, 1, 1}.days_since_epoch() == 0);
  CHECK(Date{2011, 1, 11}.days_since_epoch() == 14985);
  CHECK(Date{1969, 12, 31}.days_since_epoch() == -1);
  CHECK(Date{2000, 3, 1}.days_since_epoch() == 11017);
  CHECK(Date{2011, 1, 11}.to_string() == "2011-01-11");
  CHECK(Date{2010, 7, 27} < Date{2011, 1, 11});
}

}  // namespace
}  // namespace kassa::domain::bank
