#include "http/ledger_csv.h"

namespace kassa::http {

namespace {

// One cell: quoted when it must be, defused when a spreadsheet would run it.
void cell(std::string& out, std::string_view text, bool is_text) {
  std::string value;
  if (is_text && !text.empty() &&
      std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) {
    value = "'";
  }
  value.append(text);
  if (value.find_first_of(",\"\r\n") == std::string::npos) {
    out += value;
    return;
  }
  out += '"';
  for (char ch : value) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

}  // namespace

std::string statement_csv(const projections::StatementPage& page, const Notices& notices,
                          Language language) {
  std::string out = "date,kind,debt,description,reference,communication,debit,credit,balance\r\n";
  out.reserve(out.size() + page.lines.size() * 160);
  for (const auto& l : page.lines) {
    const std::string debt = l.debt.kind == domain::DebtRef::Kind::kNone ? "" : l.debt.format();
    auto notice = notices.find(l.debt.format());
    const std::string communication =
        notice != notices.end() ? communication_text(notice->second).value_or("") : "";
    cell(out, l.date.format(), false);
    out += ',';
    cell(out, domain::to_string(l.kind), false);
    out += ',';
    cell(out, debt, true);
    out += ',';
    cell(out, describe(l, language), true);
    out += ',';
    cell(out, l.reference, true);
    out += ',';
    cell(out, communication, true);
    out += ',';
    cell(out, l.debit.format(), false);
    out += ',';
    cell(out, l.credit.format(), false);
    out += ',';
    cell(out, l.balance.format(), false);
    out += "\r\n";
  }
  return out;
}

}  // namespace kassa::http
