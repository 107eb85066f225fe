#pragma once
// Bank statement import: every credit line of a CODA or camt.053 file
// becomes a payment of the member it belongs to, or a suspense item of the
// fund. Never dropped, never recorded twice.
//
// Matching, in order:
//   1. the structured communication: a notice's communication carries the
//      member number (base = member number * 1000 + notice counter, see
//      domain::notice_communication), which names a person or a company;
//   2. the payer's account: the keyed hash of the counterparty IBAN, known
//      from the person's registration;
//   3. otherwise a suspense item on the fund's aggregate ("fund"), listed
//      for staff with the counterparty sealed (personal data).
// Debit lines (money leaving the fund's account) are counted, not booked.
//
// Reading: the file is read twice, streaming (domain::bank::read_bank_file):
// once to check all of it (a bad line anywhere refuses the file before any
// line is booked), once to book. Memory holds one round of lines, not the
// file (the bytes themselves and the report aside).
//
// Booking, in rounds of `round_lines` credit lines in file order: a round's
// lines are matched first, then the persons' payments are appended with one
// AggregateWriter::run_each (group commits of `chunk` aggregates; a member's
// lines in file order), then the companies', and last, with one more, the
// suspense items (the lines nobody matched, and those the member's
// aggregate refused) in file order. The report lists every credit line in
// file order.
//
// Idempotency: each line is identified by its global line id (statement
// account + sequence + line number, domain/bank). A line already booked
// anywhere (MemberLookup::by_bank_line: a payment of any member, or a
// suspense item) is reported, not booked again — also when a later
// registration would now match it; staff move a suspense item by hand. The
// aggregates themselves refuse a bank reference twice. Importing the same
// file twice writes no event the second time. Every line's dates are checked
// before any is booked.
//
// Who a member number or an account belongs to comes from a MemberLookup
// (in kassad: the projections' identifier index, read after the projector
// caught up with everything this process appended).
//
// BankImporter: thread-safe (the writers are); one file at a time per call.

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/fund_config.h"
#include "write/aggregate_writer.h"
#include "write/aggregates.h"

namespace kassa::write {

struct Member {
  schemas::AggregateKind kind = schemas::AggregateKind::Person;
  std::string key;  // PartyId or company number
};

struct MemberLookup {
  std::function<Result<std::optional<Member>>(std::uint32_t member_number)> by_number;
  std::function<Result<std::optional<std::string>>(std::string_view iban)> by_iban;  // PartyId
  // Where a bank line was booked by an earlier import, if anywhere.
  std::function<Result<std::optional<Member>>(std::string_view bank_ref)> by_bank_line;
};

// Member numbers (one sequence for persons and companies, 1..9'999'999)
// and the in-process guard against two concurrent registrations of one
// identifier. Seeded at start-up with the highest number registered.
// Thread-safety: every method locks.
class MemberNumbers {
 public:
  explicit MemberNumbers(std::uint32_t highest = 0) : highest_(highest) {}
  Result<std::uint32_t> next();
  // Two concurrent registrations of one identifier (NISS hash, company
  // number) inside this process: the second claim fails. The projections
  // know only what the projector applied. release() after the registration
  // is durable and projected, or failed.
  bool claim(const std::string& identifier);
  void release(const std::string& identifier);

 private:
  std::mutex mu_;
  std::uint32_t highest_;
  std::set<std::string> claims_;
};

struct ImportedLine {
  std::string bank_ref;  // global line id
  std::int64_t amount_cents = 0;
  std::string value_date;  // YYYY-MM-DD
  std::string matched_by;  // "communication", "account" or "" (suspense)
  schemas::AggregateKind kind = schemas::AggregateKind::Fund;
  std::string key;                // PartyId, company number, or "fund"
  std::size_t events = 0;         // 0: already recorded by an earlier import
  bool already_recorded = false;  // booked by an earlier import (to `kind`/`key`)
  std::int64_t last_offset = -1;  // of the events written (read-your-write)
  std::optional<Error> rejected;  // a payment the member's aggregate refused
  std::string suspense_reason;    // held in suspense: why (schemas::SuspenseReason)
};

struct ImportReport {
  std::string format;  // "coda" or "camt.053"
  std::size_t statements = 0;
  std::size_t credit_lines = 0;
  std::size_t debit_lines = 0;  // counted, not booked
  std::size_t events_written = 0;
  std::vector<ImportedLine> lines;  // every credit line, in file order
  std::vector<std::string> warnings;
};

class BankImporter {
 public:
  // lookup: who a member number, an account or a bank line belongs to (see MemberLookup).
  // A line above `plausibility.max_amount` is held in suspense for review
  // (SuspenseReason AboveCeiling) rather than booked.
  BankImporter(AggregateWriter<PersonAggregate>& persons,
               AggregateWriter<CompanyAggregate>& companies, AggregateWriter<FundAggregate>& fund,
               MemberLookup lookup, domain::Plausibility plausibility = {});

  // Parses and books a whole file. A parse error writes nothing. A log
  // failure midway returns the error; lines booked before it stay booked
  // and a retry of the same file books only the rest. `progress`, when
  // given, is kept up to date for another thread (the run board): `total`
  // the file's credit lines once the first read has checked it, then as
  // each round is booked `done` the lines booked, `changed` those booked
  // to a member or company by this import (not those already recorded),
  // `events_written`.
  Result<ImportReport> import(std::string_view file_bytes, const CommandMeta& meta,
                              RunProgress* progress = nullptr);

  // Aggregates per group commit of the members' payments (default 2000, as
  // AggregateWriter::run_each). REQUIRES: > 0; before the first import.
  void set_chunk(std::size_t aggregates) { chunk_ = aggregates; }
  // Credit lines matched and booked per round (default 10,000: a few MB).
  // REQUIRES: > 0; before the first import.
  void set_round_lines(std::size_t lines) { round_lines_ = lines; }

 private:
  class Round;
  AggregateWriter<PersonAggregate>& persons_;
  AggregateWriter<CompanyAggregate>& companies_;
  AggregateWriter<FundAggregate>& fund_;
  MemberLookup lookup_;
  domain::Plausibility plausibility_;
  std::size_t chunk_ = 2000;
  std::size_t round_lines_ = 10'000;
  std::mutex mu_;  // one import at a time: a line is booked once across files
};

}  // namespace kassa::write
