#pragma once
// `kassa replay rebuild` and `kassa replay diff`: every projection rebuilt
// from the event history into a fresh store by the service's own projector
// (projections::Projector over make_projections), its checksums printed; and
// two stores compared projection by projection.
//
// The log is wrapped in a ReadOnlyLog: nothing is ever written to the source
// (records the projector would quarantine are counted in memory instead). An
// archive is first imported into a temporary journal beside the target
// (<into>.source-journal, removed afterwards), since an import reproduces the
// topic/partition/offset layout the projections record.
//
// Checksums (projections::Store::checksum): BLAKE2b-256 over every key/value
// pair of a projection's column family in key order — the same history gives
// the same checksums whatever the batching, machine or source (Kafka, journal
// or archive).
//
// Thread-safety: functions are reentrant; they run the projector on the
// calling thread.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/result.h"
#include "log/personal_data.h"
#include "projections/niss_index.h"
#include "projections/store.h"
#include "replay/progress.h"
#include "replay/source.h"

namespace kassa::replay {

struct ProjectionChecksum {
  std::string name;
  std::string checksum;  // hex BLAKE2b-256
};

struct RebuildOptions {
  // The as-of rebuild (`--at`, `--known-at`): only events effective up to
  // this date (days since 1970-01-01) and recorded up to this instant (UTC
  // microseconds) reach the projections — projections::AsOf::admits, the
  // rule of the HTTP routes' ?at= / ?known_at=. Every record is still read
  // and chain-verified and the offsets advance past the events left out, so
  // the events kept keep their topic/partition/offset.
  std::optional<int32_t> at_days;
  std::optional<int64_t> known_at_us;
  // The key store and NISS secret of the fund, for the NISS index; without
  // them the "niss" projection stays empty (and its checksum differs from a
  // live store's).
  const log::KeyStore* keys = nullptr;
  projections::NissSecret niss_secret{};
  std::size_t max_batch = 65536;  // events per batch (one SST ingestion each)
  std::uint32_t passes = 0;       // rebuild passes (projections/rebuild.h); 0: by the log's size
};

struct RebuildSummary {
  std::vector<ProjectionChecksum> checksums;  // projections::kChecksummedCfs order
  uint64_t records = 0;                       // records consumed
  uint64_t applied = 0;                       // events the projections saw
  uint64_t left_out = 0;                      // verified events outside --at / --known-at
  uint64_t quarantined = 0;                   // would have been quarantined (not written anywhere)
  uint64_t skipped = 0;                       // exact redeliveries
  uint32_t passes = 0;                        // rebuild passes over the log (projections/rebuild.h)
  std::vector<log::Position> cut;             // where each partition ended (next offsets)
  std::optional<int32_t> at_days;
  std::optional<int64_t> known_at_us;
  bool niss_index = false;
  double seconds = 0;
};

// Rebuilds into `into`, which must not exist or be an empty folder
// (kConflict, "StoreNotEmpty"). Errors from the source as verify's; a halt
// of the projector (a newer schema version) is returned as its error.
Result<RebuildSummary> rebuild(const SourceSpec& from, const std::string& into,
                               const RebuildOptions& options, Progress* progress);

Result<std::vector<ProjectionChecksum>> store_checksums(const projections::Store& store);

// Opens an existing projection store (kNotFound, "StoreMissing", if `dir`
// holds none; never creates one).
Result<std::unique_ptr<projections::Store>> open_existing_store(const std::string& dir);

enum class KeyDifference { kOnlyLive, kOnlyRebuilt, kValueDiffers };

struct DifferingKey {
  std::string key;  // printable: ASCII as is, other bytes as \xNN
  KeyDifference difference = KeyDifference::kValueDiffers;
};

struct ProjectionDiff {
  std::string name;
  std::string live_checksum;
  std::string rebuilt_checksum;
  uint64_t only_live = 0;
  uint64_t only_rebuilt = 0;
  uint64_t value_differs = 0;
  std::vector<DifferingKey> first;  // the first differing keys, in key order
  bool equal() const { return only_live == 0 && only_rebuilt == 0 && value_differs == 0; }
};

struct DiffReport {
  std::vector<ProjectionDiff> projections;
  bool equal() const;
};

// Compares every checksummed projection of two stores key by key and names
// the first `max_keys` differing keys of each.
Result<DiffReport> diff_stores(const std::string& live_dir, const std::string& rebuilt_dir,
                               std::size_t max_keys);

std::string printable_key(std::string_view key);
std::string_view to_string(KeyDifference difference);

}  // namespace kassa::replay
