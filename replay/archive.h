#pragma once
// The replay archive (FILE.kassa): export a source's whole history into one
// self-contained file, read it back as a RecordStream, check its file hash
// and manifest, and import it into an empty journal or empty topics. The
// layout is drawn in replay/README.md; the schema is schemas/archive.fbs.
//
// Every frame is archived byte for byte as the log stored it, corrupt or
// not: the archive is evidence, and `verify` judges it.
//
// Thread-safety: ArchiveWriter and ArchiveReader are used by one thread at a
// time; the free functions are reentrant.

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "domain/result.h"
#include "log/event_codec.h"
#include "log/event_log.h"
#include "replay/progress.h"
#include "replay/source.h"

namespace kassa::replay {

inline constexpr uint16_t kArchiveFormatVersion = 1;
// "KAT1" + u32 LE 32 + BLAKE2b-256 of every byte before the trailer.
inline constexpr std::size_t kTrailerSize = 40;
inline constexpr uint32_t kMaxArchiveRecord = 8u << 20;

// head' = BLAKE2b-256(head || offset i64 LE || frame length u32 LE || frame).
void advance_hash_head(log::Hash& head, int64_t offset, std::span<const uint8_t> frame);

std::string to_hex(const log::Hash& hash);

// What one partition held, in order: the archive manifest's line for it, and
// what verify prints for any source.
struct PartitionStats {
  log::Topic topic = log::Topic::kPersonEvents;
  int32_t partition = 0;
  uint64_t count = 0;
  int64_t first_offset = -1;
  int64_t last_offset = -1;
  log::Hash hash_head{};
  uint64_t aggregates = 0;  // distinct record keys
};

// Accumulates PartitionStats over records read in order.
class PartitionTally {
 public:
  explicit PartitionTally(const PartitionCounts& counts);
  // Returns a problem description if the record is out of place (unknown
  // partition, offset not above the previous one), else empty.
  std::string add(const log::StoredRecord& record);
  std::vector<PartitionStats> stats() const;  // topic, then partition
  std::vector<uint16_t> schema_versions() const;
  uint64_t total() const { return total_; }

 private:
  struct Entry {
    PartitionStats stats;
    std::unordered_set<std::string> keys;
  };
  std::map<std::pair<int, int32_t>, Entry> entries_;
  std::map<uint16_t, bool> versions_;
  uint64_t total_ = 0;
};

struct ArchiveHeaderInfo {
  uint16_t format_version = 0;
  int64_t created_at_us = 0;
  std::string source;
  std::string tool_version;
  PartitionCounts partitions{};
};

struct ArchiveManifestInfo {
  int64_t created_at_us = 0;
  int64_t finished_at_us = 0;
  std::string source;
  PartitionCounts partitions{};
  std::vector<PartitionStats> summaries;
  uint64_t total_events = 0;
  std::vector<uint16_t> schema_versions;
};

// What the reader found about the file itself (as opposed to its events).
struct ArchiveCheck {
  std::optional<ArchiveHeaderInfo> header;
  std::optional<ArchiveManifestInfo> manifest;
  std::vector<std::string> structure_problems;  // framing, unreadable records
  bool file_hash_ok = false;
  std::string file_hash_stored;                // hex, from the trailer
  std::string file_hash_computed;              // hex
  std::vector<std::string> manifest_problems;  // manifest vs the records
  bool ok() const {
    return structure_problems.empty() && file_hash_ok && manifest_problems.empty() &&
           header.has_value() && manifest.has_value();
  }
};

struct ExportOptions {
  std::string source_url;
  std::string tool_version;
  int64_t created_at_us = 0;  // 0: now
};

struct ExportSummary {
  uint64_t events = 0;
  uint64_t bytes = 0;
  std::string file_hash;  // hex
  std::vector<PartitionStats> partitions;
  double seconds = 0;
};

// Writes `in` to `path` (through "<path>.partial", renamed when complete and
// synced). Refuses an existing `path` (kConflict, "ArchiveExists").
Result<ExportSummary> export_archive(RecordStream& in, const std::string& path,
                                     const ExportOptions& options, Progress* progress);

// Reads an archive sequentially. next() yields its event records; damaged
// records are skipped and described in check(). check() is complete once
// next() returned an empty batch.
class StreamHash;

class ArchiveReader final : public RecordStream {
 public:
  ~ArchiveReader() override;
  // Errors: kNotFound (no such file), kCorrupt ("ArchiveHeader": not an
  // archive at all: too short, or the first record is no ArchiveHeader).
  static Result<std::unique_ptr<ArchiveReader>> open(const std::string& path);

  Result<std::vector<log::StoredRecord>> next(std::size_t max) override;
  const PartitionCounts& partition_counts() const override { return counts_; }
  std::vector<PartitionExtent> extents() const override;
  uint64_t progress_total() const override { return size_; }
  uint64_t progress_done() const override { return position_; }
  std::string describe() const override { return path_; }

  const ArchiveCheck& check() const { return check_; }
  bool finished() const { return finished_; }

 private:
  explicit ArchiveReader(std::string path);
  // Reads one length-prefixed record into `buf`; false at the trailer or on
  // a framing error (recorded in check_).
  bool read_record(std::vector<uint8_t>& buf);
  void finish();

  std::string path_;
  std::ifstream in_;
  uint64_t size_ = 0;
  uint64_t position_ = 0;
  uint64_t records_ = 0;
  PartitionCounts counts_{};
  std::unique_ptr<PartitionTally> tally_;
  std::unique_ptr<StreamHash> hash_;  // BLAKE2b over every byte read
  ArchiveCheck check_;
  bool finished_ = false;
};

// Reads the whole archive once and returns what check() found.
Result<ArchiveCheck> check_archive(const std::string& path, Progress* progress);

struct ImportSummary {
  uint64_t events = 0;       // person + company records
  uint64_t quarantined = 0;  // quarantine records
  double seconds = 0;
};

// Imports an archive into an empty journal or empty topics, reproducing the
// topic / partition / offset layout. Refuses (kCorrupt, "ArchiveUnverified")
// an archive whose file hash or manifest does not verify; (kConflict,
// "TargetNotEmpty") a target holding any record; (kConflict,
// "PartitionCount") a target whose partition counts differ; (kRuleViolation,
// "OffsetLayout") an archive whose offsets do not run 0, 1, 2... (a log
// trimmed by retention cannot be reproduced offset for offset).
Result<ImportSummary> import_archive(const std::string& path, const SourceSpec& target,
                                     Progress* progress);

}  // namespace kassa::replay
