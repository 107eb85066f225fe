#pragma once
// The account statement as CSV, for staff who open it in a spreadsheet
// (GET .../statement with Accept: text/csv): RFC 4180 — UTF-8, a header
// row, comma-separated, CRLF line ends, a cell quoted when it holds a
// comma, a quote or a line end. One row per statement line, the columns
// of the JSON answer's lines: date, kind, debt, description, reference,
// communication, debit, credit, balance (amounts as 1234.56, dates as
// 2025-03-31, as in JSON). A text cell a spreadsheet would take for a
// formula (starting with =, +, -, @, a tab or a carriage return) is
// prefixed with ' (OWASP, CSV injection): references and communications
// come from bank files.
//
// Thread-safety: a pure function.

#include <string>

#include "http/ledger_json.h"
#include "projections/statement.h"

namespace kassa::http {

// The description column in `language` (describe()); the other columns are
// data, the same in every language (kind and debt as in JSON: "fees",
// "2023 regularisation"; amounts as 1234.56).
std::string statement_csv(const projections::StatementPage& page, const Notices& notices,
                          Language language = Language::kEn);

}  // namespace kassa::http
