#pragma once
// `kassa replay report`: one person's account statement, debt status and
// pension career — or one company's account, statement and directors — as
// of a date, each statement line (and each director) with the event that
// produced it (event id, topic/partition/offset, recorded_at) — lineage an
// auditor can follow back into the log.
//
// Source: a projection store (a rebuilt one, or a copy of the live one). The
// answer is the service's own as-of answer (projections::fold_aggregate, as
// the HTTP routes' ?at= and ?known_at=): the person's events are read from
// the store's event index (each frame verified again), those effective up to
// the date (domain::decided_on; and, with known_at, recorded up to that
// instant) are folded by the service's projections — the ledger's
// domain::evolve — into a fresh in-memory view, which is read back. Lines
// dated after the date are not shown, and the totals are those of the lines
// shown: the same rule as ?at= over HTTP.
//
// The person is found by PartyId, or by NISS through the store's NISS index
// (which needs the fund's NISS secret). The NISS is never printed; nothing
// is decrypted.
//
// Thread-safety: reentrant.

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "domain/result.h"
#include "projections/career.h"
#include "projections/company_account.h"
#include "projections/debt.h"
#include "projections/niss_index.h"
#include "projections/statement.h"
#include "projections/store.h"

namespace kassa::replay {

struct Lineage {
  std::string event_id;
  std::string event_type;
  log::Topic topic = log::Topic::kPersonEvents;
  int32_t partition = 0;
  int64_t offset = -1;
  int64_t recorded_at_us = 0;
  uint64_t sequence = 0;
};

struct ReportLine {
  projections::StatementLine line;
  Lineage source;
};

struct PersonReport {
  std::string party_id;
  int32_t at_days = 0;                 // events decided up to this date
  std::optional<int64_t> known_at_us;  // and recorded up to this instant
  uint64_t events_used = 0;
  uint64_t events_left_out = 0;         // decided after at_days / recorded later
  std::vector<ReportLine> lines;        // in date order, with running balances
  projections::StatementHeader totals;  // of the lines shown
  std::optional<domain::DebtView> debt;
  std::optional<projections::Career> career;
  std::vector<Lineage> events;  // every event used, in sequence order
};

// A director of a company as of the date, with the events that appointed
// and (if so) removed them.
struct DirectorLine {
  std::string party_id;
  domain::CompanyDirectorView director;
  Lineage added;  // offset -1: the appointment is effective after the date
  std::optional<Lineage> removed;
};

struct CompanyReport {
  std::string company_number;  // 10 digits
  int32_t at_days = 0;
  std::optional<int64_t> known_at_us;
  uint64_t events_used = 0;
  uint64_t events_left_out = 0;
  std::vector<ReportLine> lines;
  projections::StatementHeader totals;
  std::optional<domain::CompanyView> account;  // nullopt before registration
  std::vector<DirectorLine> directors;         // by PartyId
  std::vector<Lineage> events;                 // every event used, in sequence order
};

// Finds the PartyId: `person` is a PartyId ("P" + 32 hex) or a NISS (then
// `secret` is required; kNotFound "PersonUnknown" when the index has none).
Result<std::string> find_person(const projections::Store& store, const std::string& person,
                                const std::optional<projections::NissSecret>& secret);

// REQUIRES: `party_id` is a PartyId.
Result<PersonReport> person_report(const projections::Store& store, const std::string& party_id,
                                   int32_t at_days, std::optional<int64_t> known_at_us);

// The company number's 10 digits: "0566988259", "0566.988.259", "BE…"
// (kInvalidArgument with domain::CompanyNumber's rule when it does not parse).
Result<std::string> find_company(const std::string& company);

// REQUIRES: `number` is 10 digits (find_company). kNotFound "CompanyUnknown"
// when the store's index holds no event of it.
Result<CompanyReport> company_report(const projections::Store& store, const std::string& number,
                                     int32_t at_days, std::optional<int64_t> known_at_us);

nlohmann::json to_json(const PersonReport& report);
void print_report(const PersonReport& report, std::ostream& out);
nlohmann::json to_json(const CompanyReport& report);
void print_report(const CompanyReport& report, std::ostream& out);

// "2025-06-30" <-> days since 1970-01-01 (domain::Date's parser and printer).
Result<int32_t> parse_date_days(const std::string& text);
std::string format_days(int32_t days);
// Instants through domain::Timestamp, the one parser and printer HTTP uses
// too: "2025-06-30T12:00:00.000000Z"; "2025-03-01T12:00:00Z",
// "2025-03-01T12:00:00.123456Z" (UTC) or an integer of microseconds since 1970.
std::string format_us(int64_t us);
Result<int64_t> parse_timestamp_us(const std::string& text);

}  // namespace kassa::replay
