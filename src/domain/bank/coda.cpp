#include "domain/bank/coda.h"

#include <optional>
#include <string>

#include "domain/bank/values.h"

// Columns below are the 1-based positions of the Febelfin CODA 2.x standard,
// so that each field can be checked against the specification by eye.

namespace kassa::domain::bank {
namespace {

constexpr std::size_t kRecordLength = 128;

Error fail(int line, const char* rule, const std::string& message) {
  return Error::invalid("file", rule, "line " + std::to_string(line) + ": " + message);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A record of exactly 128 bytes and the line it came from.
struct Record {
  std::string_view text;
  int line = 0;

  // The field at 1-based column `first`, `length` bytes long.
  std::string_view col(std::size_t first, std::size_t length) const {
    return text.substr(first - 1, length);
  }
  char at(std::size_t column) const { return text[column - 1]; }
};

// CODA is written in an 8-bit Latin-1 code page; the model holds UTF-8.
std::string latin1_to_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      out.push_back(c);
    } else {
      out.push_back(static_cast<char>(0xC0 | (byte >> 6)));
      out.push_back(static_cast<char>(0x80 | (byte & 0x3F)));
    }
  }
  return out;
}

std::string text_field(const Record& r, std::size_t first, std::size_t length) {
  return latin1_to_utf8(trim(r.col(first, length)));
}

Result<int> number_field(const Record& r, std::size_t first, std::size_t length, const char* what) {
  int value = 0;
  for (char c : r.col(first, length)) {
    if (!is_digit(c)) {
      return fail(r.line, "CodaNumberInvalid",
                  std::string(what) + " '" + std::string(r.col(first, length)) + "' is not digits");
    }
    value = value * 10 + (c - '0');
  }
  return value;
}

// A 15-digit amount with three decimals, unsigned, converted exactly to cents.
Result<int64_t> amount_field(const Record& r, std::size_t first, const char* what) {
  const std::string_view digits = r.col(first, 15);
  int64_t milli = 0;
  for (char c : digits) {
    if (!is_digit(c)) {
      return fail(r.line, "CodaAmountDigits",
                  std::string(what) + " '" + std::string(digits) + "' is not 15 digits");
    }
    milli = milli * 10 + (c - '0');
  }
  if (milli % 10 != 0) {
    return fail(r.line, "CodaAmountNotInCents",
                std::string(what) + " '" + std::string(digits) + "' has a non-zero third decimal");
  }
  return milli / 10;
}

Result<int64_t> signed_amount(const Record& r, std::size_t sign_column, std::size_t first,
                              const char* what) {
  const char sign = r.at(sign_column);
  if (sign != '0' && sign != '1') {
    return fail(r.line, "CodaSignInvalid",
                std::string(what) + " sign '" + std::string(1, sign) +
                    "' is neither 0 (credit) nor 1 (debit)");
  }
  KASSA_ASSIGN_OR_RETURN(auto cents, amount_field(r, first, what));
  return sign == '0' ? cents : -cents;
}

// DDMMYY; CODA 2 dates are in 2000..2099. "000000" gives nullopt when allowed.
Result<std::optional<Date>> date_field(const Record& r, std::size_t first, const char* what,
                                       bool zero_allowed) {
  const std::string_view text = r.col(first, 6);
  if (zero_allowed && text == "000000") return std::optional<Date>{};
  for (char c : text) {
    if (!is_digit(c)) {
      return fail(r.line, "CodaDateInvalid",
                  std::string(what) + " '" + std::string(text) + "' is not DDMMYY");
    }
  }
  auto two = [&](std::size_t i) { return (text[i] - '0') * 10 + (text[i + 1] - '0'); };
  auto date = Date::make(2000 + two(4), two(2), two(0));
  if (!date) {
    return fail(r.line, "CodaDateInvalid",
                std::string(what) + " '" + std::string(text) + "' is no date");
  }
  return std::optional<Date>{*date};
}

Result<Date> required_date(const Record& r, std::size_t first, const char* what) {
  KASSA_ASSIGN_OR_RETURN(auto date, date_field(r, first, what, false));
  return *date;
}

bool add_checked(int64_t& total, int64_t amount) {
  return !__builtin_add_overflow(total, amount, &total);
}

// The movement being read: its record 21 (detail 0000), the 22/23 that follow
// it, and its article records (21 with detail > 0000).
struct Movement {
  int sequence = 0;
  int line = 0;
  BankLine bank_line;
  char communication_type = '0';
  std::string free_text;  // the 53 + 53 + 43 columns of a free communication, concatenated
  int last_detail = 0;
};

