#pragma once
// Company account: registration facts, directors (current and past), balance
// sheets, each year's contribution with its 1 %-per-month surcharges and what
// was paid on it, as domain::company_view computes them from the company's
// state; and, for each person, the companies they direct (the company
// answers for its directors' personal contributions). Written by the ledger
// projection with the state. Statement lines are in the statement projection.
//
// Column family "company":
//   'c' [company number]            -> domain::CompanyView
//   'd' [PartyId] 0x00 [company no] -> [from_days i32][to_days i32]

#include <optional>
#include <string>
#include <vector>

#include "domain/company_views.h"
#include "projections/projection.h"

namespace kassa::projections {

struct DirectorOf {
  std::string company_number;
  std::int32_t from_days = 0;
  std::int32_t to_days = 0;  // 0 = still a director
};

void write_company(KvSink& sink, std::string_view number, const domain::CompanyState& state);
std::string encode_company_view(const domain::CompanyView& view);
Result<domain::CompanyView> decode_company_view(std::string_view bytes);

Result<std::optional<domain::CompanyView>> read_company(const KvView& view,
                                                        std::string_view number);
Result<std::vector<DirectorOf>> read_directorships(const KvView& view, std::string_view party_id);

}  // namespace kassa::projections
