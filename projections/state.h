#pragma once
// The aggregate state column family: PartyId -> the write side's PersonState
// (domain::evolve folded over the person's events), as a snapshot
// (domain/snapshot.h). The write side reads a person's state from here
// instead of folding their whole history; the debt and career read models
// stay separate projections (cheaper to read, shaped for queries).
//
// Column family "state":
//   [kind tag 'P'][PartyId] -> snapshot bytes ("KST1")
//
// An event that evolve() refuses (it cannot happen for events the write side
// decided; it can for hand-made ones) leaves the state unchanged except its
// last_sequence, is logged with the PartyId and the rule, and the projector
// goes on: the read models do not depend on this state.

#include "domain/person_state.h"
#include "projections/projection.h"

namespace kassa::projections {

class StateProjection final : public Projection {
 public:
  StateProjection() : cache_(Cf::kState, 50'000) {}
  std::string_view name() const override { return "state"; }
  Cf cf() const override { return Cf::kState; }
  Status apply(const log::DecodedEvent& event, const EventPosition& position,
               ApplyContext& context) override;
  void flush(ApplyContext& context) override { cache_.flush(context.sink()); }
  void reset() override { cache_.reset(); }

  struct Codec {
    static std::string encode(const domain::PersonState& state);
    static Result<domain::PersonState> decode(std::string_view bytes);
  };

  std::uint64_t refused() const { return refused_; }

 private:
  KeyedCache<domain::PersonState, Codec> cache_;
  std::uint64_t refused_ = 0;
};

Result<std::optional<domain::PersonState>> read_person_state(const KvView& view,
                                                             std::string_view party_id);

}  // namespace kassa::projections