class StatementReader {
 public:
  StatementReader(const LineSink& sink, std::size_t index) : sink_(sink), index_(index) {}

  Status header(const Record& r) {
    if (r.col(2, 4) != "0000") return fail(r.line, "CodaHeaderInvalid", "columns 2-5 are not 0000");
    if (r.col(15, 2) != "05") {
      return fail(r.line, "CodaHeaderInvalid",
                  "application code '" + std::string(r.col(15, 2)) + "' is not 05");
    }
    if (r.at(128) != '2') {
      return fail(r.line, "CodaVersionUnsupported",
                  "version code '" + std::string(1, r.at(128)) + "' is not 2 (CODA 2.x)");
    }
    KASSA_ASSIGN_OR_RETURN(auto created, required_date(r, 6, "creation date"));
    s_.format = StatementFormat::kCoda;
    s_.format_version = "2";
    s_.creation_date = created;
    s_.bank_bic = text_field(r, 61, 11);
    return {};
  }

  Status old_balance(const Record& r) {
    ++records_;
    structure_ = r.at(2);
    if (structure_ == '0' || structure_ == '1') {
      return fail(r.line, "CodaAccountStructureUnsupported",
                  std::string("account structure ") + structure_ +
                      (structure_ == '0' ? " (Belgian account number, not IBAN)"
                                         : " (foreign account number, not IBAN)") +
                      " is not supported; ask the bank for CODA with IBAN (structure 2 or 3)");
    }
    if (structure_ != '2' && structure_ != '3') {
      return fail(r.line, "CodaAccountStructureInvalid",
                  "account structure '" + std::string(1, structure_) + "' is not 0, 1, 2 or 3");
    }
    KASSA_TRY(number_field(r, 3, 3, "paper statement number"));
    paper_sequence_ = std::string(r.col(3, 3));
    KASSA_ASSIGN_OR_RETURN(auto iban, account(r, 6, "old balance account"));
    KASSA_ASSIGN_OR_RETURN(auto currency, currency_field(r, 40));
    KASSA_ASSIGN_OR_RETURN(auto balance, signed_amount(r, 43, 44, "old balance"));
    KASSA_ASSIGN_OR_RETURN(auto date, required_date(r, 59, "old balance date"));
    s_.statement_id = paper_sequence_;
    s_.sequence = std::string(trim(r.col(126, 3)));
    s_.account_iban = iban;
    s_.currency = currency;
    s_.opening = {balance, date};
    return {};
  }

  Status movement_part1(const Record& r) {
    ++records_;
    KASSA_ASSIGN_OR_RETURN(auto sequence, number_field(r, 3, 4, "sequence number"));
    KASSA_ASSIGN_OR_RETURN(auto detail, number_field(r, 7, 4, "detail number"));
    KASSA_ASSIGN_OR_RETURN(auto amount, signed_amount(r, 32, 33, "movement amount"));
    KASSA_ASSIGN_OR_RETURN(auto value_date, date_field(r, 48, "value date", true));
    KASSA_ASSIGN_OR_RETURN(auto entry_date, required_date(r, 116, "entry date"));
    const char communication_type = r.at(62);
    if (communication_type != '0' && communication_type != '1') {
      return fail(
          r.line, "CodaCommunicationTypeInvalid",
          "communication type '" + std::string(1, communication_type) + "' is neither 0 nor 1");
    }

    if (detail > 0) {  // an article of the current movement
      if (!current_ || current_->sequence != sequence || detail <= current_->last_detail) {
        return fail(r.line, "CodaSequenceOrder",
                    "article " + std::to_string(sequence) + "/" + std::to_string(detail) +
                        " does not follow its movement");
      }
      current_->last_detail = detail;
      current_detail_ = detail;
      BankArticle article;
      article.detail_number = detail;
      article.amount_cents = amount;
      article.transaction_code = std::string(r.col(54, 8));
      article.communication = text_field(r, 63, 53);
      current_->bank_line.articles.push_back(std::move(article));
      return {};
    }

    if (sequence <= last_sequence_) {
      return fail(r.line, "CodaSequenceOrder",
                  "movement " + std::to_string(sequence) + " does not follow movement " +
                      std::to_string(last_sequence_));
    }
    KASSA_TRY(close_movement());
    last_sequence_ = sequence;
    current_detail_ = 0;
    current_.emplace();
    Movement& m = *current_;
    m.sequence = sequence;
    m.line = r.line;
    m.communication_type = communication_type;
    BankLine& line = m.bank_line;
    line.line_id = paper_sequence_ + "-" + std::string(r.col(3, 4));
    line.booking_date = entry_date;
    if (value_date) {
      line.value_date = *value_date;
    } else {
      line.value_date = entry_date;
      s_.warnings.push_back("line " + std::to_string(r.line) + ": movement " + line.line_id +
                            " has no value date (000000); the entry date is used");
    }
    line.amount_cents = amount;
    line.bank_reference = text_field(r, 11, 21);
    line.transaction_code = std::string(r.col(54, 8));
    if (communication_type == '1') {
      structured(r, line);
    } else {
      m.free_text = std::string(r.col(63, 53));
    }
    return {};
  }

