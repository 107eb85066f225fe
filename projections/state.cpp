#include "projections/state.h"

#include <spdlog/spdlog.h>

#include "domain/snapshot.h"
#include "projections/parties.h"

namespace kassa::projections {

namespace s = kassa::schemas;

namespace {
std::string state_key(std::string_view party, s::AggregateKind kind = s::AggregateKind::Person) {
  std::string k;
  k.push_back(kind_tag(kind));
  k.append(party);
  return k;
}

std::span<const std::uint8_t> span_of(std::string_view bytes) {
  return {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()};
}

template <typename State, typename Decode>
Result<std::optional<LoadedState<State>>> load(const KvView& view, s::AggregateKind kind,
                                               std::string_view key, Decode&& decode) {
  auto party = read_party(view, kind, key);
  if (!party.ok()) return party.error();
  if (!party->has_value()) return std::optional<LoadedState<State>>();
  auto got = view.get(Cf::kState, state_key(key, kind));
  if (!got.ok()) return got.error();
  if (!got->has_value()) {
    return Error::corrupt("StateMissing", "an aggregate with events has no state snapshot");
  }
  auto state = decode(span_of(**got));
  if (!state.ok()) return state.error();
  return std::optional<LoadedState<State>>(LoadedState<State>{
      std::move(state).value(), log::ChainTip{(*party)->last_sequence, (*party)->last_hash}});
}
}  // namespace

std::string StateProjection::Codec::encode(const domain::PersonState& state) {
  const auto bytes = domain::serialize(state);
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

Result<domain::PersonState> StateProjection::Codec::decode(std::string_view bytes) {
  return domain::deserialize_person(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

std::string StateProjection::CompanyCodec::encode(const domain::CompanyState& state) {
  const auto bytes = domain::serialize(state);
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

Result<domain::CompanyState> StateProjection::CompanyCodec::decode(std::string_view bytes) {
  return domain::deserialize_company(span_of(bytes));
}

Status StateProjection::apply(const log::DecodedEvent& event, const EventPosition&,
                              ApplyContext& context) {
  if (event.aggregate_kind() == s::AggregateKind::Company) {
    auto edited = companies_.edit(context.base(),
                                  state_key(event.aggregate_key(), s::AggregateKind::Company));
    if (!edited.ok()) return edited.error();
    Status evolved = domain::evolve(**edited, event.envelope());
    if (!evolved.ok()) {
      if (refused_++ < 100) {
        spdlog::warn("state: evolve refused an event company={} sequence={} rule={}",
                     event.aggregate_key(), event.sequence(), evolved.error().rule);
      }
      (*edited)->last_sequence = event.sequence();
    }
    return {};
  }
  if (event.aggregate_kind() != s::AggregateKind::Person) return {};
  auto edited = cache_.edit(context.base(), state_key(event.aggregate_key()));
  if (!edited.ok()) return edited.error();
  domain::PersonState& state = **edited;
  Status evolved = domain::evolve(state, event.envelope());
  if (!evolved.ok()) {
    if (refused_++ < 100) {
      spdlog::warn("state: evolve refused an event party={} sequence={} rule={}",
                   event.aggregate_key(), event.sequence(), evolved.error().rule);
    }
    state.last_sequence = event.sequence();
  }
  return {};
}

Result<std::optional<domain::PersonState>> read_person_state(const KvView& view,
                                                             std::string_view party_id) {
  auto got = view.get(Cf::kState, state_key(party_id));
  if (!got.ok()) return got.error();
  if (!got->has_value()) return std::optional<domain::PersonState>();
  auto st = StateProjection::Codec::decode(**got);
  if (!st.ok()) return st.error();
  return std::optional<domain::PersonState>(std::move(st).value());
}

Result<std::optional<LoadedState<domain::PersonState>>> load_person(const KvView& view,
                                                                    std::string_view party_id) {
  return load<domain::PersonState>(view, s::AggregateKind::Person, party_id,
                                   [](auto b) { return domain::deserialize_person(b); });
}

Result<std::optional<LoadedState<domain::CompanyState>>> load_company(const KvView& view,
                                                                      std::string_view number) {
  return load<domain::CompanyState>(view, s::AggregateKind::Company, number,
                                    [](auto b) { return domain::deserialize_company(b); });
}

}  // namespace kassa::projections
