#pragma once
// kassa::domain::bank — the bank statements the fund imports payments from,
// as plain values. Two parsers fill them: CODA 2 (coda.h) and ISO 20022
// camt.053 (camt053.h). Both are pure: they take a file's bytes and return
// statements or a named error, never a half-parsed statement.
//
// Each parser also reads streaming (read_bank_file): it holds one CODA
// movement or one camt.053 entry at a time and hands each line to a sink,
// so a file of any size is read in memory bounded by one entry, not by the
// file (the bytes themselves aside). A streaming read checks the file as
// it goes: an error may come after some lines were handed over, so a caller
// that acts on lines reads the file once to check it, and once to act.
//
// The types here are deliberately primitive but exact (amounts in int64
// cents, dates validated, IBANs normalized and checked, structured
// communications as 12 validated digits): the domain's Money / Iban /
// StructuredCommunication values are built from them by the importer.
//
// Thread-safety: plain values; every function is pure and reentrant.

#include <compare>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

namespace kassa::domain::bank {

// A calendar date, always valid when produced by make() (Gregorian,
// years 1900..2999).
struct Date {
  int year = 1970;
  int month = 1;
  int day = 1;

  static Result<Date> make(int year, int month, int day);
  // "YYYY-MM-DD", also accepts the date part of an ISO date-time
  // ("YYYY-MM-DDThh:mm:ss..."): only the first 10 characters are read.
  static Result<Date> parse_iso(std::string_view text);

  // Days since 1970-01-01 (negative before).
  int32_t days_since_epoch() const;
  std::string to_string() const;  // "YYYY-MM-DD"

  friend auto operator<=>(const Date&, const Date&) = default;
};

enum class StatementFormat { kCoda, kCamt053 };
const char* to_string(StatementFormat format);

struct Balance {
  int64_t cents = 0;  // signed: credit (in the account holder's favour) > 0
  Date date;
};

// A detail ("article") of a CODA movement: information only, never a line of
// its own and never counted in totals (see README.md, "Article lines").
struct BankArticle {
  int detail_number = 0;
  int64_t amount_cents = 0;  // signed like the movement
  std::string transaction_code;
  std::string communication;
};

// One payment on the account, as the importer books it.
struct BankLine {
  // Unique within the statement and stable across re-parses of the same file.
  //   CODA: "<paper statement number>-<movement sequence>", e.g. "135-0002".
  //   camt: "<AcctSvcrRef | NtryRef | E<entry index>>/<TxDtls index>".
  std::string line_id;
  // Unique across statements of the fund: "<account IBAN>/<statement key>/<line_id>"
  // (statement key: CODA the closing year, camt Stmt/Id). The importer keys
  // its idempotency on it.
  std::string global_line_id;
  Date booking_date;
  Date value_date;                   // the payment date (DOMAIN.md §5)
  int64_t amount_cents = 0;          // signed: credit > 0, debit < 0
  std::string counterparty_iban;     // normalized, checked; may be empty
  std::string counterparty_account;  // as the bank wrote it when it is not an IBAN
  std::string counterparty_bic;
  std::string counterparty_name;
  std::string structured_communication;  // 12 digits, check digits valid; or empty
  std::string free_communication;        // when there is no structured one
  std::string bank_reference;
  std::string transaction_code;       // CODA 8 digits; camt BkTxCd Domn/Fmly/SubFmly or Prtry
  std::vector<BankArticle> articles;  // CODA only
};

struct BankStatement {
  StatementFormat format = StatementFormat::kCoda;
  std::string format_version;  // CODA "2"; camt "camt.053.001.02" etc.
  std::string statement_id;    // CODA paper statement number "135"; camt Stmt/Id
  std::string sequence;        // CODA coded statement number "003"; camt ElctrncSeqNb
  Date creation_date;          // CODA header; camt Stmt/CreDtTm (else GrpHdr)
  std::string bank_bic;        // CODA header; camt Acct/Svcr BIC, may be empty
  std::string account_iban;    // normalized, checked
  std::string currency;        // ISO 4217
  Balance opening;
  Balance closing;
  std::vector<BankLine> lines;        // empty after a streaming read
  std::vector<std::string> warnings;  // inconsistencies reported, not hidden
  std::size_t line_count = 0;         // lines read (also after a streaming read)
  // What every line's global_line_id starts with: "<account IBAN>/<statement
  // key>/". Known once the statement was read to its end (CODA's key is the
  // year of its closing balance).
  std::string line_prefix;
};

// Receives a file's lines one at a time, in file order, with the index of
// their statement (0 for the first). A line's global_line_id is empty: it
// is the statement's line_prefix + line_id, and the prefix is known only
// when the statement ends. An error stops the read and is returned.
using LineSink = std::function<Status(std::size_t statement, BankLine&& line)>;

// A deterministic text identifying the statement's content:
//   "<format>|<iban>|<currency>|<statement_id>|<sequence>|<opening date>|
//    <opening cents>|<closing date>|<closing cents>|<line count>|
//    <debit total cents>|<credit total cents>"
// Two parses of the same file give the same fingerprint. REQUIRES: the
// statement with its lines (parse_bank_file), not a streaming read's
// header (its lines are empty). The importer keys on each line's
// global_line_id instead (write/bank_import.h).
std::string fingerprint(const BankStatement& statement);

// Recognizes a file by its first bytes: a CODA header record ("0000" + a
// date) or an XML document whose root is a camt.053 Document.
// Error rule: "BankFormatUnknown".
Result<StatementFormat> detect_format(std::string_view bytes);

// detect_format, then the matching parser.
Result<std::vector<BankStatement>> parse_bank_file(std::string_view bytes);

// detect_format, then the matching streaming reader: every line to `sink`,
// and the statements without their lines (line_count and line_prefix set)
// once the whole file was read and checked. Memory: one movement or entry
// at a time, plus each statement's header and warnings (and, for camt.053,
// its line ids, to refuse a duplicate).
Result<std::vector<BankStatement>> read_bank_file(std::string_view bytes, const LineSink& sink);

// What the parse_* functions do with a reader: collect every line into its
// statement and set the global line ids.
Result<std::vector<BankStatement>> collect_lines(
    const std::function<Result<std::vector<BankStatement>>(const LineSink&)>& read);

}  // namespace kassa::domain::bank
