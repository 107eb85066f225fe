// Niss, CompanyNumber, StructuredCommunication and Iban.
#include <catch2/catch.hpp>

#include <string>

#include "domain/company_number.h"
#include "domain/iban.h"
#include "domain/niss.h"
#include "domain/party_id.h"
#include "domain/structured_communication.h"

using namespace kassa::domain;

TEST_CASE("Niss accepts valid numbers of either century and BIS numbers", "[niss]") {
  auto [text, digits] = GENERATE(table<std::string, std::string>({
      {"93051822361", "93051822361"},      // 97 - 930518223 mod 97 = 61
      {"00012556777", "00012556777"},      // born 2000+: 97 - 2000125567 mod 97 = 77
      {"93.05.18-223.61", "93051822361"},  // display form
      {"93251822307", "93251822307"},      // BIS, month + 20: 97 - 932518223 mod 97 = 7
      {"93451822350", "93451822350"},      // BIS, month + 40: 97 - 934518223 mod 97 = 50
      {"93000022381", "93000022381"},      // month and day 00: 97 - 930000223 mod 97 = 81
  }));
  auto niss = Niss::parse(text);
  REQUIRE(niss.ok());
  CHECK(niss->digits() == digits);
}

TEST_CASE("Niss displays YY.MM.DD-NNN.CC and knows BIS numbers", "[niss]") {
  CHECK(Niss::parse("93051822361")->display() == "93.05.18-223.61");
  CHECK_FALSE(Niss::parse("93051822361")->is_bis());
  CHECK(Niss::parse("93251822307")->is_bis());
}

TEST_CASE("Niss rejects malformed numbers naming the rule", "[niss]") {
  auto [text, rule] = GENERATE(table<std::string, std::string>({
      {"93051822362", "NissCheckDigits"},
      {"00012556778", "NissCheckDigits"},
      {"9305182236", "NissFormat"},
      {"930518223611", "NissFormat"},
      {"9305182236a", "NissFormat"},
      {"93.05.18.223.61", "NissFormat"},
      {"", "NissFormat"},
      {"93131822300", "NissDate"},  // month 13
      {"93053222300", "NissDate"},  // day 32
      {"93531822300", "NissDate"},  // month 53
  }));
  auto niss = Niss::parse(text, "niss");
  REQUIRE_FALSE(niss.ok());
  CHECK(niss.error().rule == rule);
  CHECK(niss.error().field == "niss");
}

TEST_CASE("CompanyNumber accepts dotted, bare and BE-prefixed forms", "[company]") {
  auto text = GENERATE(as<std::string>{}, "0566.988.259", "0566988259", "BE0566988259",
                       "BE 0566.988.259", "be0566.988.259");
  auto number = CompanyNumber::parse(text);
  REQUIRE(number.ok());
  CHECK(number->digits() == "0566988259");  // 97 - 05669882 mod 97 = 59
  CHECK(number->display() == "0566.988.259");
}

TEST_CASE("CompanyNumber rejects bad numbers naming the rule", "[company]") {
  auto [text, rule] = GENERATE(table<std::string, std::string>({
      {"0566.988.258", "CompanyNumberCheckDigits"},
      {"2566.988.259", "CompanyNumberFirstDigit"},
      {"566.988.259", "CompanyNumberFormat"},
      {"0566-988-259", "CompanyNumberFormat"},
      {"FR0566988259", "CompanyNumberFormat"},
      {"", "CompanyNumberFormat"},
  }));
  auto number = CompanyNumber::parse(text, "company");
  REQUIRE_FALSE(number.ok());
  CHECK(number.error().rule == rule);
  CHECK(number.error().field == "company");
}

TEST_CASE("StructuredCommunication validates the three written forms", "[communication]") {
  auto text =
      GENERATE(as<std::string>{}, "+++312/4013/98067+++", "***312/4013/98067***", "312401398067");
  auto c = StructuredCommunication::parse(text);
  REQUIRE(c.ok());  // 3124013980 mod 97 = 67
  CHECK(c->digits() == "312401398067");
  CHECK(c->display() == "+++312/4013/98067+++");
  // From a real bank file (tests data): 2402838428 mod 97 = 18.
  CHECK(StructuredCommunication::parse("+++240/2838/42818+++").ok());
}

