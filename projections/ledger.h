#pragma once
// The ledger projection: the one fold of the read side. For every person
// and company event it runs the write side's own domain::evolve on the
// aggregate's state (held in a KeyedCache, read once per batch) and books
// the account entries evolve records into the statement. Whenever it
// writes an aggregate's state — once per batch, or once per pass of a
// rebuild — it writes that state's views with it: the debt view and the
// work-list entry (debt.h), the career (career.h), the tax certificate
// (tax_certificate.h), the company account (company_account.h), and the
// difference the aggregate makes to the statistics (statistics.h). So every
// read model is a view of the state decide() sees, never a second model.
//
// Column families: state, statement, debt, career, tax, company, stats.
// Keys of the first six belong to the aggregate; stats are sums, so the
// projection applies pass by pass in a rebuild (per_aggregate()).
//
// An event that evolve() refuses (it cannot happen for events the write
// side decided; it can for hand-made ones) leaves the state unchanged
// except its last_sequence, is logged with the key and the rule, counted
// (refused()), and the projector goes on; `kassa check` reports it. In an
// as-of view (History::kPartial) the events left out leave gaps in the
// sequences: the ledger folds across them, and an event evolve refuses
// there is left out too, silently (it depended on one left out).
//
// Thread-safety: one thread (the projector's, or a query building an as-of
// view).

#include <string>
#include <unordered_map>
#include <vector>

#include "domain/company_state.h"
#include "domain/person_state.h"
#include "domain/rulebook.h"
#include "projections/debt.h"
#include "projections/projection.h"
#include "projections/projector.h"
#include "projections/state.h"
#include "projections/statement.h"
#include "projections/statistics.h"

namespace kassa::projections {

class LedgerProjection final : public Projection {
 public:
  LedgerProjection(const domain::Rulebook& rulebook, History history);
  std::string_view name() const override { return "ledger"; }
  Cf cf() const override { return Cf::kState; }
  Status apply(const log::DecodedEvent& event, const EventPosition& position,
               ApplyContext& context) override;
  void flush(ApplyContext& context) override;
  void reset() override;
  void set_write_back(bool on, std::size_t max_entries) override;

  std::uint64_t refused() const { return refused_; }

 private:
  template <typename State>
  Status fold(KeyedCache<State, StateCodec<State>>& cache, const log::DecodedEvent& event,
              const EventPosition& position, ApplyContext& context);
  Status write_views(ApplyContext& context, const std::string& key, const domain::PersonState& s);
  Status write_views(ApplyContext& context, const std::string& key, const domain::CompanyState& s);

  const domain::Rulebook& rulebook_;
  const History history_;
  KeyedCache<domain::PersonState, StateCodec<domain::PersonState>> persons_;
  KeyedCache<domain::CompanyState, StateCodec<domain::CompanyState>> companies_;
  StatementBook statement_;
  DebtBook debt_;
  StatisticsBook stats_;
  // The statistics figures of each aggregate loaded with a state (not
  // empty), as they were when the state was read; written states drop out.
  std::unordered_map<std::string, domain::Figures, StringHash, std::equal_to<>> before_;
  domain::Entries entries_;  // scratch
  std::uint64_t refused_ = 0;
};

}  // namespace kassa::projections
