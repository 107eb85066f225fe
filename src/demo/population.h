#pragma once
// The demo population generator: a realistic fund history written through
// the real write pipeline (AggregateWriter + the domain's decide/evolve),
// never through hand-made events.
//
// It walks the quarters from `from_year` Q1 to `to_year` Q4 with explicit
// business dates: registrations (existing members, newcomers, primo-
// starters), income notifications (reference years, then the tax
// authority's final income two years on, which regularises), the quarterly
// assessment run, payments on time / late / partial / never (CODA
// statements booked by write::BankImporter), quarter-end
// and year-end surcharges, reminders and formal notices, payment plans
// (some breached), dispenses, waivers, cessations with bridging rights,
// births, and companies with directors and yearly contributions.
//
// Determinism: all choices come from one seeded std::mt19937_64 through our
// own integer arithmetic (std distributions differ between libraries); the
// event factory's clock is derived from the business dates and its Random
// should be seeded too (log::SeededRandom), as should the key store's. Then
// the same spec on an empty log gives the same events byte for byte.
//
// REQUIRES: the log is empty and the generator is its only writer (the
// writers' caches hold the states, the persons' beyond cached_persons in
// the scratch store; their Loader answers from there, or "no events").
//
// Thread-safety: one call at a time; uses the log from the calling thread.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "domain/category.h"
#include "domain/result.h"
#include "log/event_log.h"
#include "log/personal_data.h"
#include "log/random.h"

namespace kassa::demo {

struct PopulationSpec {
  int persons = 10'000;
  int companies = 500;
  int from_year = 2022;
  int to_year = 2026;
  std::uint64_t seed = 1;
  // Person states kept in memory (0: all of them). A larger population's
  // states are spilled, as the writer's cache drops them, to a scratch
  // RocksDB in scratch_dir (then required; emptied first, removed at the
  // end) and loaded back from there: the same events, bounded memory.
  std::size_t cached_persons = 0;
  std::string scratch_dir;

  bool spills() const {
    return cached_persons > 0 && persons > 0 && static_cast<std::size_t>(persons) > cached_persons;
  }
};

struct PopulationSummary {
  std::size_t persons = 0;
  std::size_t companies = 0;
  std::size_t person_events = 0;
  std::size_t company_events = 0;
  std::size_t fund_events = 0;  // suspense items (the fund's aggregate, company topic)
  std::map<domain::Category, std::size_t> categories;  // the category at registration
  std::size_t primo_starters = 0;
  std::size_t newcomers = 0;  // started within the generated years
  std::size_t cessations = 0;
  std::size_t payments = 0;
  std::size_t persons_reminded = 0;
  std::size_t persons_formally_noticed = 0;
  std::size_t payment_plans = 0;
  std::size_t dispenses = 0;
  std::size_t waivers = 0;
  std::size_t bridging_rights = 0;
  std::size_t benefit_payments = 0;  // monthly bridging-right payments
  std::size_t refunds = 0;           // credits and regularisation refunds paid back
  std::size_t regularisations = 0;
  std::size_t personal_data_changes = 0;  // moves and names corrected (PersonalDataChanged)
  // Quarters a run assessed after their due date (newcomers registered after
  // their first quarter's run), and the persons they belong to, over all runs.
  std::size_t persons_assessed_late = 0;
  std::size_t quarters_assessed_late = 0;
  // Commands the domain refused (the generator guesses, the domain decides).
  std::size_t rejected = 0;
  // Payments arrive as CODA statements through the bank importer: its
  // credit lines, those matched by the payer's registered account (no
  // communication), and those left in the fund's suspense account.
  std::size_t bank_statements = 0;
  std::size_t bank_lines = 0;
  std::size_t payments_by_account = 0;
  std::size_t suspense = 0;
  // The quarterly assessment runs alone: events written and wall time, in
  // all and run by run (each run assesses every registered person once).
  std::size_t assessment_events = 0;
  double assessment_seconds = 0;
  struct AssessmentRun {
    std::string quarter;  // "2026-Q1"
    std::size_t persons = 0;
    std::size_t events = 0;
    double seconds = 0;
  };
  std::vector<AssessmentRun> assessment_runs;
  // Person states written to the scratch store and read back from it (by
  // the writer's Loader or to look at one; 0 when every state stayed in
  // memory).
  std::size_t states_spilled = 0;
  std::size_t states_loaded = 0;
  // Every registered person's PartyId, in member-number order.
  std::vector<std::string> party_ids;
  // A few PartyIds worth a look: label -> key.
  std::vector<std::pair<std::string, std::string>> samples;

  std::size_t events() const { return person_events + company_events + fund_events; }
};

// Called after each generated quarter: (quarter "2024-Q3", events so far).
using Progress = std::function<void(const std::string&, std::size_t)>;

// Rules: "PopulationSpec" (kInvalidArgument) for a bad spec (field
// "scratch_dir" when states must spill and it is empty); "ScratchDir",
// "ScratchStore" (kUnavailable) from the scratch store; "LogNotEmpty"
// (kConflict) when the log already holds events; errors of the log and the
// key store as they come.
Result<PopulationSummary> generate_population(log::EventLog& log, log::KeyStore& keys,
                                              log::Random& random, const PopulationSpec& spec,
                                              const Progress& progress = {});

}  // namespace kassa::demo
