// read_bank_file: the streaming readers hand over the same lines as the
// whole-file parsers, in file order, one at a time, and check as much.

#include <catch2/catch.hpp>

#include <cctype>
#include <stdexcept>
#include <string>
#include <vector>

#include "bank_test_support.h"
#include "domain/bank/camt053.h"
#include "domain/bank/coda.h"
#include "domain/bank/coda_writer.h"
#include "domain/bank/statement.h"

namespace kassa::domain::bank {
namespace {

using testing::real_coda;
using testing::sample_camt;

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

struct Streamed {
  Result<std::vector<BankStatement>> statements = std::vector<BankStatement>{};
  std::vector<std::pair<std::size_t, BankLine>> lines;
};

Streamed stream(const std::string& bytes) {
  Streamed out;
  out.statements = read_bank_file(bytes, [&out](std::size_t statement, BankLine&& line) -> Status {
    out.lines.emplace_back(statement, std::move(line));
    return {};
  });
  return out;
}

// Every field the importer reads, compared.
void require_same_line(const BankLine& streamed, const std::string& prefix,
                       const BankLine& parsed) {
  CHECK(streamed.global_line_id.empty());
  CHECK(prefix + streamed.line_id == parsed.global_line_id);
  CHECK(streamed.line_id == parsed.line_id);
  CHECK(streamed.amount_cents == parsed.amount_cents);
  CHECK(streamed.value_date == parsed.value_date);
  CHECK(streamed.booking_date == parsed.booking_date);
  CHECK(streamed.counterparty_iban == parsed.counterparty_iban);
  CHECK(streamed.counterparty_account == parsed.counterparty_account);
  CHECK(streamed.counterparty_name == parsed.counterparty_name);
  CHECK(streamed.counterparty_bic == parsed.counterparty_bic);
  CHECK(streamed.structured_communication == parsed.structured_communication);
  CHECK(streamed.free_communication == parsed.free_communication);
  CHECK(streamed.bank_reference == parsed.bank_reference);
  CHECK(streamed.transaction_code == parsed.transaction_code);
  CHECK(streamed.articles.size() == parsed.articles.size());
}

void require_same_as_parsed(const std::string& bytes) {
  auto parsed = parse_bank_file(bytes);
  REQUIRE(parsed.ok());
  Streamed streamed = stream(bytes);
  REQUIRE(streamed.statements.ok());
  REQUIRE(streamed.statements->size() == parsed->size());
  std::size_t n = 0;
  for (std::size_t s = 0; s < parsed->size(); ++s) {
    const BankStatement& header = (*streamed.statements)[s];
    const BankStatement& whole = (*parsed)[s];
    CHECK(header.lines.empty());
    CHECK(header.line_count == whole.lines.size());
    CHECK(whole.line_count == whole.lines.size());
    CHECK(header.statement_id == whole.statement_id);
    CHECK(header.account_iban == whole.account_iban);
    CHECK(header.opening.cents == whole.opening.cents);
    CHECK(header.closing.cents == whole.closing.cents);
    CHECK(header.warnings == whole.warnings);
    CHECK(header.line_prefix == whole.line_prefix);
    for (const BankLine& line : whole.lines) {
      REQUIRE(n < streamed.lines.size());
      CHECK(streamed.lines[n].first == s);
      require_same_line(streamed.lines[n].second, header.line_prefix, line);
      ++n;
    }
  }
  CHECK(n == streamed.lines.size());
}

TEST_CASE("streaming: the same lines as the whole-file parse, in file order", "[bank][stream]") {
  SECTION("the real CODA file") { require_same_as_parsed(real_coda()); }
  SECTION("the camt.053 sample") { require_same_as_parsed(sample_camt()); }
  SECTION("a camt.053 with two statements") {
    const std::string xml = sample_camt();
    const auto open = xml.find("<Stmt>");
    const auto close = xml.find("</Stmt>") + 7;
    const std::string second =
        replace(xml.substr(open, close - open), "<Id>2025-0004</Id>", "<Id>2025-0005</Id>");
    require_same_as_parsed(std::string(xml).insert(close, second));
  }
  SECTION("a written CODA file of 2,000 movements") {
    CodaDraft draft;
    draft.creation_date = Date{2026, 3, 2};
    draft.account_iban = "BE31363012345678";
    draft.opening_date = Date{2026, 3, 1};
    for (int i = 0; i < 2000; ++i) {
      draft.movements.push_back({1000 + i, Date{2026, 3, 2}, "", "payment " + std::to_string(i), "",
                                 "PAYER " + std::to_string(i)});
    }
    auto file = write_coda(draft);
    REQUIRE(file.ok());
    require_same_as_parsed(*file);
    CHECK(stream(*file).lines.size() == 2000);
  }
}

TEST_CASE("streaming: lines are handed over before the statement is checked as a whole",
          "[bank][stream]") {
  // A closing balance one cent off: the whole-file parse returns no line;
  // the streaming read has handed over the entries before it finds out, so
  // a caller that books reads the file once to check it (BankImporter).
  const std::string wrong =
      replace(sample_camt(), "<Amt Ccy=\"EUR\">12246.21</Amt>", "<Amt Ccy=\"EUR\">12246.22</Amt>");
  CHECK(parse_bank_file(wrong).error().rule == "CamtBalanceMismatch");
  Streamed streamed = stream(wrong);
  REQUIRE_FALSE(streamed.statements.ok());
  CHECK(streamed.statements.error().rule == "CamtBalanceMismatch");
  CHECK(streamed.lines.size() == 5);

  // A CODA trailer with the wrong totals, likewise.
  std::vector<std::string> recs = testing::records(real_coda());
  std::string& trailer = recs.back().empty() ? recs[recs.size() - 2] : recs.back();
  REQUIRE(trailer[0] == '9');
  // The debit total (columns 23-37, in mills): one cent more.
  trailer[35] = trailer[35] == '9' ? '8' : static_cast<char>(trailer[35] + 1);
  const std::string bad_coda = testing::join(recs);
  CHECK(parse_bank_file(bad_coda).error().rule == "CodaTrailerTotals");
  Streamed coda = stream(bad_coda);
  CHECK(coda.statements.error().rule == "CodaTrailerTotals");
  CHECK_FALSE(coda.lines.empty());
}

TEST_CASE("streaming: the sink's error stops the read", "[bank][stream]") {
  for (const std::string& bytes : {sample_camt(), real_coda()}) {
    int seen = 0;
    auto read = read_bank_file(bytes, [&seen](std::size_t, BankLine&&) -> Status {
      if (++seen == 2) return Error::unavailable("LogDown", "the log is down");
      return {};
    });
    REQUIRE_FALSE(read.ok());
    CHECK(read.error().rule == "LogDown");
    CHECK(seen == 2);
  }
}

TEST_CASE("streaming: an exception from the sink goes on to the caller, past expat",
          "[bank][stream]") {
  // Before: the handlers caught std::exception only and turned it into an
  // error "reading camt.053"; anything else crossed expat's C frames.
  for (const std::string& bytes : {sample_camt(), real_coda()}) {
    int seen = 0;
    CHECK_THROWS_AS(read_bank_file(bytes,
                                   [&seen](std::size_t, BankLine&&) -> Status {
                                     if (++seen == 2) throw std::runtime_error("booking failed");
                                     return {};
                                   }),
                    std::runtime_error);
    CHECK(seen == 2);
    CHECK_THROWS_AS(read_bank_file(bytes, [](std::size_t, BankLine&&) -> Status { throw 42; }),
                    int);
  }
}

TEST_CASE("streaming camt.053: the XSD's order where the reader relies on it", "[bank][stream]") {
  const std::string xml = sample_camt();
  SECTION("a balance after the entries is not read as one") {
    const auto bal = xml.find("<Bal>");
    const auto summary = xml.find("<TxsSummry>");
    const std::string balances = xml.substr(bal, summary - bal);
    std::string moved = xml;
    moved.erase(bal, balances.size());
    moved.insert(moved.find("</Stmt>"), balances);
    auto parsed = parse_camt053(moved);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().rule == "CamtMissingElement");
    CHECK(parsed.error().message.find("balance") != std::string::npos);
  }
  SECTION("a second BkToCstmrStmt is refused") {
    const auto open = xml.find("<BkToCstmrStmt>");
    const auto close = xml.find("</BkToCstmrStmt>") + 16;
    std::string twice = xml;
    twice.insert(close, xml.substr(open, close - open));
    CHECK(parse_camt053(twice).error().rule == "CamtNotAStatement");
  }
  SECTION("a namespace prefix on every element") {
    std::string prefixed;
    for (std::size_t i = 0; i < xml.size(); ++i) {
      prefixed += xml[i];
      if (xml[i] == '<' && i + 1 < xml.size() &&
          (std::isalpha(static_cast<unsigned char>(xml[i + 1])))) {
        prefixed += "c:";
      } else if (xml[i] == '<' && i + 1 < xml.size() && xml[i + 1] == '/') {
        prefixed += "/c:";
        ++i;
      }
    }
    prefixed = replace(prefixed, "xmlns=", "xmlns:c=");
    require_same_as_parsed(prefixed);
    CHECK(parse_camt053(prefixed)->at(0).lines.size() == 5);
  }
}

TEST_CASE("camt.053 written in ISO-8859-1: its text comes out in UTF-8", "[bank][stream]") {
  std::string latin1 = replace(sample_camt(), "encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"");
  latin1 = replace(latin1, "<Nm>PEETERS JAN</Nm>", "<Nm>P\xE9TERS JAN</Nm>");
  auto parsed = parse_camt053(latin1);
  REQUIRE(parsed.ok());
  CHECK(parsed->at(0).lines.at(0).counterparty_name == "P\xC3\xA9TERS JAN");
}

}  // namespace
}  // namespace kassa::domain::bank
