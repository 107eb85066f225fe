#pragma once
// Account statement per person and per company: the account entries that
// domain::evolve records for each event (domain/account.h), each with the
// event it came from, in date order. The projector writes them; nothing
// here decides an amount, a debt or a date.
//
// Column family "statement":
//   [kind tag][aggregate key] 0x00                    -> StatementHeader
//   [kind tag][aggregate key] 0x01 [date be32, biased] [sequence be64] [n u8]
//                                                     -> StatementLine
// Lines are keyed by date, then by the event's sequence and the entry's
// place in it: a payment valued before a contribution was decided comes
// first. Running balances depend on that order, so they are computed when
// a statement is read, never stored. The header holds the totals of every
// line (its balance is what `kassa check` compares with the state's).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/account.h"
#include "log/uuid.h"
#include "projections/projection.h"

namespace kassa::projections {

struct StatementLine {
  domain::Date date = domain::Date::from_days(0);
  std::uint64_t sequence = 0;  // the event's sequence in its aggregate
  std::uint8_t n = 0;          // the entry's place among the event's entries
  domain::EntryKind kind = domain::EntryKind::kPayment;
  domain::DebtRef debt;
  domain::Money debit;
  domain::Money credit;
  domain::Money amount;  // benefit paid (kBenefitPaid)
  std::string reference;
  std::vector<domain::AllocationPart> allocation;
  domain::Money left_as_credit;
  log::Uuid event_id;
  EventPosition position;
  domain::Money balance;  // after this line; filled when read
};

struct StatementHeader {
  std::int64_t balance_cents = 0;
  std::int64_t total_debit_cents = 0;
  std::int64_t total_credit_cents = 0;
  std::uint64_t line_count = 0;
};

// Writes the lines of each event and keeps the header (used by the
// ledger projection, ledger.h).
class StatementBook {
 public:
  StatementBook() : headers_(Cf::kStatement) {}
  Status add(schemas::AggregateKind kind, std::string_view key, const log::DecodedEvent& event,
             const EventPosition& position, const domain::Entries& entries, ApplyContext& context);
  void flush(KvSink& sink) { headers_.flush(sink); }
  void reset() { headers_.reset(); }
  void set_write_back(bool on, std::size_t max_entries) {
    headers_.set_write_back(on, max_entries);
  }

  struct HeaderCodec {
    static std::string encode(const StatementHeader& h);
    static Result<StatementHeader> decode(std::string_view bytes);
  };

 private:
  KeyedCache<StatementHeader, HeaderCodec> headers_;
};

std::string statement_prefix(schemas::AggregateKind kind, std::string_view key);

Result<std::optional<StatementHeader>> read_statement_header(const KvView& view,
                                                             schemas::AggregateKind kind,
                                                             std::string_view key);

// A statement over a period, paged.
struct StatementQuery {
  std::optional<domain::Date> from;  // inclusive; nullopt = from the first line
  std::optional<domain::Date> to;    // inclusive; nullopt = to the last line
  std::string cursor;                // where the previous page ended ("" = first page)
  std::size_t limit = 0;             // lines per page; 0 = all
};

struct StatementPage {
  domain::Money opening_balance;  // every line before `from`
  domain::Money period_debit;     // every line of the period, not only this page
  domain::Money period_credit;
  domain::Money closing_balance;  // opening + period debits - period credits
  std::uint64_t period_lines = 0;
  std::vector<StatementLine> lines;  // this page, each with its running balance
  std::string next_cursor;           // "" = the last page
};

// kInvalidArgument "CursorInvalid" (field "cursor") for a cursor that no
// page of this statement gave.
Result<StatementPage> read_statement(const KvView& view, schemas::AggregateKind kind,
                                     std::string_view key, const StatementQuery& query);

}  // namespace kassa::projections