  Status movement_part2(const Record& r) {
    ++records_;
    KASSA_ASSIGN_OR_RETURN(auto m, continuation(r));
    if (m == nullptr) return {};  // continues an article: information only
    Movement& movement = *m;
    if (movement.communication_type == '0') movement.free_text += std::string(r.col(11, 53));
    movement.bank_line.counterparty_bic = text_field(r, 99, 11);
    return {};
  }

  Status movement_part3(const Record& r) {
    ++records_;
    KASSA_ASSIGN_OR_RETURN(auto m, continuation(r));
    if (m == nullptr) return {};
    Movement& movement = *m;
    BankLine& line = movement.bank_line;
    if (movement.communication_type == '0') movement.free_text += std::string(r.col(83, 43));
    line.counterparty_name = text_field(r, 48, 35);
    const std::string_view account_text = trim(r.col(11, 34));
    if (!account_text.empty()) {
      auto iban = normalize_iban(account_text);
      if (iban) {
        line.counterparty_iban = *iban;
      } else {
        line.counterparty_account = latin1_to_utf8(account_text);
        if (account_text.size() >= 2 && account_text[0] >= 'A' && account_text[0] <= 'Z' &&
            account_text[1] >= 'A' && account_text[1] <= 'Z') {
          s_.warnings.push_back("line " + std::to_string(r.line) + ": movement " + line.line_id +
                                ": counterparty account " + iban.error().message);
        }
      }
    }
    return {};
  }

  Status information(const Record& r) {
    ++records_;
    KASSA_ASSIGN_OR_RETURN(auto sequence, number_field(r, 3, 4, "sequence number"));
    if (!current_ || current_->sequence != sequence) {
      return fail(r.line, "CodaSequenceOrder",
                  "information record for movement " + std::to_string(sequence) +
                      " does not follow that movement");
    }
    return {};
  }

  void free_message() { ++records_; }

  Status new_balance(const Record& r) {
    ++records_;
    KASSA_TRY(close_movement());
    current_.reset();
    KASSA_ASSIGN_OR_RETURN(auto iban, account(r, 5, "new balance account"));
    KASSA_ASSIGN_OR_RETURN(auto currency, currency_field(r, 39));
    KASSA_ASSIGN_OR_RETURN(auto balance, signed_amount(r, 42, 43, "new balance"));
    KASSA_ASSIGN_OR_RETURN(auto date, required_date(r, 58, "new balance date"));
    if (currency != s_.currency) {
      return fail(
          r.line, "CodaCurrencyMismatch",
          "new balance currency " + currency + " differs from old balance currency " + s_.currency);
    }
    if (iban != s_.account_iban) {
      s_.warnings.push_back("line " + std::to_string(r.line) +
                            ": new balance (record 8) names account " + iban +
                            " but old balance (record 1) names " + s_.account_iban +
                            "; the statement is read as " + s_.account_iban);
    }
    s_.closing = {balance, date};
    return {};
  }

  // Checks the trailer against what was read and returns the statement.
  Result<BankStatement> trailer(const Record& r) {
    KASSA_ASSIGN_OR_RETURN(auto count, number_field(r, 17, 6, "record count"));
    KASSA_ASSIGN_OR_RETURN(auto debits, amount_field(r, 23, "debit total"));
    KASSA_ASSIGN_OR_RETURN(auto credits, amount_field(r, 38, "credit total"));
    if (count != records_) {
      return fail(r.line, "CodaTrailerRecordCount",
                  "trailer counts " + std::to_string(count) +
                      " records (types 1 to 8), the file has " + std::to_string(records_));
    }
    if (totals_overflow_) return fail(r.line, "CodaAmountOverflow", "movement totals overflow");
    const int64_t debit_total = debit_total_;
    const int64_t credit_total = credit_total_;
    if (debit_total != debits || credit_total != credits) {
      return fail(r.line, "CodaTrailerTotals",
                  "trailer totals debit " + format_cents(debits) + " credit " +
                      format_cents(credits) + ", the movements add up to debit " +
                      format_cents(debit_total) + " credit " + format_cents(credit_total));
    }
    int64_t expected = s_.opening.cents;
    if (!add_checked(expected, credit_total) || !add_checked(expected, -debit_total)) {
      return fail(r.line, "CodaAmountOverflow", "balance overflows");
    }
    if (expected != s_.closing.cents) {
      return fail(r.line, "CodaBalanceMismatch",
                  "old balance " + format_cents(s_.opening.cents) + " + credits " +
                      format_cents(credit_total) + " - debits " + format_cents(debit_total) +
                      " = " + format_cents(expected) + ", but the new balance is " +
                      format_cents(s_.closing.cents));
    }
    s_.line_prefix = s_.account_iban + "/" + std::to_string(s_.closing.date.year) + "/";
    return std::move(s_);
  }

