#include "projections/state.h"

#include <spdlog/spdlog.h>

#include "domain/snapshot.h"

namespace kassa::projections {

namespace s = kassa::schemas;

namespace {
std::string state_key(std::string_view party) {
  std::string k;
  k.push_back(kind_tag(s::AggregateKind::Person));
  k.append(party);
  return k;
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

Status StateProjection::apply(const log::DecodedEvent& event, const EventPosition&,
                              ApplyContext& context) {
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

}  // namespace kassa::projections
