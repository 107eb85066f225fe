#include "projections/career.h"

namespace kassa::projections {

namespace s = kassa::schemas;
namespace d = kassa::domain;

namespace {

std::uint8_t category_of(s::Category c) {
  switch (c) {
    case s::Category::Main: return static_cast<std::uint8_t>(d::Category::kMain);
    case s::Category::Secondary: return static_cast<std::uint8_t>(d::Category::kSecondary);
    case s::Category::HelpingSpouse:
      return static_cast<std::uint8_t>(d::Category::kHelpingSpouse);
    case s::Category::Student: return static_cast<std::uint8_t>(d::Category::kStudent);
    case s::Category::Pensioner: return static_cast<std::uint8_t>(d::Category::kPensioner);
  }
  return 0;
}

std::string career_key(std::string_view party) {
  std::string k;
  k.push_back(kind_tag(s::AggregateKind::Person));
  k.append(party);
  return k;
}

template <typename F>
void for_quarters(const flatbuffers::Vector<std::uint16_t>* quarters, F&& f) {
  if (quarters == nullptr) return;
  for (std::uint16_t q : *quarters) f(q);
}

}  // namespace

CareerProjection::CareerProjection(const d::Rulebook& rulebook)
    : rulebook_(rulebook), cache_(Cf::kCareer) {}

void CareerProjection::recompute(std::uint16_t code, CareerEntry& e) const {
  auto quarter = d::Quarter::of(code / 10, code % 10);
  if (!quarter.ok()) {
    e.status_known = false;
    return;
  }
  d::CareerQuarterFacts facts{*quarter, static_cast<d::Category>(e.category),
                              static_cast<d::QuarterSituation>(e.situation),
                              d::Money::from_cents(std::max<std::int64_t>(0, e.contribution_due_cents)),
                              d::Money::from_cents(std::max<std::int64_t>(0, e.contribution_paid_cents))};
  auto status = d::career_status(rulebook_, facts);
  e.status_known = status.ok();
  if (status.ok()) {
    e.status = static_cast<std::uint8_t>(status->status);
    e.reason = static_cast<std::uint8_t>(status->reason);
  }
}

Status CareerProjection::apply(const log::DecodedEvent& event, const EventPosition&,
                               ApplyContext& context) {
  if (event.aggregate_kind() != s::AggregateKind::Person) return {};
  const s::Envelope& env = event.envelope();
  switch (event.type()) {
    case s::EventBody::PersonRegistered:
    case s::EventBody::CategoryChanged:
    case s::EventBody::ActivityResumed:
    case s::EventBody::ContributionAssessed:
    case s::EventBody::ContributionCancelled:
    case s::EventBody::PaymentAllocated:
    case s::EventBody::ContributionFreeQuarterGranted:
    case s::EventBody::DispenseGranted:
      break;
    default:
      return {};
  }
  auto edited = cache_.edit(context.base(), career_key(event.aggregate_key()));
  if (!edited.ok()) return edited.error();
  Career& c = **edited;
  auto touch = [&](std::uint16_t code) -> CareerEntry& {
    auto [it, inserted] = c.quarters.try_emplace(code);
    if (inserted) it->second.category = c.current_category;
    return it->second;
  };
  switch (event.type()) {
    case s::EventBody::PersonRegistered:
      c.current_category = category_of(env.body_as_PersonRegistered()->category());
      break;
    case s::EventBody::CategoryChanged:
      c.current_category = category_of(env.body_as_CategoryChanged()->to_category());
      break;
    case s::EventBody::ActivityResumed:
      c.current_category = category_of(env.body_as_ActivityResumed()->category());
      break;
    case s::EventBody::ContributionAssessed: {
      const auto* b = env.body_as_ContributionAssessed();
      CareerEntry& e = touch(b->quarter());
      e.assessed = true;
      e.category = category_of(b->category());
      e.contribution_due_cents += b->contribution_cents();
      if (b->primo_reduction_cents() > 0 &&
          e.situation == static_cast<std::uint8_t>(d::QuarterSituation::kNormal)) {
        e.situation = static_cast<std::uint8_t>(d::QuarterSituation::kPrimoStarterReduced);
      }
      recompute(b->quarter(), e);
      break;
    }
    case s::EventBody::ContributionCancelled: {
      const auto* b = env.body_as_ContributionCancelled();
      CareerEntry& e = touch(b->quarter());
      e.contribution_due_cents -= b->contribution_cents();
      recompute(b->quarter(), e);
      break;
    }
    case s::EventBody::PaymentAllocated: {
      const auto* b = env.body_as_PaymentAllocated();
      if (b->lines() == nullptr) break;
      for (const s::AllocationLine* line : *b->lines()) {
        if (line->kind() != s::DebtKind::Contribution || line->quarter() == 0) continue;
        CareerEntry& e = touch(line->quarter());
        e.contribution_paid_cents += line->amount_cents();
        recompute(line->quarter(), e);
      }
      break;
    }
    case s::EventBody::ContributionFreeQuarterGranted: {
      const auto* b = env.body_as_ContributionFreeQuarterGranted();
      CareerEntry& e = touch(b->quarter());
      switch (b->reason()) {
        case s::FreeQuarterReason::Sickness:
          e.situation = static_cast<std::uint8_t>(d::QuarterSituation::kSickness);
          break;
        case s::FreeQuarterReason::Birth:
          e.situation = static_cast<std::uint8_t>(d::QuarterSituation::kMaternityFree);
          break;
        case s::FreeQuarterReason::BridgingRight:
          e.situation = static_cast<std::uint8_t>(d::QuarterSituation::kContinuedInsurance);
          break;
      }
      recompute(b->quarter(), e);
      break;
    }
    case s::EventBody::DispenseGranted:
      for_quarters(env.body_as_DispenseGranted()->quarters(), [&](std::uint16_t q) {
        CareerEntry& e = touch(q);
        e.situation = static_cast<std::uint8_t>(d::QuarterSituation::kDispensed);
        recompute(q, e);
      });
      break;
    default:
      break;
  }
  return {};
}

std::string CareerProjection::Codec::encode(const Career& c) {
  Writer w;
  w.u8(1).u8(c.current_category).u32(static_cast<std::uint32_t>(c.quarters.size()));
  for (const auto& [q, e] : c.quarters) {
    w.u16(q).u8(e.category).u8(e.situation).u8(e.assessed ? 1 : 0);
    w.i64(e.contribution_due_cents).i64(e.contribution_paid_cents);
    w.u8(e.status_known ? 1 : 0).u8(e.status).u8(e.reason);
  }
  return w.take();
}

Result<Career> CareerProjection::Codec::decode(std::string_view bytes) {
  Reader r(bytes);
  Career c;
  if (r.u8() != 1) return Error::corrupt("Career", "unknown career format");
  c.current_category = r.u8();
  const std::uint32_t n = r.u32();
  for (std::uint32_t i = 0; i < n && !r.failed(); ++i) {
    const std::uint16_t q = r.u16();
    CareerEntry e;
    e.category = r.u8();
    e.situation = r.u8();
    e.assessed = r.u8() != 0;
    e.contribution_due_cents = r.i64();
    e.contribution_paid_cents = r.i64();
    e.status_known = r.u8() != 0;
    e.status = r.u8();
    e.reason = r.u8();
    c.quarters.emplace(q, e);
  }
  if (r.failed()) return Error::corrupt("Career", "a career record does not decode");
  return c;
}

Result<std::optional<Career>> read_career(const KvView& view, std::string_view party_id) {
  auto got = view.get(Cf::kCareer, career_key(party_id));
  if (!got.ok()) return got.error();
  if (!got->has_value()) return std::optional<Career>();
  auto c = CareerProjection::Codec::decode(**got);
  if (!c.ok()) return c.error();
  return std::optional<Career>(std::move(c).value());
}

}  // namespace kassa::projections
