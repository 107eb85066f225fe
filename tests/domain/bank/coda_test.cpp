// CODA 2: the real KBC file (../shared/testdata/coda/kbc-2011-01-11.cod) must
// give exactly the facts of ../shared/testdata/README.md, and every damaged
// variant of it a named error.

#include "domain/bank/coda.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>

#include "bank_test_support.h"

namespace kassa::domain::bank {
namespace {

using testing::edit;
using testing::join;
using testing::real_coda;
using testing::records;

Date d(int y, int m, int day) { return Date::make(y, m, day).value(); }

BankStatement parse_one(const std::string& bytes) {
  auto parsed = parse_coda(bytes);
  if (!parsed) FAIL(parsed.error().rule << ": " << parsed.error().message);
  REQUIRE(parsed->size() == 1);
  return parsed->front();
}

void require_error(const std::string& bytes, const char* rule, const std::string& where) {
  auto parsed = parse_coda(bytes);
  REQUIRE_FALSE(parsed.ok());
  INFO(parsed.error().message);
  CHECK(parsed.error().code == Errc::kInvalidArgument);
  CHECK(parsed.error().field == "file");
  CHECK(parsed.error().rule == rule);
  CHECK(parsed.error().message.rfind(where, 0) == 0);
}

TEST_CASE("CODA real file: header, balances and trailer facts", "[bank][coda]") {
  REQUIRE(records(real_coda()).size() == 24);
  const BankStatement s = parse_one(real_coda());
  CHECK(s.format == StatementFormat::kCoda);
  CHECK(s.format_version == "2");
  CHECK(s.creation_date == d(2011, 1, 11));
  CHECK(s.bank_bic == "KREDBEBB");
  CHECK(s.statement_id == "135");
  CHECK(s.sequence == "003");
  CHECK(s.account_iban == "BE33737018595246");
  CHECK(s.currency == "EUR");
  CHECK(s.opening.cents == 1'181'270);
  CHECK(s.opening.date == d(2010, 7, 27));
  CHECK(s.closing.cents == 1'352'781);
  CHECK(s.closing.date == d(2011, 1, 11));
  REQUIRE(s.lines.size() == 5);

  // The trailer's totals, recomputed from the lines (articles not counted).
  int64_t debits = 0;
  int64_t credits = 0;
  for (const BankLine& line : s.lines)
    (line.amount_cents < 0 ? debits : credits) += line.amount_cents;
  CHECK(-debits == 139'308);
  CHECK(credits == 310'819);
  CHECK(s.opening.cents + credits + debits == s.closing.cents);

  // The file's own inconsistency is reported, not hidden.
  REQUIRE(s.warnings.size() == 1);
  CHECK_THAT(s.warnings[0], Catch::Contains("line 23") && Catch::Contains("BE44734024486445") &&
                                Catch::Contains("BE33737018595246"));

  CHECK(fingerprint(s) ==
        "coda|BE33737018595246|EUR|135|003|2010-07-27|1181270|2011-01-11|1352781|5|139308|310819");
}

TEST_CASE("CODA real file: the five movements", "[bank][coda]") {
  const BankStatement s = parse_one(real_coda());
  REQUIRE(s.lines.size() == 5);

  const BankLine& m1 = s.lines[0];
  CHECK(m1.line_id == "135-0001");
  CHECK(m1.global_line_id == "BE33737018595246/2011/135-0001");
  CHECK(m1.amount_cents == -43'500);
  CHECK(m1.booking_date == d(2011, 1, 11));
  CHECK(m1.value_date == d(2011, 1, 11));
  CHECK(m1.bank_reference == "OL44483FW SCTOFBIONLO");
  CHECK(m1.transaction_code == "00101000");
  CHECK(m1.counterparty_iban == "BE41063012345610");
  CHECK(m1.counterparty_account.empty());
  CHECK(m1.counterparty_bic == "GKCCBEBB");
  CHECK(m1.counterparty_name == "PARTNER 1");
  CHECK(m1.structured_communication.empty());
  CHECK(m1.free_communication == "MEDEDELING");
  CHECK(m1.articles.empty());

  const BankLine& m2 = s.lines[1];
  CHECK(m2.line_id == "135-0002");
  CHECK(m2.global_line_id == "BE33737018595246/2011/135-0002");
  CHECK(m2.amount_cents == 304'445);
  CHECK(m2.value_date == d(2011, 1, 11));
  CHECK(m2.structured_communication == "240283842818");  // +++240/2838/42818+++
  CHECK(m2.free_communication.empty());
  CHECK(m2.counterparty_iban == "BE61310126985517");
  CHECK(m2.counterparty_bic == "BBRUBEBB");
  CHECK(m2.counterparty_name == "PARTNER 2");
  CHECK(m2.bank_reference == "OL4414AC8BOVSOVSOVERS");
  CHECK(m2.transaction_code == "00150000");

  for (std::size_t i : {2u, 3u}) {
    const BankLine& m = s.lines[i];
    CHECK(m.line_id == (i == 2 ? "135-0003" : "135-0004"));
    CHECK(m.amount_cents == -47'904);  // one payment line: the globalisation amount
    CHECK(m.transaction_code == "31341000");
    CHECK(m.free_communication == "KBC-INVESTERINGSKREDIET 737-6543210-21");
    CHECK(m.counterparty_iban.empty());
    CHECK(m.counterparty_name.empty());
    REQUIRE(m.articles.size() == 2);
    CHECK(m.articles[0].detail_number == 1);
    CHECK(m.articles[0].amount_cents == -41'992);
    CHECK(m.articles[0].transaction_code == "81341066");
    CHECK(m.articles[1].detail_number == 2);
    CHECK(m.articles[1].amount_cents == -5'912);
    CHECK(m.articles[0].amount_cents + m.articles[1].amount_cents == m.amount_cents);
  }

  const BankLine& m5 = s.lines[4];
  CHECK(m5.line_id == "135-0005");
  CHECK(m5.amount_cents == 6'374);
  CHECK(m5.structured_communication.empty());
  CHECK(m5.free_communication == "TERUGGAVE 37232481 8400083296 .");
  CHECK(m5.counterparty_iban == "BE43730004200601");
  CHECK(m5.counterparty_bic == "KREDBEBB");
  CHECK(m5.counterparty_name == "KBC VERZEKERINGEN NV");
}

TEST_CASE("CODA: LF line ends, a missing final line end, trailing blank lines are accepted",
          "[bank][coda]") {
  const std::string lf = join(records(real_coda()), "\n");
  CHECK(parse_one(lf).lines.size() == 5);
  CHECK(parse_one(lf.substr(0, lf.size() - 1)).lines.size() == 5);
  const std::string crlf = real_coda();
  CHECK(parse_one(crlf.substr(0, crlf.size() - 2)).lines.size() == 5);
  CHECK(parse_one(crlf + "\r\n\r\n").lines.size() == 5);  // blank lines after the trailer
  require_error(crlf + "\r\n" + crlf, "CodaRecordLength", "line 25:");  // but not between records
}

TEST_CASE("CODA: two statements in one file", "[bank][coda]") {
  std::vector<std::string> first = records(real_coda());
  first.back()[127] = '1';  // trailer: another file follows
  auto parsed = parse_coda(join(first) + real_coda());
  REQUIRE(parsed.ok());
  CHECK(parsed->size() == 2);

  // With multiple-file code 2 nothing may follow.
  require_error(real_coda() + real_coda(), "CodaDataAfterTrailer", "line 25:");
}

TEST_CASE("CODA: malformed files give named errors with their line", "[bank][coda]") {
  const std::string& good = real_coda();

  SECTION("empty input") { require_error("", "CodaEmptyFile", "line 1:"); }
  SECTION("a file that is not CODA") {
    require_error("Datum;Bedrag;Rekening\r\n11/01/2011;435,00;BE41063012345610\r\n",
                  "CodaNotACodaFile", "line 1:");
    require_error("<?xml version=\"1.0\"?><Document/>", "CodaNotACodaFile", "line 1:");
  }
  SECTION("truncated record") {
    std::vector<std::string> recs = records(good);
    recs[2].pop_back();
    require_error(join(recs), "CodaRecordLength", "line 3:");
  }
  SECTION("file cut in the middle of a record") {
    require_error(good.substr(0, 130 * 5 + 60), "CodaRecordLength", "line 6:");
  }
  SECTION("file cut before its trailer") {
    std::vector<std::string> recs = records(good);
    recs.pop_back();
    require_error(join(recs), "CodaMissingTrailer", "line 23:");
  }
  SECTION("a flipped digit in an amount breaks the trailer total") {
    // Movement 1: 435.000 → 436.000.
    require_error(edit(good, 3, 33, "000000000436000"), "CodaTrailerTotals", "line 24:");
  }
  SECTION("a flipped digit in the credit total") {
    require_error(edit(good, 24, 38, "000000003108200"), "CodaTrailerTotals", "line 24:");
  }
  SECTION("trailer record count") {
    require_error(edit(good, 24, 17, "000023"), "CodaTrailerRecordCount", "line 24:");
  }
  SECTION("balances that do not add up") {
    require_error(edit(good, 23, 43, "000000013527820"), "CodaBalanceMismatch", "line 24:");
  }
  SECTION("unknown record type") {
    require_error(edit(good, 5, 1, "5"), "CodaUnknownRecordType", "line 5:");
    require_error(edit(good, 5, 1, "24"), "CodaUnknownRecordType", "line 5:");
  }
  SECTION("a letter in an amount field") {
    require_error(edit(good, 7, 40, "O"), "CodaAmountDigits", "line 7:");
  }
  SECTION("a non-zero third decimal is not rounded") {
    require_error(edit(good, 3, 47, "5"), "CodaAmountNotInCents", "line 3:");
  }
  SECTION("a sign that is neither 0 nor 1") {
    require_error(edit(good, 2, 43, "2"), "CodaSignInvalid", "line 2:");
  }
  SECTION("an impossible date") {
    require_error(edit(good, 3, 48, "310211"), "CodaDateInvalid", "line 3:");
  }
  SECTION("version code other than 2") {
    require_error(edit(good, 1, 128, "1"), "CodaVersionUnsupported", "line 1:");
  }
  SECTION("account structure 0 (Belgian account number) is reported plainly") {
    require_error(edit(good, 2, 2, "0"), "CodaAccountStructureUnsupported", "line 2:");
  }
  SECTION("an account IBAN that fails mod 97") {
    require_error(edit(good, 2, 6, "BE33737018595247"), "CodaAccountInvalid", "line 2:");
  }
  SECTION("currency of the new balance differs") {
    require_error(edit(good, 23, 39, "USD"), "CodaCurrencyMismatch", "line 23:");
  }
  SECTION("records out of order") {
    std::vector<std::string> recs = records(good);
    std::swap(recs[2], recs[3]);  // 22 before its 21
    require_error(join(recs), "CodaSequenceOrder", "line 3:");
    recs = records(good);
    recs.erase(recs.begin() + 1);  // no old balance
    require_error(join(recs), "CodaRecordOrder", "line 2:");
    // Movement 2 numbered 0001 again.
    require_error(edit(good, 7, 3, "0001"), "CodaSequenceOrder", "line 7:");
  }
}

TEST_CASE("CODA: soft inconsistencies are warnings", "[bank][coda]") {
  const std::string& good = real_coda();
  SECTION("structured communication with wrong check digits") {
    const BankStatement s = parse_one(edit(good, 7, 66, "240283842819"));
    CHECK(s.lines[1].structured_communication.empty());
    CHECK(s.lines[1].free_communication == "240283842819");
    REQUIRE(s.warnings.size() == 2);
    CHECK_THAT(s.warnings[0],
               Catch::Contains("line 7") && Catch::Contains("check digits 19, expected 18"));
  }
  SECTION("articles that do not add up to their movement") {
    // 419.92 → 419.93 on movement 3's first article: the trailer is unaffected.
    const BankStatement s = parse_one(edit(good, 13, 33, "000000000419930"));
    CHECK(s.lines[2].amount_cents == -47'904);
    REQUIRE(s.warnings.size() == 2);
    CHECK_THAT(s.warnings[0], Catch::Contains("articles add up to -479.05, not -479.04"));
  }
  SECTION("a value date of 000000 falls back to the entry date") {
    const BankStatement s = parse_one(edit(good, 3, 48, "000000"));
    CHECK(s.lines[0].value_date == d(2011, 1, 11));
    CHECK(s.warnings.size() == 2);
  }
  SECTION("a structured communication typed in a free communication") {
    const BankStatement s = parse_one(edit(good, 3, 63, "+++240/2838/42818+++"));
    CHECK(s.lines[0].structured_communication == "240283842818");
    CHECK(s.lines[0].free_communication == "+++240/2838/42818+++");
  }
}

// Robustness: every prefix and thousands of random byte flips of the real file
// give a value or a named error, never a crash (run under ASan+UBSan in CI).
TEST_CASE("CODA: prefixes and random damage never crash the parser", "[bank][coda][robustness]") {
  const std::string& good = real_coda();
  auto check = [](const std::string& bytes) {
    auto parsed = parse_coda(bytes);
    if (parsed) {
      for (const BankStatement& s : *parsed) {
        int64_t balance = s.opening.cents;
        for (const BankLine& line : s.lines) balance += line.amount_cents;
        REQUIRE(balance == s.closing.cents);
      }
    } else {
      REQUIRE_FALSE(parsed.error().rule.empty());
      REQUIRE(parsed.error().field == "file");
    }
  };
  std::size_t accepted = 0;
  for (std::size_t n = 0; n <= good.size(); ++n) {
    check(good.substr(0, n));
    if (parse_coda(good.substr(0, n))) ++accepted;
  }
  CHECK(accepted == 3);  // the whole file, without its final LF, without its final CR LF

  std::mt19937 random(20110111u);
  std::uniform_int_distribution<std::size_t> position(0, good.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> flips(1, 4);
  for (int i = 0; i < 5000; ++i) {
    std::string damaged = good;
    for (int f = flips(random); f > 0; --f)
      damaged[position(random)] = static_cast<char>(byte(random));
    check(damaged);
  }
}

}  // namespace
}  // namespace kassa::domain::bank
