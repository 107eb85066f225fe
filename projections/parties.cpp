#include "projections/parties.h"

#include <cstring>

namespace kassa::projections {

namespace s = kassa::schemas;

std::string_view to_string(PartyStatus status) {
  switch (status) {
    case PartyStatus::kActive: return "active";
    case PartyStatus::kCeased: return "ceased";
    case PartyStatus::kDied: return "died";
  }
  return "active";
}

char kind_tag(s::AggregateKind kind) {
  switch (kind) {
    case s::AggregateKind::Person: return 'P';
    case s::AggregateKind::Company: return 'C';
    case s::AggregateKind::Fund: return 'F';
  }
  return 'F';
}

std::string party_key(s::AggregateKind kind, std::string_view key) {
  std::string k;
  k.reserve(key.size() + 1);
  k.push_back(kind_tag(kind));
  k.append(key);
  return k;
}

Status PartiesProjection::apply(const log::DecodedEvent& event, const EventPosition&,
                                ApplyContext& context) {
  KASSA_ASSIGN_OR_RETURN(
      auto edited,
      cache_.edit(context.base(), party_key(event.aggregate_kind(), event.aggregate_key())));
  PartySummary& p = *edited;
  const s::Envelope& env = event.envelope();
  p.kind = static_cast<std::uint8_t>(event.aggregate_kind());
  if (p.event_count == 0) p.first_recorded_us = env.recorded_at_us();
  ++p.event_count;
  p.last_sequence = event.sequence();
  p.last_hash = event.hash();
  p.last_recorded_us = env.recorded_at_us();
  switch (event.type()) {
    case s::EventBody::PersonRegistered: {
      const auto* b = env.body_as_PersonRegistered();
      p.category = static_cast<std::uint8_t>(b->category());
      p.starter = static_cast<std::uint8_t>(b->starter());
      p.start_quarter = b->start_quarter();
      p.status = PartyStatus::kActive;
      break;
    }
    case s::EventBody::CategoryChanged:
      p.category = static_cast<std::uint8_t>(env.body_as_CategoryChanged()->to_category());
      break;
    case s::EventBody::ActivityCeased:
      p.status = PartyStatus::kCeased;
      p.end_quarter = env.body_as_ActivityCeased()->end_quarter();
      break;
    case s::EventBody::ActivityResumed: {
      const auto* b = env.body_as_ActivityResumed();
      p.status = PartyStatus::kActive;
      p.category = static_cast<std::uint8_t>(b->category());
      p.starter = static_cast<std::uint8_t>(b->starter());
      p.end_quarter = 0;
      break;
    }
    case s::EventBody::PersonDied:
      p.status = PartyStatus::kDied;
      p.end_quarter = env.body_as_PersonDied()->death_quarter();
      break;
    case s::EventBody::PersonalDataErased: p.personal_data_erased = true; break;
    case s::EventBody::CompanyRegistered: p.start_quarter = env.effective_quarter(); break;
    default: break;
  }
  return {};
}

std::string PartiesProjection::Codec::encode(const PartySummary& p) {
  Writer w;
  w.u8(1).u8(p.kind).u8(p.category).u8(p.starter).u16(p.start_quarter).u16(p.end_quarter);
  w.u8(static_cast<std::uint8_t>(p.status)).u8(p.personal_data_erased ? 1 : 0);
  w.u64(p.event_count).u64(p.last_sequence);
  w.bytes().append(reinterpret_cast<const char*>(p.last_hash.data()), p.last_hash.size());
  w.i64(p.first_recorded_us).i64(p.last_recorded_us);
  return w.take();
}

Result<PartySummary> PartiesProjection::Codec::decode(std::string_view bytes) {
  Reader r(bytes);
  PartySummary p;
  if (r.u8() != 1) return Error::corrupt("PartySummary", "unknown party summary format");
  p.kind = r.u8();
  p.category = r.u8();
  p.starter = r.u8();
  p.start_quarter = r.u16();
  p.end_quarter = r.u16();
  p.status = static_cast<PartyStatus>(r.u8());
  p.personal_data_erased = r.u8() != 0;
  p.event_count = r.u64();
  p.last_sequence = r.u64();
  for (auto& b : p.last_hash) b = r.u8();
  p.first_recorded_us = r.i64();
  p.last_recorded_us = r.i64();
  if (r.failed()) return Error::corrupt("PartySummary", "a party summary does not decode");
  return p;
}

Result<std::optional<PartySummary>> read_party(const KvView& view, s::AggregateKind kind,
                                               std::string_view key) {
  KASSA_ASSIGN_OR_RETURN(auto got, view.get(Cf::kParties, party_key(kind, key)));
  if (!got.has_value()) return std::optional<PartySummary>();
  KASSA_ASSIGN_OR_RETURN(auto p, PartiesProjection::Codec::decode(*got));
  return std::optional<PartySummary>(p);
}

}  // namespace kassa::projections
