#include "projections/statistics.h"

namespace kassa::projections {

namespace d = kassa::domain;

namespace {

constexpr std::uint8_t kStatsFormat = 2;

std::string stats_key(std::uint16_t quarter) {
  std::string k;
  put_be16(k, quarter);
  return k;
}

}  // namespace

Status StatisticsBook::add(const KvView& base, const d::Figures& before, const d::Figures& after) {
  if (before == after) return {};
  const d::QuarterFigures none{};
  auto at = [&](std::uint16_t q) { return cache_.edit(base, stats_key(q)); };
  for (const auto& [q, f] : after) {
    auto it = before.find(q);
    if (it != before.end() && it->second == f) continue;
    KASSA_ASSIGN_OR_RETURN(auto st, at(q));
    KASSA_TRY(st->add(f));
    if (it != before.end()) KASSA_TRY(st->subtract(it->second));
  }
  for (const auto& [q, f] : before) {
    if (after.count(q) > 0 || f == none) continue;
    KASSA_ASSIGN_OR_RETURN(auto st, at(q));
    KASSA_TRY(st->subtract(f));
  }
  return {};
}

std::string StatisticsBook::Codec::encode(const QuarterStats& x) {
  Writer w;
  w.u8(kStatsFormat);
  for (std::int64_t v : x.assessed_by_category) w.i64(v);
  w.i64(x.cancelled_quarters).money(x.contribution).money(x.fees).money(x.cancelled);
  w.money(x.principal_paid).money(x.principal_open).money(x.surcharges).money(x.surcharges_paid);
  w.i64(x.dispensed_quarters).money(x.dispensed).i64(x.payments).money(x.collected);
  w.money(x.company_contribution).money(x.company_paid).money(x.company_open);
  return w.take();
}

Result<QuarterStats> StatisticsBook::Codec::decode(std::string_view bytes) {
  Reader r(bytes);
  QuarterStats x;
  if (r.u8() != kStatsFormat) {
    return Error::corrupt("QuarterStats", "statistics of another format (rebuild the projections)");
  }
  for (auto& v : x.assessed_by_category) v = r.i64();
  x.cancelled_quarters = r.i64();
  x.contribution = r.money();
  x.fees = r.money();
  x.cancelled = r.money();
  x.principal_paid = r.money();
  x.principal_open = r.money();
  x.surcharges = r.money();
  x.surcharges_paid = r.money();
  x.dispensed_quarters = r.i64();
  x.dispensed = r.money();
  x.payments = r.i64();
  x.collected = r.money();
  x.company_contribution = r.money();
  x.company_paid = r.money();
  x.company_open = r.money();
  if (r.failed() || !r.at_end()) return Error::corrupt("QuarterStats", "statistics do not decode");
  return x;
}

Result<std::optional<QuarterStats>> read_stats(const KvView& view, std::uint16_t quarter) {
  return read_decoded<QuarterStats>(view, Cf::kStats, stats_key(quarter),
                                    StatisticsBook::Codec::decode);
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
