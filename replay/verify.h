#pragma once
// `kassa replay verify`: reads every record of a source and checks, without
// trusting whoever wrote it:
//   * each frame (decode_event: magic, length, BLAKE2b-256, FlatBuffers
//     verifier, schema version, known type);
//   * each aggregate's chain (ChainVerifier: sequence 1, 2, 3... and
//     prev_hash = the previous event's hash);
//   * the record key and headers against the envelope, and the topic
//     against the aggregate kind, as log::verify_record does (a failure
//     breaks the aggregate's chain, as a reader quarantines the record);
//   * the partition against the key (Kafka's partitioner);
//   * for an archive, its structure, trailer file hash and manifest.
// A journal is first scrubbed (JournalLog::scrub): every block's checksum
// and every frame; each damaged range is reported with its topic,
// partition and offsets, and the records around it are verified as usual
// (the aggregates whose events were lost show as broken chains).
// It never stops at the first error: every failure is reported with its
// topic, partition, offset, event id and rule; later events of an aggregate
// whose chain broke are reported as following a broken chain (rule
// FollowsBrokenChain) and are not chain-checked. Quarantine records are
// listed (their originals are checked where they stand in their topic).
// An exact redelivery (DuplicateEvent) is listed but is not a failure: the
// log is at-least-once and every reader skips it.
//
// Memory: one chain tip per aggregate plus the distinct keys per partition.
// Thread-safety: functions are reentrant; a report is a value.

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "domain/result.h"
#include "replay/archive.h"
#include "replay/progress.h"
#include "replay/source.h"

namespace kassa::replay {

inline constexpr const char* kFollowsBrokenChain = "FollowsBrokenChain";
inline constexpr const char* kWrongPartition = "WrongPartition";

enum class FindingKind {
  kBreak,      // the event itself fails (frame or chain)
  kFollows,    // a later event of an aggregate whose chain broke
  kHeader,     // the record sits in another partition than its key's
  kDuplicate,  // an exact redelivery (not a failure)
};

struct Finding {
  FindingKind kind = FindingKind::kBreak;
  log::Topic topic = log::Topic::kPersonEvents;
  int32_t partition = 0;
  int64_t offset = -1;
  std::string event_id;            // "" when not even claimed
  bool event_id_verified = false;  // false: read from bytes whose hash failed
  std::string aggregate_key;       // opaque PartyId / company number / "fund"
  uint64_t sequence = 0;           // 0 = unknown
  std::string event_type;
  std::string rule;
  std::string message;
};

struct QuarantinedItem {
  int32_t partition = 0;
  int64_t offset = -1;
  log::Topic source_topic = log::Topic::kPersonEvents;
  int32_t source_partition = -1;
  int64_t source_offset = -1;
  std::string reason;
};

struct PartitionReport {
  PartitionStats stats;
  uint64_t failures = 0;   // kBreak + kHeader
  uint64_t following = 0;  // kFollows
  uint64_t duplicates = 0;
};

struct VerifyReport {
  std::string source;
  std::vector<PartitionReport> partitions;   // every partition of every topic
  std::vector<Finding> findings;             // in log order, capped
  uint64_t findings_total = 0;               // not counting duplicates
  std::vector<QuarantinedItem> quarantined;  // capped
  uint64_t quarantined_total = 0;
  std::optional<ArchiveCheck> archive;       // archive sources only
  std::vector<log::journal::Damage> damage;  // journal sources: unreadable ranges
  uint64_t events = 0;                       // person + company records
  uint64_t aggregates = 0;
  uint64_t broken_aggregates = 0;
  double seconds = 0;

  bool ok() const { return findings_total == 0 && damage.empty() && (!archive || archive->ok()); }
};

inline constexpr std::size_t kMaxListedFindings = 10'000;

// Verifies every record `in` yields. For an archive pass the reader again
// as `archive` to have its file checks in the report.
Result<VerifyReport> verify_stream(RecordStream& in, const ArchiveReader* archive,
                                   Progress* progress);

// Opens SOURCE (existing journal, existing topics or archive) and verifies it.
Result<VerifyReport> verify_source(const SourceSpec& source, Progress* progress);

nlohmann::json to_json(const VerifyReport& report);
void print_report(const VerifyReport& report, std::ostream& out);

std::string_view to_string(FindingKind kind);

}  // namespace kassa::replay
