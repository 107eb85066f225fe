#pragma once
// Snapshots of aggregate states as bytes: a FlatBuffer with root
// StateSnapshot, identifier "KST1" (schemas/state.fbs). The projector stores
// them beside its read models and the writer caches them, so a state is not
// folded from the first event every time. A snapshot is derived data: it can
// always be rebuilt from the log, so its format is versioned as a whole
// (kSnapshotFormatVersion) and a reader refuses another version.
//
// Thread-safety: pure functions.

#include <cstdint>
#include <span>
#include <vector>

#include "domain/company_state.h"
#include "domain/person_state.h"
#include "domain/result.h"

namespace kassa::domain {

inline constexpr std::uint16_t kSnapshotFormatVersion = 4;

std::vector<std::uint8_t> serialize(const PersonState& state);

// Verifies the buffer (FlatBuffers verifier + identifier "KST1") before
// reading it. Rules (kCorrupt): "SnapshotInvalid", "SnapshotVersion",
// "SnapshotKind" (the buffer holds another aggregate's state).
Result<PersonState> deserialize_person(std::span<const std::uint8_t> bytes);

std::vector<std::uint8_t> serialize(const CompanyState& state);
Result<CompanyState> deserialize_company(std::span<const std::uint8_t> bytes);

}  // namespace kassa::domain
