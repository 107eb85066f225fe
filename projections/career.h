#pragma once
// Pension career per person (DOMAIN.md §8): each quarter counted,
// assimilated or not counted and why, as domain::career_view computes it
// from the person's state (regularised years included). Written by the
// ledger projection with the state.
//
// Column family "career":
//   [kind tag][PartyId] -> every quarter of the person, in order
// A quarter whose year the rulebook does not know keeps status_known=false
// (reported as "unknown"), never a guess.

#include <optional>
#include <string>
#include <vector>

#include "domain/person_views.h"
#include "projections/projection.h"

namespace kassa::projections {

using Career = std::vector<domain::CareerQuarterView>;

void write_career(KvSink& sink, std::string_view party_id, const domain::PersonState& state,
                  const domain::Rulebook& rulebook);
std::string encode_career(const Career& career);
Result<Career> decode_career(std::string_view bytes);

Result<std::optional<Career>> read_career(const KvView& view, std::string_view party_id);

}  // namespace kassa::projections
