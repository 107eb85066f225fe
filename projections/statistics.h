#pragma once
// Statistics per quarter for the authorities: the sums over every person
// and company of what each adds to a quarter (domain::quarter_figures: lines
// by their quarter, regularisation supplements and company contributions by
// their year, payments by the quarter of their value date). The ledger
// projection adds the difference each aggregate's figures make whenever it
// writes the aggregate's state, so the sums never count a reassessment
// twice and do not depend on the order aggregates are applied in (a rebuild
// pass adds its share).
//
// Column family "stats":
//   [quarter code be16] -> the quarter's sums (year*10: a yearly bucket)

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/person_views.h"
#include "projections/projection.h"

namespace kassa::projections {

using QuarterStats = domain::QuarterFigures;

class StatisticsBook {
 public:
  StatisticsBook() : cache_(Cf::kStats, 4096) {}
  // Adds after - before, bucket by bucket.
  Status add(const KvView& base, const domain::Figures& before, const domain::Figures& after);
  void flush(KvSink& sink) { cache_.flush(sink); }
  void reset() { cache_.reset(); }
  void set_write_back(bool on, std::size_t max_entries) { cache_.set_write_back(on, max_entries); }

  struct Codec {
    static std::string encode(const QuarterStats& s);
    static Result<QuarterStats> decode(std::string_view bytes);
  };

 private:
  KeyedCache<QuarterStats, Codec> cache_;
};

Result<std::optional<QuarterStats>> read_stats(const KvView& view, std::uint16_t quarter);
// Every quarter with statistics, in order.
Result<std::vector<std::uint16_t>> stats_quarters(const KvView& view);

}  // namespace kassa::projections
