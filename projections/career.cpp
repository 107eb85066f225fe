#include "projections/career.h"

#include "domain/aggregate.h"
#include "domain/schema_convert.h"

namespace kassa::projections {

namespace s = kassa::schemas;
namespace d = kassa::domain;

namespace {

constexpr std::uint8_t kCareerFormat = 2;

std::string career_key(std::string_view party) {
  std::string k;
  k.push_back(kind_tag(s::AggregateKind::Person));
  k.append(party);
  return k;
}

}  // namespace

std::string encode_career(const Career& c) {
  Writer w;
  w.u8(kCareerFormat).u32(static_cast<std::uint32_t>(c.size()));
  for (const d::CareerQuarterView& q : c) {
    w.u16(d::quarter_code(q.quarter)).u8(static_cast<std::uint8_t>(q.category));
    w.u8(static_cast<std::uint8_t>(q.situation))
        .money(q.contribution_due)
        .money(q.contribution_paid);
    w.flag(q.status_known)
        .u8(static_cast<std::uint8_t>(q.status))
        .u8(static_cast<std::uint8_t>(q.reason));
  }
  return w.take();
}

Result<Career> decode_career(std::string_view bytes) {
  Reader r(bytes);
  if (r.u8() != kCareerFormat) {
    return Error::corrupt("Career", "a career of another format (rebuild the projections)");
  }
  Career c;
  const std::uint32_t n = r.u32();
  for (std::uint32_t i = 0; i < n && !r.failed(); ++i) {
    d::CareerQuarterView q;
    auto quarter = d::quarter_from_code(r.u16());
    q.category = r.enum_u8(d::Category::kPensioner);
    q.situation = r.enum_u8(d::QuarterSituation::kDispensed);
    q.contribution_due = r.money();
    q.contribution_paid = r.money();
    q.status_known = r.flag();
    q.status = r.enum_u8(d::CareerStatus::kNotCounted);
    q.reason = r.enum_u8(d::CareerReason::kPensionerNoCareer);
    if (!quarter) return Error::corrupt("Career", "a career quarter names no quarter");
    q.quarter = *quarter;
    c.push_back(q);
  }
  if (r.failed() || !r.at_end()) return Error::corrupt("Career", "a career record does not decode");
  return c;
}

void write_career(KvSink& sink, std::string_view party, const d::PersonState& state,
                  const d::Rulebook& rulebook) {
  sink.put(Cf::kCareer, career_key(party), encode_career(d::career_view(state, rulebook)));
}

Result<std::optional<Career>> read_career(const KvView& view, std::string_view party_id) {
  return read_decoded<Career>(view, Cf::kCareer, career_key(party_id), decode_career);
}

}  // namespace kassa::projections
