// Format detection, dispatch, fingerprints, and camt.053 robustness.

#include "domain/bank/statement.h"

#include <catch2/catch.hpp>

#include <random>
#include <set>

#include "bank_test_support.h"
#include "domain/bank/camt053.h"

namespace kassa::domain::bank {
namespace {

using testing::edit;
using testing::real_coda;
using testing::sample_camt;

TEST_CASE("detect_format recognizes CODA and camt.053", "[bank][detect]") {
  CHECK(detect_format(real_coda()).value() == StatementFormat::kCoda);
  CHECK(detect_format(sample_camt()).value() == StatementFormat::kCamt053);
  CHECK(detect_format("\xEF\xBB\xBF" + sample_camt()).value() == StatementFormat::kCamt053);
  CHECK(detect_format("  \r\n" + sample_camt()).value() == StatementFormat::kCamt053);
}

TEST_CASE("detect_format names what it does not know", "[bank][detect]") {
  const std::string text =
      GENERATE(std::string(""), std::string("   \r\n"), std::string("Datum;Bedrag\r\n"),
               std::string("<?xml version=\"1.0\"?><Document "
                           "xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.052.001.02\"/>"),
               std::string("<html><body>statement</body></html>"), std::string("0000"),
               std::string("00000ABCDEF"), std::string("%PDF-1.4"));
  auto format = detect_format(text);
  REQUIRE_FALSE(format.ok());
  CHECK(format.error().rule == "BankFormatUnknown");
  CHECK(format.error().field == "file");
  CHECK(parse_bank_file(text).error().rule == "BankFormatUnknown");
}

TEST_CASE("parse_bank_file dispatches on the detected format", "[bank][detect]") {
  auto coda = parse_bank_file(real_coda());
  REQUIRE(coda.ok());
  CHECK(coda->at(0).format == StatementFormat::kCoda);
  CHECK(coda->at(0).lines.size() == 5);
  auto camt = parse_bank_file(sample_camt());
  REQUIRE(camt.ok());
  CHECK(camt->at(0).format == StatementFormat::kCamt053);
  CHECK(camt->at(0).lines.size() == 5);
  // A CODA file that is detected but broken keeps the parser's rule.
  CHECK(parse_bank_file(edit(real_coda(), 5, 1, "5")).error().rule == "CodaUnknownRecordType");
}

TEST_CASE("Fingerprints are deterministic and tell statements apart", "[bank][fingerprint]") {
  const BankStatement a = parse_bank_file(real_coda())->at(0);
  const BankStatement b = parse_bank_file(real_coda())->at(0);
  CHECK(fingerprint(a) == fingerprint(b));
  for (std::size_t i = 0; i < a.lines.size(); ++i)
    CHECK(a.lines[i].global_line_id == b.lines[i].global_line_id);

  // Another statement number, same content otherwise: another fingerprint.
  const BankStatement renumbered = parse_bank_file(edit(real_coda(), 2, 3, "136"))->at(0);
  CHECK(fingerprint(renumbered) != fingerprint(a));
  CHECK(renumbered.lines[0].global_line_id == "BE33737018595246/2011/136-0001");

  const BankStatement camt = parse_bank_file(sample_camt())->at(0);
  CHECK(fingerprint(camt) != fingerprint(a));
  CHECK(fingerprint(camt) == fingerprint(parse_bank_file(sample_camt())->at(0)));
}

TEST_CASE("Line ids are unique within each statement", "[bank][fingerprint]") {
  for (const std::string* file : {&real_coda(), static_cast<const std::string*>(nullptr)}) {
    const std::string bytes = file ? *file : sample_camt();
    const BankStatement s = parse_bank_file(bytes)->at(0);
    std::set<std::string> ids;
    std::set<std::string> global_ids;
    for (const BankLine& line : s.lines) {
      CHECK(ids.insert(line.line_id).second);
      CHECK(global_ids.insert(line.global_line_id).second);
      CHECK(line.global_line_id.rfind(s.account_iban + "/", 0) == 0);
    }
  }
}

// Prefixes and random byte flips of the camt sample: a value or a named
// error, never a crash (run under ASan+UBSan in CI).
TEST_CASE("camt.053: prefixes and random damage never crash the parser",
          "[bank][camt][robustness]") {
  const std::string good = sample_camt();
  auto check = [](const std::string& bytes) {
    auto parsed = parse_camt053(bytes);
    if (!parsed) {
      REQUIRE_FALSE(parsed.error().rule.empty());
      REQUIRE(parsed.error().field == "file");
    }
  };
  for (std::size_t n = 0; n <= good.size(); n += 7) check(good.substr(0, n));
  std::mt19937 random(20250106u);
  std::uniform_int_distribution<std::size_t> position(0, good.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < 2000; ++i) {
    std::string damaged = good;
    for (int f = 0; f < 3; ++f) damaged[position(random)] = static_cast<char>(byte(random));
    check(damaged);
  }
}

}  // namespace
}  // namespace kassa::domain::bank