 private:
  Result<std::string> account(const Record& r, std::size_t first, const char* what) {
    // Structure 2: Belgian IBAN in 31 columns + 3 blanks; structure 3: 34.
    const std::string_view text = trim(r.col(first, 34));
    auto iban = normalize_iban(text);
    if (!iban)
      return fail(r.line, "CodaAccountInvalid", std::string(what) + ": " + iban.error().message);
    if (structure_ == '2' && iban->substr(0, 2) != "BE") {
      return fail(
          r.line, "CodaAccountInvalid",
          std::string(what) + " " + *iban + " is not Belgian but the account structure is 2");
    }
    return iban;
  }

  static Result<std::string> currency_field(const Record& r, std::size_t first) {
    const std::string_view code = r.col(first, 3);
    for (char c : code) {
      if (c < 'A' || c > 'Z') {
        return fail(r.line, "CodaCurrencyInvalid",
                    "currency '" + std::string(code) + "' is not an ISO code");
      }
    }
    return std::string(code);
  }

  // The movement a record 22/23 continues (nullptr when it continues an article).
  Result<Movement*> continuation(const Record& r) {
    KASSA_ASSIGN_OR_RETURN(auto sequence, number_field(r, 3, 4, "sequence number"));
    KASSA_ASSIGN_OR_RETURN(auto detail, number_field(r, 7, 4, "detail number"));
    if (!current_ || current_->sequence != sequence || current_detail_ != detail) {
      return fail(r.line, "CodaSequenceOrder",
                  "record " + std::string(r.col(1, 2)) + " " + std::to_string(sequence) + "/" +
                      std::to_string(detail) + " does not continue the record 21 before it");
    }
    return detail == 0 ? &*current_ : nullptr;
  }

  void structured(const Record& r, BankLine& line) {
    const std::string_view type = r.col(63, 3);
    const std::string_view content = r.col(66, 50);
    if (type == "101" || type == "102") {
      auto communication = parse_structured_communication(content.substr(0, 12));
      if (communication) {
        line.structured_communication = *communication;
        return;
      }
      s_.warnings.push_back("line " + std::to_string(r.line) + ": movement " + line.line_id + ": " +
                            communication.error().message + "; kept as free communication");
    }
    // Other structured types (SEPA direct debit, card payments, ...) are kept
    // as the bank wrote them.
    line.free_communication = latin1_to_utf8(trim(content));
  }

  Status close_movement() {
    if (!current_) return {};
    Movement& m = *current_;
    BankLine& line = m.bank_line;
    if (m.communication_type == '0') {
      line.free_communication = latin1_to_utf8(trim(m.free_text));
      const std::string found = find_structured_communication(line.free_communication);
      if (!found.empty() && parse_structured_communication(found))
        line.structured_communication = found;
    }
    if (!line.articles.empty()) {
      int64_t sum = 0;
      for (const BankArticle& a : line.articles) {
        if (!add_checked(sum, a.amount_cents))
          return fail(m.line, "CodaAmountOverflow", "article amounts overflow");
      }
      if (sum != line.amount_cents) {
        s_.warnings.push_back("line " + std::to_string(m.line) + ": movement " + line.line_id +
                              ": its articles add up to " + format_cents(sum) + ", not " +
                              format_cents(line.amount_cents));
      }
    }
    if (!add_checked(line.amount_cents < 0 ? debit_total_ : credit_total_,
                     line.amount_cents < 0 ? -line.amount_cents : line.amount_cents)) {
      totals_overflow_ = true;  // reported by the trailer, as a whole-statement check
    }
    ++s_.line_count;
    BankLine out = std::move(line);
    current_.reset();
    return sink_(index_, std::move(out));
  }

