#pragma once
// The yearly tax certificate per person: what was paid in each calendar
// year (by the payments' value dates) of contributions, management fees and
// regularisation supplements (deductible), and separately of surcharges and
// costs; regularisation refunds reduce the year they were paid in. The
// figures are the person's state's (domain::PaidInYear), written by the
// ledger projection with the state.
//
// Column family "tax":
//   [kind tag][PartyId] -> the years

#include <map>
#include <optional>
#include <string>

#include "domain/person_state.h"
#include "projections/projection.h"

namespace kassa::projections {

using TaxRecord = std::map<int, domain::PaidInYear>;

void write_tax(KvSink& sink, std::string_view party_id, const domain::PersonState& state);
std::string encode_tax(const TaxRecord& record);
Result<TaxRecord> decode_tax(std::string_view bytes);

Result<std::optional<TaxRecord>> read_tax(const KvView& view, std::string_view party_id);

}  // namespace kassa::projections
