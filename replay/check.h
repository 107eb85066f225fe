#pragma once
// `kassa check`: proves, for every aggregate of a projection store, that the
// read models are views of the one domain fold and agree with each other.
// For each person and company it folds the aggregate's events again from
// the store's event index with domain::evolve (the write side's fold) and
// checks:
//
//   StateDiffers            the stored state snapshot = that fold
//   EntriesDisagree         the fold's account entries add up to its balance
//   StatementBalance        statement balance = debt outstanding - credit
//   StatementLines          the statement's lines add up to its header
//   DebtDiffers             the debt view per line = the domain state's
//   WorkListDiffers         work-list membership, stage and amount = the domain's
//   ContrainteEligibility   the work list's eligibility on --date = what
//                           decide(ServeContrainte) says on that date
//   CareerDiffers           the career = domain::career_view over the state
//   TaxDiffers              the tax certificate = the state's payments by
//                           value date, and adds up to what was paid
//   CompanyDiffers          the company account = the company state's
//   LineOverpaid            no line holds more paid than it charges
// and, over all of them, that the store's format is this build's
// (StoreFormat), that the statistics and the work list's counts are
// the sums of every aggregate's figures (StatisticsDiffer,
// WorkListCountsDiffer). A store written by an older build is read where
// its formats allow (the debt of format 1), so its defects are reported
// rather than hidden; everything it cannot read is a violation too.
//
// Thread-safety: reentrant; reads the store only.

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "domain/fund_config.h"
#include "domain/rulebook.h"
#include "projections/store.h"

namespace kassa::replay {

struct CheckOptions {
  domain::Date on = domain::Date::from_days(0);  // the day contrainte eligibility is judged
  std::size_t max_listed = 200;                  // violations kept for the report
};

struct Violation {
  std::string aggregate;  // "P…" PartyId or "C" + company number; "" for the whole store
  std::string rule;
  std::string detail;  // amounts and what differs; never personal data
};

struct CheckReport {
  std::uint64_t persons = 0;
  std::uint64_t companies = 0;
  std::uint64_t events = 0;
  std::uint64_t violations = 0;
  std::map<std::string, std::uint64_t> by_rule;
  std::map<std::string, std::uint64_t> events_by_type;  // every event folded
  std::vector<Violation> listed;                        // the first max_listed
  bool ok() const { return violations == 0; }
};

Result<CheckReport> check_store(const projections::Store& store, const domain::Rulebook& rulebook,
                                const domain::FundConfig& fund, const CheckOptions& options);

nlohmann::json to_json(const CheckReport& report);
void print_report(const CheckReport& report, std::ostream& out);

}  // namespace kassa::replay
