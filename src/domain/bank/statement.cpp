#include "domain/bank/statement.h"

#include "domain/bank/camt053.h"
#include "domain/bank/coda.h"
#include "domain/bank/values.h"

namespace kassa::domain::bank {
namespace {

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

std::string pad(int value, int width) {
  std::string text = std::to_string(value);
  while (static_cast<int>(text.size()) < width) text.insert(text.begin(), '0');
  return text;
}

}  // namespace

Result<Date> Date::make(int year, int month, int day) {
  if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1 ||
      day > days_in_month(year, month)) {
    return Error::invalid(
        "date", "DateInvalid",
        "no such date: " + pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2));
  }
  return Date{year, month, day};
}

Result<Date> Date::parse_iso(std::string_view text) {
  auto digits = [&](std::size_t from, std::size_t count, int& out) {
    out = 0;
    for (std::size_t i = from; i < from + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  int year = 0;
  int month = 0;
  int day = 0;
  if (text.size() < 10 || text[4] != '-' || text[7] != '-' ||
      (text.size() > 10 && text[10] != 'T') || !digits(0, 4, year) || !digits(5, 2, month) ||
      !digits(8, 2, day)) {
    return Error::invalid("date", "DateInvalid", "'" + std::string(text) + "' is not YYYY-MM-DD");
  }
  return make(year, month, day);
}

int32_t Date::days_since_epoch() const {
  // Howard Hinnant's days_from_civil.
  const int y = month <= 2 ? year - 1 : year;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int mp = (month + 9) % 12;
  const int doy = (153 * mp + 2) / 5 + day - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::string Date::to_string() const {
  return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2);
}

const char* to_string(StatementFormat format) {
  switch (format) {
    case StatementFormat::kCoda: return "coda";
    case StatementFormat::kCamt053: return "camt053";
  }
  return "unknown";
}

std::string fingerprint(const BankStatement& s) {
  KASSA_ASSERT(s.line_count <= s.lines.size(),
               "fingerprint() of a statement read without its lines");
  int64_t debits = 0;
  int64_t credits = 0;
  for (const BankLine& line : s.lines) {
    (line.amount_cents < 0 ? debits : credits) += line.amount_cents;
  }
  std::string out = to_string(s.format);
  for (const std::string& part :
       {s.account_iban, s.currency, s.statement_id, s.sequence, s.opening.date.to_string(),
        std::to_string(s.opening.cents), s.closing.date.to_string(),
        std::to_string(s.closing.cents), std::to_string(s.lines.size()), std::to_string(-debits),
        std::to_string(credits)}) {
    out += '|';
    out += part;
  }
  return out;
}

Result<StatementFormat> detect_format(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  const std::string_view start = trim(bytes.substr(0, 4096));
  if (start.empty()) return Error::invalid("file", "BankFormatUnknown", "the file is empty");
  if (start.front() == '<') {
    if (start.find("urn:iso:std:iso:20022:tech:xsd:camt.053.") != std::string_view::npos)
      return StatementFormat::kCamt053;
    return Error::invalid("file", "BankFormatUnknown",
                          "an XML file, but not an ISO 20022 camt.053 statement");
  }
  // A CODA header record: '0', four zeros, the creation date DDMMYY.
  bool coda = bytes.size() >= 11 && bytes.substr(0, 5) == "00000";
  for (std::size_t i = 5; coda && i < 11; ++i) coda = bytes[i] >= '0' && bytes[i] <= '9';
  if (coda) return StatementFormat::kCoda;
  return Error::invalid("file", "BankFormatUnknown",
                        "neither a CODA file (header record 0) nor a camt.053 XML document");
}

Result<std::vector<BankStatement>> parse_bank_file(std::string_view bytes) {
  return collect_lines([bytes](const LineSink& sink) { return read_bank_file(bytes, sink); });
}

Result<std::vector<BankStatement>> read_bank_file(std::string_view bytes, const LineSink& sink) {
  KASSA_ASSIGN_OR_RETURN(auto format, detect_format(bytes));
  switch (format) {
    case StatementFormat::kCoda: return read_coda(bytes, sink);
    case StatementFormat::kCamt053: return read_camt053(bytes, sink);
  }
  return Error::internal("unhandled statement format");
}

Result<std::vector<BankStatement>> collect_lines(
    const std::function<Result<std::vector<BankStatement>>(const LineSink&)>& read) {
  std::vector<std::vector<BankLine>> lines;
  KASSA_ASSIGN_OR_RETURN(auto statements,
                         read([&lines](std::size_t statement, BankLine&& line) -> Status {
                           if (lines.size() <= statement) lines.resize(statement + 1);
                           lines[statement].push_back(std::move(line));
                           return {};
                         }));
  for (std::size_t i = 0; i < statements.size() && i < lines.size(); ++i) {
    statements[i].lines = std::move(lines[i]);
    for (BankLine& line : statements[i].lines)
      line.global_line_id = statements[i].line_prefix + line.line_id;
  }
  return statements;
}

}  // namespace kassa::domain::bank
