#include "projections/statistics.h"

#include "domain/aggregate.h"
#include "domain/date.h"
#include "domain/quarter.h"

namespace kassa::projections {

namespace s = kassa::schemas;

namespace {
std::string stats_key(std::uint16_t quarter) {
  std::string k;
  put_be16(k, quarter);
  return k;
}
std::uint16_t quarter_of(std::int32_t days) {
  return domain::quarter_code(domain::Quarter::containing(domain::Date::from_days(days)));
}
}  // namespace

Result<QuarterStats*> StatisticsProjection::at(ApplyContext& context, std::uint16_t quarter) {
  return cache_.edit(context.base(), stats_key(quarter));
}

Status StatisticsProjection::apply(const log::DecodedEvent& event, const EventPosition&,
                                   ApplyContext& context) {
  const s::Envelope& env = event.envelope();
  switch (event.type()) {
    case s::EventBody::ContributionAssessed: {
      const auto* b = env.body_as_ContributionAssessed();
      auto st = at(context, b->quarter());
      if (!st.ok()) return st.error();
      const auto cat = static_cast<std::size_t>(b->category());
      if (cat < 5) ++(*st)->assessments_by_category[cat];
      (*st)->contribution_cents += b->contribution_cents();
      (*st)->fees_cents += b->fees_cents();
      break;
    }
    case s::EventBody::ContributionCancelled: {
      const auto* b = env.body_as_ContributionCancelled();
      auto st = at(context, b->quarter());
      if (!st.ok()) return st.error();
      ++(*st)->cancellations;
      (*st)->cancelled_cents += b->contribution_cents() + b->fees_cents();
      break;
    }
    case s::EventBody::PaymentReceived: {
      const auto* b = env.body_as_PaymentReceived();
      auto st = at(context, quarter_of(b->value_days()));
      if (!st.ok()) return st.error();
      ++(*st)->payments;
      (*st)->collected_cents += b->amount_cents();
      break;
    }
    case s::EventBody::PaymentAllocated: {
      if (event.aggregate_kind() != s::AggregateKind::Person) break;
      const auto* b = env.body_as_PaymentAllocated();
      if (b->lines() == nullptr) break;
      for (const s::AllocationLine* line : *b->lines()) {
        if (line->quarter() == 0 || line->quarter() % 10 == 0) continue;
        if (line->kind() != s::DebtKind::Contribution && line->kind() != s::DebtKind::Fees) continue;
        auto st = at(context, line->quarter());
        if (!st.ok()) return st.error();
        (*st)->principal_allocated_cents += line->amount_cents();
      }
      break;
    }
    case s::EventBody::SurchargeApplied: {
      const auto* b = env.body_as_SurchargeApplied();
      auto st = at(context, quarter_of(b->applied_days()));
      if (!st.ok()) return st.error();
      (*st)->surcharges_cents += b->amount_cents();
      break;
    }
    case s::EventBody::SurchargeReduced:
    case s::EventBody::SurchargeWaived: {
      const std::int64_t amount = event.type() == s::EventBody::SurchargeReduced
                                      ? env.body_as_SurchargeReduced()->amount_cents()
                                      : env.body_as_SurchargeWaived()->amount_cents();
      auto st = at(context, quarter_of(env.effective_days()));
      if (!st.ok()) return st.error();
      (*st)->surcharges_cancelled_cents += amount;
      break;
    }
    case s::EventBody::DispenseGranted: {
      const auto* b = env.body_as_DispenseGranted();
      if (b->quarters() == nullptr || b->quarters()->size() == 0) break;
      for (std::uint16_t q : *b->quarters()) {
        auto st = at(context, q);
        if (!st.ok()) return st.error();
        ++(*st)->dispensed_quarters;
      }
      auto first = at(context, b->quarters()->Get(0));
      if (!first.ok()) return first.error();
      (*first)->dispensed_cents += b->amount_cents();
      break;
    }
    default:
      break;
  }
  return {};
}

std::string StatisticsProjection::Codec::encode(const QuarterStats& x) {
  Writer w;
  w.u8(1);
  for (std::int64_t v : x.assessments_by_category) w.i64(v);
  w.i64(x.cancellations).i64(x.contribution_cents).i64(x.fees_cents).i64(x.cancelled_cents);
  w.i64(x.collected_cents).i64(x.payments).i64(x.principal_allocated_cents);
  w.i64(x.surcharges_cents).i64(x.surcharges_cancelled_cents).i64(x.dispensed_quarters);
  w.i64(x.dispensed_cents);
  return w.take();
}

Result<QuarterStats> StatisticsProjection::Codec::decode(std::string_view bytes) {
  Reader r(bytes);
  QuarterStats x;
  if (r.u8() != 1) return Error::corrupt("QuarterStats", "unknown statistics format");
  for (auto& v : x.assessments_by_category) v = r.i64();
  x.cancellations = r.i64();
  x.contribution_cents = r.i64();
  x.fees_cents = r.i64();
  x.cancelled_cents = r.i64();
  x.collected_cents = r.i64();
  x.payments = r.i64();
  x.principal_allocated_cents = r.i64();
  x.surcharges_cents = r.i64();
  x.surcharges_cancelled_cents = r.i64();
  x.dispensed_quarters = r.i64();
  x.dispensed_cents = r.i64();
  if (r.failed()) return Error::corrupt("QuarterStats", "statistics do not decode");
  return x;
}

Result<std::optional<QuarterStats>> read_stats(const KvView& view, std::uint16_t quarter) {
  auto got = view.get(Cf::kStats, stats_key(quarter));
  if (!got.ok()) return got.error();
  if (!got->has_value()) return std::optional<QuarterStats>();
  auto x = StatisticsProjection::Codec::decode(**got);
  if (!x.ok()) return x.error();
  return std::optional<QuarterStats>(*x);
}

Result<std::vector<std::uint16_t>> stats_quarters(const KvView& view) {
  std::vector<std::uint16_t> out;
  KASSA_TRY(view.scan(Cf::kStats, "", [&](std::string_view k, std::string_view) {
    if (k.size() == 2) out.push_back(static_cast<std::uint16_t>(get_be(k, 0, 2)));
    return true;
  }));
  return out;
}

}  // namespace kassa::projections
