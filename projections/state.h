#pragma once
// The aggregate state column family: PartyId -> PersonState and company
// number -> CompanyState (domain::evolve folded over the aggregate's events,
// by the ledger projection, ledger.h), as snapshots (domain/snapshot.h). The
// write side's Loader reads a state from here instead of folding a whole
// history, and `kassa check` recomputes every view from it.
//
// Column family "state":
//   [kind tag 'P'][PartyId]        -> person snapshot bytes ("KST1")
//   [kind tag 'C'][company number] -> company snapshot bytes

#include <optional>
#include <string>

#include "domain/company_state.h"
#include "domain/person_state.h"
#include "log/chain_verifier.h"
#include "projections/projection.h"

namespace kassa::projections {

template <typename State>
struct StateCodec;
template <>
struct StateCodec<domain::PersonState> {
  static std::string encode(const domain::PersonState& state);
  static Result<domain::PersonState> decode(std::string_view bytes);
};
template <>
struct StateCodec<domain::CompanyState> {
  static std::string encode(const domain::CompanyState& state);
  static Result<domain::CompanyState> decode(std::string_view bytes);
};

// [kind tag][key]
std::string state_key(schemas::AggregateKind kind, std::string_view key);

Result<std::optional<domain::PersonState>> read_person_state(const KvView& view,
                                                             std::string_view party_id);
Result<std::optional<domain::CompanyState>> read_company_state(const KvView& view,
                                                               std::string_view number);

// What the write side's Loader needs: the state and the chain tip (last
// sequence and hash, from the parties summary), read from one snapshot so
// they agree. nullopt: the aggregate has no event yet. For "as of everything
// durable", wait for the projector to reach the log's high-water marks first.
template <typename State>
struct LoadedState {
  State state;
  log::ChainTip tip;
};
Result<std::optional<LoadedState<domain::PersonState>>> load_person(const KvView& view,
                                                                    std::string_view party_id);
Result<std::optional<LoadedState<domain::CompanyState>>> load_company(const KvView& view,
                                                                      std::string_view number);

}  // namespace kassa::projections
