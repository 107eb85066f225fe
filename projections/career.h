#pragma once
// Pension career per person (DOMAIN.md §8): per year and quarter, counted /
// assimilated / not counted and why, computed by domain::career_status from
// the quarter's category, situation (contribution-free, primo-starter
// reduced, dispensed), contribution due and contribution paid.
//
// Column family "career":
//   [kind tag][PartyId] -> Career (every quarter of the person, sorted)
// A quarter whose year the rulebook does not know keeps status_known=false
// (reported as "unknown"), never a guess.

#include <cstdint>
#include <map>
#include <string>

#include "domain/career.h"
#include "domain/rulebook.h"
#include "projections/projection.h"

namespace kassa::projections {

struct CareerEntry {
  std::uint8_t category = 0;   // domain::Category
  std::uint8_t situation = 0;  // domain::QuarterSituation
  bool assessed = false;
  std::int64_t contribution_due_cents = 0;
  std::int64_t contribution_paid_cents = 0;
  bool status_known = false;
  std::uint8_t status = 0;  // domain::CareerStatus
  std::uint8_t reason = 0;  // domain::CareerReason
};

struct Career {
  std::uint8_t current_category = 0;
  std::map<std::uint16_t, CareerEntry> quarters;
};

class CareerProjection final : public Projection {
 public:
  explicit CareerProjection(const domain::Rulebook& rulebook);
  std::string_view name() const override { return "career"; }
  Cf cf() const override { return Cf::kCareer; }
  Status apply(const log::DecodedEvent& event, const EventPosition& position,
               ApplyContext& context) override;
  void flush(ApplyContext& context) override { cache_.flush(context.sink()); }
  void reset() override { cache_.reset(); }
  void set_write_back(bool on, std::size_t max_entries) override {
    cache_.set_write_back(on, max_entries);
  }

  struct Codec {
    static std::string encode(const Career& c);
    static Result<Career> decode(std::string_view bytes);
  };

 private:
  void recompute(std::uint16_t code, CareerEntry& entry) const;
  const domain::Rulebook& rulebook_;
  KeyedCache<Career, Codec> cache_;
};

Result<std::optional<Career>> read_career(const KvView& view, std::string_view party_id);

}  // namespace kassa::projections
