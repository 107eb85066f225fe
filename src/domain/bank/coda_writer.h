#pragma once
// Writes a CODA 2 statement (the format parse_coda reads): header 0, old
// balance 1, per credit or debit line a movement 21 + 22 + 23, new balance
// 8, trailer 9; 128 characters per record, CR LF. The totals, the new
// balance and the record count are computed, so the file always passes the
// parser's checks.
//
// Used where a bank's file is needed but no bank is: the demo population's
// payments and the end-to-end tests. Text is ASCII (names are cut at the
// field width; non-ASCII characters become '?').

#include <cstdint>
#include <string>
#include <vector>

#include "domain/bank/statement.h"
#include "domain/result.h"

namespace kassa::domain::bank {

struct CodaMovement {
  std::int64_t amount_cents = 0;  // > 0 credit, < 0 debit
  Date value_date;
  std::string structured_communication;  // 12 digits, or empty
  std::string free_communication;        // used when there is no structured one
  std::string counterparty_iban;         // may be empty
  std::string counterparty_name;
};

struct CodaDraft {
  Date creation_date;
  std::string bank_bic = "GKCCBEBB";
  std::string account_iban;  // the fund's account, Belgian IBAN
  std::string holder_name = "KASSA";
  int paper_sequence = 1;  // 1..999, part of every line's global id
  std::int64_t opening_cents = 0;
  Date opening_date;
  std::vector<CodaMovement> movements;  // at most 9999
};

// Errors: kInvalidArgument (CodaDraft*) for values the format cannot hold.
Result<std::string> write_coda(const CodaDraft& draft);

}  // namespace kassa::domain::bank
