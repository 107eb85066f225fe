#pragma once
// One event as JSON for people: the envelope's facts (id, type, version,
// recorded and decided instants, aggregate, actor, lineage: causation and
// correlation ids, hash, where it was read) and
// its body from the FlatBuffers schema, in business units: amounts as
// "1234.56" beside their cents, days as ISO dates beside their count,
// quarter codes as "2025-Q1" (a yearly bucket as "2025"), UUIDs as text,
// and every Sealed block (personal data) masked as {"sealed": true,
// "key_id": …}. The auditor's raw-events route and `kassa events tail`
// print this one form.
//
// Given a key store (`kassa events tail --keys`: whoever holds the fund's
// keys), each Sealed block is opened as well: {"sealed": true, "key_id": …,
// "opened": {"niss": …, "first_name": …, …}} with only the fields the block
// holds, or "opened": null and "unopened": the rule (KeyErased after an
// erasure, KeyNotFound, SealedOpenFailed for a block that does not
// authenticate).
//
// Thread-safety: reentrant.

#include <nlohmann/json.hpp>

#include "log/event_codec.h"
#include "log/personal_data.h"
#include "projections/projection.h"

namespace kassa::projections {

nlohmann::json event_json(const log::DecodedEvent& event, const EventPosition& position,
                          const log::KeyStore* keys = nullptr);

// 20252 -> "2025-Q2"; 20250 -> "2025" (a yearly bucket); null when neither.
nlohmann::json quarter_bucket_json(std::uint16_t code);

}  // namespace kassa::projections
