#include "projections/ledger.h"

#include <spdlog/spdlog.h>

#include "projections/career.h"
#include "projections/company_account.h"
#include "projections/tax_certificate.h"

namespace kassa::projections {

namespace s = kassa::schemas;
namespace d = kassa::domain;

namespace {

bool empty_state(const d::PersonState& st) { return st.last_sequence == 0; }
bool empty_state(const d::CompanyState& st) { return st.last_sequence == 0; }

}  // namespace

LedgerProjection::LedgerProjection(const d::Rulebook& rulebook, History history)
    : rulebook_(rulebook),
      history_(history),
      persons_(Cf::kState, 50'000),
      companies_(Cf::kState, 10'000) {}

template <typename State>
Status LedgerProjection::fold(KeyedCache<State, StateCodec<State>>& cache,
                              const log::DecodedEvent& event, const EventPosition& position,
                              ApplyContext& context) {
  const std::string key = state_key(event.aggregate_kind(), event.aggregate_key());
  KASSA_ASSIGN_OR_RETURN(auto edited, cache.edit(context.base(), key));
  State& state = *edited;
  // The figures the aggregate's statistics stand at, once per write.
  if (!empty_state(state) && before_.find(key) == before_.end()) {
    before_.emplace(key, d::quarter_figures(state));
  }
  entries_.clear();
  if (history_ == History::kPartial && event.sequence() > state.last_sequence + 1) {
    state.last_sequence = event.sequence() - 1;  // the events left out
  }
  Status evolved = d::evolve(state, event.envelope(), &entries_);
  if (!evolved.ok() && history_ == History::kPartial) {
    state.last_sequence = event.sequence();
    return {};
  }
  if (!evolved.ok()) {
    if (refused_++ < 100) {
      spdlog::warn("ledger: evolve refused an event key={} sequence={} rule={}",
                   event.aggregate_key(), event.sequence(), evolved.error().rule);
    }
    state.last_sequence = event.sequence();
    return {};
  }
  return statement_.add(event.aggregate_kind(), event.aggregate_key(), event, position, entries_,
                        context);
}

Status LedgerProjection::apply(const log::DecodedEvent& event, const EventPosition& position,
                               ApplyContext& context) {
  switch (event.aggregate_kind()) {
    case s::AggregateKind::Person: return fold(persons_, event, position, context);
    case s::AggregateKind::Company: return fold(companies_, event, position, context);
    case s::AggregateKind::Fund: return {};
  }
  return {};
}

Status LedgerProjection::write_views(ApplyContext& context, const std::string& key,
                                     const d::PersonState& state) {
  const std::string_view party = std::string_view(key).substr(1);
  KvSink& sink = context.sink();
  KASSA_TRY(debt_.write(context.base(), sink, party, state));
  write_career(sink, party, state, rulebook_);
  write_tax(sink, party, state);
  return {};
}

Status LedgerProjection::write_views(ApplyContext& context, const std::string& key,
                                     const d::CompanyState& state) {
  write_company(context.sink(), std::string_view(key).substr(1), state);
  return {};
}

void LedgerProjection::flush(ApplyContext& context) {
  Status failed;
  const auto views = [&](const std::string& key, const auto& state) {
    if (!failed.ok()) return;
    Status written = write_views(context, key, state);
    if (written.ok()) {
      auto before = before_.find(key);
      static const d::Figures kNone;
      written = stats_.add(context.base(), before != before_.end() ? before->second : kNone,
                           d::quarter_figures(state));
      if (before != before_.end()) before_.erase(before);
    }
    if (!written.ok()) failed = written;
  };
  persons_.flush(context.sink(), views);
  companies_.flush(context.sink(), views);
  statement_.flush(context.sink());
  debt_.flush(context.sink());
  stats_.flush(context.sink());
  if (!failed.ok()) {
    // A store read failed while writing views: the batch must not commit.
    spdlog::error("ledger: writing views failed rule={} error={}", failed.error().rule,
                  failed.error().message);
    context.fail(failed.error());
  }
}

void LedgerProjection::reset() {
  persons_.reset();
  companies_.reset();
  statement_.reset();
  debt_.reset();
  stats_.reset();
  before_.clear();
}

void LedgerProjection::set_write_back(bool on, std::size_t max_entries) {
  persons_.set_write_back(on, max_entries);
  companies_.set_write_back(on, max_entries);
  statement_.set_write_back(on, max_entries);
  debt_.set_write_back(on, max_entries);
  stats_.set_write_back(on, max_entries);
}

}  // namespace kassa::projections
