#pragma once
// ISO 20022 camt.053 (BankToCustomerStatement), versions 001.02 to 001.08 and
// later: elements are matched on their local names, the namespace only has to
// be urn:iso:std:iso:20022:tech:xsd:camt.053.001.NN. Every Stmt in the
// document gives one BankStatement. See README.md for the rules.

#include <string_view>
#include <vector>

#include "domain/bank/statement.h"
#include "domain/result.h"

namespace kassa::domain::bank {

// Parses a whole camt.053 document. Errors are Error::invalid("file",
// "Camt<Rule>", "<element path>: ...") and nothing is returned half-parsed.
Result<std::vector<BankStatement>> parse_camt053(std::string_view bytes);

// The same checks, streaming (expat): each entry's lines to `sink` once the
// entry is read, the statements without their lines (see read_bank_file).
// Elements must come in the XSD's order as far as the reader relies on it:
// GrpHdr before the statements, a statement's Id, Acct and Bal before its
// entries.
Result<std::vector<BankStatement>> read_camt053(std::string_view bytes, const LineSink& sink);

}  // namespace kassa::domain::bank
