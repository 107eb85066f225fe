#include "projections/state.h"

#include "domain/snapshot.h"
#include "projections/parties.h"

namespace kassa::projections {

namespace s = kassa::schemas;

namespace {

std::span<const std::uint8_t> span_of(std::string_view bytes) {
  return {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()};
}

std::string string_of(const std::vector<std::uint8_t>& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

template <typename State>
Result<std::optional<State>> read_state(const KvView& view, s::AggregateKind kind,
                                        std::string_view key) {
  return read_decoded<State>(view, Cf::kState, state_key(kind, key), StateCodec<State>::decode);
}

template <typename State>
Result<std::optional<LoadedState<State>>> load(const KvView& view, s::AggregateKind kind,
                                               std::string_view key) {
  KASSA_ASSIGN_OR_RETURN(auto party, read_party(view, kind, key));
  if (!party.has_value()) return std::optional<LoadedState<State>>();
  KASSA_ASSIGN_OR_RETURN(auto state, read_state<State>(view, kind, key));
  if (!state.has_value()) {
    return Error::corrupt("StateMissing", "an aggregate with events has no state snapshot");
  }
  return std::optional<LoadedState<State>>(LoadedState<State>{
      std::move(*state), log::ChainTip{(party)->last_sequence, (party)->last_hash}});
}

}  // namespace

std::string state_key(s::AggregateKind kind, std::string_view key) {
  std::string k;
  k.reserve(key.size() + 1);
  k.push_back(kind_tag(kind));
  k.append(key);
  return k;
}

std::string StateCodec<domain::PersonState>::encode(const domain::PersonState& state) {
  return string_of(domain::serialize(state));
}

Result<domain::PersonState> StateCodec<domain::PersonState>::decode(std::string_view bytes) {
  return domain::deserialize_person(span_of(bytes));
}

std::string StateCodec<domain::CompanyState>::encode(const domain::CompanyState& state) {
  return string_of(domain::serialize(state));
}

Result<domain::CompanyState> StateCodec<domain::CompanyState>::decode(std::string_view bytes) {
  return domain::deserialize_company(span_of(bytes));
}

Result<std::optional<domain::PersonState>> read_person_state(const KvView& view,
                                                             std::string_view party_id) {
  return read_state<domain::PersonState>(view, s::AggregateKind::Person, party_id);
}

Result<std::optional<domain::CompanyState>> read_company_state(const KvView& view,
                                                               std::string_view number) {
  return read_state<domain::CompanyState>(view, s::AggregateKind::Company, number);
}

Result<std::optional<LoadedState<domain::PersonState>>> load_person(const KvView& view,
                                                                    std::string_view party_id) {
  return load<domain::PersonState>(view, s::AggregateKind::Person, party_id);
}

Result<std::optional<LoadedState<domain::CompanyState>>> load_company(const KvView& view,
                                                                      std::string_view number) {
  return load<domain::CompanyState>(view, s::AggregateKind::Company, number);
}

}  // namespace kassa::projections
