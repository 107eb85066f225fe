#pragma once
// CODA 2 (Febelfin "coded statement of account", version 2.x): fixed records
// of 128 characters, one per line (CR LF or LF).
//
//   0  header      creation date, bank BIC, version code "2" in column 128
//   1  old balance account structure, account + currency, sign, balance, date
//   21 22 23       a movement (continuous sequence + detail number); 22/23 add
//                  counterparty BIC, account and name, and continue the
//                  communication
//   31 32 33       information records of a movement (kept out of the lines)
//   4  free message
//   8  new balance
//   9  trailer     record count (1..8), debit total, credit total
//
// Several 0..9 groups may follow each other (trailer column 128 = "1"); each
// gives one BankStatement. See README.md for the rules and error names.

#include <string_view>
#include <vector>

#include "domain/bank/statement.h"
#include "domain/result.h"

namespace kassa::domain::bank {

// Parses a whole CODA file. Errors are Error::invalid("file", "<Rule>",
// "line N: ...") and nothing is returned half-parsed.
Result<std::vector<BankStatement>> parse_coda(std::string_view bytes);

// The same checks, streaming: each movement to `sink` once it is complete,
// the statements without their lines (see read_bank_file).
Result<std::vector<BankStatement>> read_coda(std::string_view bytes, const LineSink& sink);

}  // namespace kassa::domain::bank
