#pragma once
// Statistics per quarter for the authorities: assessments by category
// (one per ContributionAssessed; a cancellation is counted apart), amounts
// assessed (contribution, fees), cancelled, collected (payments by the
// quarter of their value date), principal allocated to the quarter,
// outstanding principal of the quarter, surcharges applied and cancelled
// (by the quarter of the decision), dispensed quarters and amounts.
//
// Column family "stats":
//   [quarter code be16] -> QuarterStats

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "projections/projection.h"

namespace kassa::projections {

struct QuarterStats {
  std::array<std::int64_t, 5> assessments_by_category{};  // schemas::Category
  std::int64_t cancellations = 0;
  std::int64_t contribution_cents = 0;
  std::int64_t fees_cents = 0;
  std::int64_t cancelled_cents = 0;
  std::int64_t collected_cents = 0;
  std::int64_t payments = 0;
  std::int64_t principal_allocated_cents = 0;
  std::int64_t surcharges_cents = 0;
  std::int64_t surcharges_cancelled_cents = 0;
  std::int64_t dispensed_quarters = 0;
  std::int64_t dispensed_cents = 0;
  std::int64_t outstanding_cents() const {
    return contribution_cents + fees_cents - cancelled_cents - principal_allocated_cents;
  }
};

class StatisticsProjection final : public Projection {
 public:
  StatisticsProjection() : cache_(Cf::kStats) {}
  std::string_view name() const override { return "statistics"; }
  Cf cf() const override { return Cf::kStats; }
  Status apply(const log::DecodedEvent& event, const EventPosition& position,
               ApplyContext& context) override;
  void flush(ApplyContext& context) override { cache_.flush(context.sink()); }
  void reset() override { cache_.reset(); }
  void set_write_back(bool on, std::size_t max_entries) override {
    cache_.set_write_back(on, max_entries);
  }
  bool per_aggregate() const override { return false; }  // sums over everyone

  struct Codec {
    static std::string encode(const QuarterStats& s);
    static Result<QuarterStats> decode(std::string_view bytes);
  };

 private:
  Result<QuarterStats*> at(ApplyContext& context, std::uint16_t quarter);
  KeyedCache<QuarterStats, Codec> cache_;
};

Result<std::optional<QuarterStats>> read_stats(const KvView& view, std::uint16_t quarter);
// Every quarter with statistics, in order.
Result<std::vector<std::uint16_t>> stats_quarters(const KvView& view);

}  // namespace kassa::projections
