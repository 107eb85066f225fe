#pragma once
// Finding a person's file by name, and reading the person's identity: the
// read side of the name index (projections/niss_index.h, keys 'n', 'w',
// 's'). Names are sealed in the log and never stored in clear: a search
// hashes the words staff typed with the fund's secret and intersects the
// persons indexed under each; the identity is opened from the person's own
// sealed blocks with their data key, so an erased person has none.
//
// Thread-safety: free functions over a KvView (a snapshot); call from any
// thread.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "log/personal_data.h"
#include "projections/niss_index.h"

namespace kassa::projections {

struct NameMatches {
  std::vector<std::string> parties;  // PartyIds, in key order
  bool more = false;                 // further persons match
};

// The persons indexed under every one of `words` (folded, domain::name_words;
// REQUIRES: not empty), at most `limit`.
Result<NameMatches> find_parties_by_name(const KvView& view, const NissSecret& secret,
                                         const std::vector<std::string>& words, std::size_t limit);

struct Identity {
  std::uint32_t member_number = 0;  // from the registration (not personal)
  // The registration's sealed block, overlaid with each change's fields in
  // order; nullopt once the personal data was erased (or never opened).
  std::optional<schemas::PersonalDataT> data;
};

// The identity of a registered person; nullopt when none is registered
// under this PartyId. Errors: the store's, kUnavailable from the key store,
// kCorrupt for a sealed block that does not open with the person's key.
Result<std::optional<Identity>> read_identity(const KvView& view, const log::KeyStore& keys,
                                              std::string_view party);

}  // namespace kassa::projections
