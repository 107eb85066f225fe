#pragma once
// The aggregate state column family: PartyId -> the write side's PersonState
// and company number -> CompanyState (domain::evolve folded over the
// aggregate's events), as snapshots (domain/snapshot.h). The write side reads a person's state from here
// instead of folding their whole history; the debt and career read models
// stay separate projections (cheaper to read, shaped for queries).
//
// Column family "state":
//   [kind tag 'P'][PartyId]        -> person snapshot bytes ("KST1")
//   [kind tag 'C'][company number] -> company snapshot bytes
//
// An event that evolve() refuses (it cannot happen for events the write side
// decided; it can for hand-made ones) leaves the state unchanged except its
// last_sequence, is logged with the PartyId and the rule, and the projector
// goes on: the read models do not depend on this state.

#include "domain/company_state.h"
#include "domain/person_state.h"
#include "log/chain_verifier.h"
#include "projections/projection.h"

namespace kassa::projections {

class StateProjection final : public Projection {
 public:
  StateProjection() : cache_(Cf::kState, 50'000), companies_(Cf::kState, 10'000) {}
  std::string_view name() const override { return "state"; }
  Cf cf() const override { return Cf::kState; }
  Status apply(const log::DecodedEvent& event, const EventPosition& position,
               ApplyContext& context) override;
  void flush(ApplyContext& context) override {
    cache_.flush(context.sink());
    companies_.flush(context.sink());
  }
  void reset() override {
    cache_.reset();
    companies_.reset();
  }
  void set_write_back(bool on, std::size_t max_entries) override {
    cache_.set_write_back(on, max_entries);
    companies_.set_write_back(on, max_entries);
  }

  struct Codec {
    static std::string encode(const domain::PersonState& state);
    static Result<domain::PersonState> decode(std::string_view bytes);
  };
  struct CompanyCodec {
    static std::string encode(const domain::CompanyState& state);
    static Result<domain::CompanyState> decode(std::string_view bytes);
  };

  std::uint64_t refused() const { return refused_; }

 private:
  KeyedCache<domain::PersonState, Codec> cache_;
  KeyedCache<domain::CompanyState, CompanyCodec> companies_;
  std::uint64_t refused_ = 0;
};

Result<std::optional<domain::PersonState>> read_person_state(const KvView& view,
                                                             std::string_view party_id);

// What the write side's Loader needs: the state and the chain tip (last
// sequence and hash, from the parties summary), read from one snapshot so
// they agree. nullopt: the aggregate has no event yet. For "as of everything
// durable", wait for the projector to reach the log's high-water marks first.
template <typename State>
struct LoadedState {
  State state;
  log::ChainTip tip;
};
Result<std::optional<LoadedState<domain::PersonState>>> load_person(const KvView& view,
                                                                    std::string_view party_id);
Result<std::optional<LoadedState<domain::CompanyState>>> load_company(const KvView& view,
                                                                      std::string_view number);

}  // namespace kassa::projections