  const LineSink& sink_;
  std::size_t index_;  // of the statement in the file
  BankStatement s_;
  int64_t debit_total_ = 0;  // of the movements read, positive
  int64_t credit_total_ = 0;
  bool totals_overflow_ = false;
  char structure_ = '2';
  std::string paper_sequence_;
  int records_ = 0;  // records of types 1 to 8, as the trailer counts them
  int last_sequence_ = 0;
  int current_detail_ = 0;
  std::optional<Movement> current_;
};

// The file's lines (LF or CR LF; a final line end is optional), one at a
// time. Blank lines after the last record (some download tools add one)
// are not records.
class Lines {
 public:
  explicit Lines(std::string_view bytes) : rest_(bytes) {}
  bool next(std::string_view& line) {
    if (rest_.empty()) return false;
    const auto end = rest_.find('\n');
    line = rest_.substr(0, end);
    rest_ = end == std::string_view::npos ? std::string_view{} : rest_.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() && rest_.find_first_not_of("\r\n") == std::string_view::npos) {
      rest_ = {};
      return false;
    }
    return true;
  }

 private:
  std::string_view rest_;
};

enum class Expect { kHeader, kOldBalance, kBody, kAfterNewBalance, kEnd };

}  // namespace

Result<std::vector<BankStatement>> parse_coda(std::string_view bytes) {
  return collect_lines([bytes](const LineSink& sink) { return read_coda(bytes, sink); });
}

Result<std::vector<BankStatement>> read_coda(std::string_view bytes, const LineSink& sink) {
  if (trim(bytes).empty())
    return Error::invalid("file", "CodaEmptyFile", "line 1: the file is empty");
  if (bytes.size() < 5 || bytes.substr(0, 5) != "00000") {
    return fail(1, "CodaNotACodaFile",
                "the file does not start with a CODA header record (0 + 0000)");
  }
  std::vector<BankStatement> statements;
  std::optional<StatementReader> reader;
  Expect expect = Expect::kHeader;
  Lines lines(bytes);
  int line_number = 0;
  std::string_view text;
  while (lines.next(text)) {
    ++line_number;
    const Record r{text, line_number};
    if (text.size() != kRecordLength) {
      return fail(r.line, "CodaRecordLength",
                  "record has " + std::to_string(text.size()) + " characters, not 128");
    }
    std::string type(1, text[0]);
    if (type == "2" || type == "3") type += text[1];
    const bool known = type == "0" || type == "1" || type == "21" || type == "22" || type == "23" ||
                       type == "31" || type == "32" || type == "33" || type == "4" || type == "8" ||
                       type == "9";
    if (!known) {
      return fail(r.line, "CodaUnknownRecordType",
                  "unknown record type '" + std::string(text.substr(0, 2)) + "'");
    }
    auto order = [&](const char* wanted) {
      return fail(r.line, "CodaRecordOrder",
                  "record " + type + " where " + wanted + " was expected");
    };
    if (expect == Expect::kEnd) {
      return fail(r.line, "CodaDataAfterTrailer",
                  "record " + type + " after the last trailer record 9");
    }
    if (type == "0") {
      if (expect != Expect::kHeader) return order("no header");
      reader.emplace(sink, statements.size());
      KASSA_TRY(reader->header(r));
      expect = Expect::kOldBalance;
      continue;
    }
    if (expect == Expect::kHeader) return order("a header record 0");
    if (type == "1") {
      if (expect != Expect::kOldBalance) return order("no old balance");
      KASSA_TRY(reader->old_balance(r));
      expect = Expect::kBody;
      continue;
    }
    if (expect == Expect::kOldBalance) return order("an old balance record 1");
    if (type == "4") {
      reader->free_message();
      continue;
    }
    if (type == "9") {
      if (expect != Expect::kAfterNewBalance) return order("a new balance record 8");
      KASSA_ASSIGN_OR_RETURN(auto statement, reader->trailer(r));
      statements.push_back(std::move(statement));
      reader.reset();
      expect = text[127] == '1' ? Expect::kHeader : Expect::kEnd;
      continue;
    }
    if (expect != Expect::kBody) return order("a free message 4 or trailer 9");
    if (type == "21") {
      KASSA_TRY(reader->movement_part1(r));
    } else if (type == "22") {
      KASSA_TRY(reader->movement_part2(r));
    } else if (type == "23") {
      KASSA_TRY(reader->movement_part3(r));
    } else if (type == "8") {
      KASSA_TRY(reader->new_balance(r));
      expect = Expect::kAfterNewBalance;
    } else {
      KASSA_TRY(reader->information(r));
    }
  }
  if (expect != Expect::kEnd && !(expect == Expect::kHeader && !statements.empty())) {
    return fail(line_number, "CodaMissingTrailer", "the file ends before its trailer record 9");
  }
  return statements;
}

}  // namespace kassa::domain::bank
