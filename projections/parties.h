#pragma once
// A summary per aggregate (person, company, fund): category and status of a
// person, how many events, the last sequence and hash (where the projector's
// chain check resumes after a restart), first and last recorded_at.
//
// Column family "parties":
//   [kind tag][aggregate key] -> PartySummary

#include <cstdint>
#include <string>

#include "log/chain_verifier.h"
#include "projections/projection.h"

namespace kassa::projections {

enum class PartyStatus : std::uint8_t { kActive = 0, kCeased, kDied };
std::string_view to_string(PartyStatus status);

struct PartySummary {
  std::uint8_t kind = 0;      // schemas::AggregateKind
  std::uint8_t category = 0;  // schemas::Category
  std::uint8_t starter = 0;   // schemas::StarterStatus
  std::uint16_t start_quarter = 0;
  std::uint16_t end_quarter = 0;
  PartyStatus status = PartyStatus::kActive;
  bool personal_data_erased = false;
  std::uint64_t event_count = 0;
  std::uint64_t last_sequence = 0;
  log::Hash last_hash{};
  std::int64_t first_recorded_us = 0;
  std::int64_t last_recorded_us = 0;
};

class PartiesProjection final : public Projection {
 public:
  PartiesProjection() : cache_(Cf::kParties) {}
  std::string_view name() const override { return "parties"; }
  Cf cf() const override { return Cf::kParties; }
  Status apply(const log::DecodedEvent& event, const EventPosition& position,
               ApplyContext& context) override;
  void flush(ApplyContext& context) override { cache_.flush(context.sink()); }
  void reset() override { cache_.reset(); }
  void set_write_back(bool on, std::size_t max_entries) override {
    cache_.set_write_back(on, max_entries);
  }

  struct Codec {
    static std::string encode(const PartySummary& p);
    static Result<PartySummary> decode(std::string_view bytes);
  };

 private:
  KeyedCache<PartySummary, Codec> cache_;
};

std::string party_key(schemas::AggregateKind kind, std::string_view key);
Result<std::optional<PartySummary>> read_party(const KvView& view, schemas::AggregateKind kind,
                                               std::string_view key);

}  // namespace kassa::projections