TEST_CASE("StructuredCommunication uses 97 when the remainder is 0", "[communication]") {
  // 97 × 10 = 970 -> remainder 0 -> check 97 (not 97 - 0 and not 00).
  auto c = StructuredCommunication::generate(970).value();
  CHECK(c.digits() == "000000097097");
  CHECK(c.display() == "+++000/0000/97097+++");
  CHECK(StructuredCommunication::parse("000000097000").error().rule ==
        "StructuredCommunicationCheckDigits");
  CHECK(StructuredCommunication::generate(3124013980)->display() == "+++312/4013/98067+++");
  CHECK(StructuredCommunication::generate(10'000'000'000).error().rule ==
        "StructuredCommunicationRange");
}

TEST_CASE("StructuredCommunication generates what it parses", "[communication]") {
  auto base = GENERATE(0ull, 1ull, 96ull, 97ull, 123456789ull, 9'999'999'999ull);
  auto c = StructuredCommunication::generate(base).value();
  auto back = StructuredCommunication::parse(c.display());
  REQUIRE(back.ok());
  CHECK(*back == c);
}

TEST_CASE("StructuredCommunication rejects malformed text", "[communication]") {
  auto [text, rule] = GENERATE(table<std::string, std::string>({
      {"+++312/4013/98068+++", "StructuredCommunicationCheckDigits"},
      {"+++312/4013/98067***", "StructuredCommunicationFormat"},
      {"+++3124/013/98067+++", "StructuredCommunicationFormat"},
      {"31240139806", "StructuredCommunicationFormat"},
      {"31240139806a", "StructuredCommunicationFormat"},
      {"", "StructuredCommunicationFormat"},
  }));
  auto c = StructuredCommunication::parse(text, "communication");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().rule == rule);
  CHECK(c.error().field == "communication");
}

TEST_CASE("Iban accepts Belgian accounts with or without spaces", "[iban]") {
  auto text =
      GENERATE(as<std::string>{}, "BE68 5390 0754 7034", "BE68539007547034", "be68539007547034");
  auto iban = Iban::parse(text);
  REQUIRE(iban.ok());
  CHECK(iban->electronic() == "BE68539007547034");
  CHECK(iban->display() == "BE68 5390 0754 7034");
}

TEST_CASE("Iban rejects foreign and malformed accounts naming the rule", "[iban]") {
  auto [text, rule] = GENERATE(table<std::string, std::string>({
      {"BE69 5390 0754 7034", "IbanCheckDigits"},
      {"BE68 5390 0754 7035", "IbanCheckDigits"},
      {"NL91 ABNA 0417 1643 00", "IbanCountry"},
      {"FR14 2004 1010 0505 0001 3M02 606", "IbanCountry"},
      {"BE68 5390 0754 703", "IbanFormat"},
      {"BE68 5390 0754 70345", "IbanFormat"},
      {"BE68 5390 0754 703X", "IbanFormat"},
      {"", "IbanFormat"},
  }));
  auto iban = Iban::parse(text, "iban");
  REQUIRE_FALSE(iban.ok());
  CHECK(iban.error().rule == rule);
  CHECK(iban.error().field == "iban");
}

TEST_CASE("PartyId is P and 32 lowercase hex digits, printed as parsed", "[party]") {
  auto id = PartyId::parse("P0190f0e8a1b27c3d4e5f60718293a4b5");
  REQUIRE(id.ok());
  CHECK(id->str() == "P0190f0e8a1b27c3d4e5f60718293a4b5");
  CHECK(*id == PartyId::parse(id->str()).value());

  std::array<std::uint8_t, 16> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i * 17);
  CHECK(PartyId::of_uuid(bytes).str() == "P00112233445566778899aabbccddeeff");
  CHECK(PartyId::parse(PartyId::of_uuid(bytes).str()).ok());
}

TEST_CASE("PartyId rejects other shapes naming the field", "[party]") {
  auto text = GENERATE(as<std::string>{},
                       "",                                      // empty
                       "P0123",                                 // short
                       "P0190F0E8A1B27C3D4E5F60718293A4B5",     // uppercase hex
                       "p0190f0e8a1b27c3d4e5f60718293a4b5",     // lowercase tag
                       "P0190f0e8a1b27c3d4e5f60718293a4b5a",    // long
                       "P0190f0e8-1b27c3d4e5f60718293a4b5",     // not hex
                       "0190f0e8-a1b2-7c3d-4e5f-60718293a4b5",  // a bare UUID
                       "85.07.30-033.28");                      // a NISS
  auto id = PartyId::parse(text, "directors");
  REQUIRE_FALSE(id.ok());
  CHECK(id.error().rule == "PartyIdFormat");
  CHECK(id.error().field == "directors");
}
