#pragma once
// SOURCE URLs of `kassa replay` and the record streams behind them.
//
//   kafka://HOST:PORT[,HOST:PORT...][?prefix=P]   Kassa's topics on a broker
//   journal://DIR[?prefix=P]                      an embedded journal folder
//   FILE.kassa  (or file://FILE.kassa)            a replay archive
//
// `prefix` selects the topic names "<P>.person.events", "<P>.company.events"
// and "<P>.quarantine" (default "kassa"); tests use a unique one per run.
// journal://rel/dir is relative to the working directory, journal:///abs/dir
// absolute.
//
// A RecordStream yields every stored record of a source in a fixed order:
// person events, company events, quarantine; partition by partition; offsets
// ascending. A log source snapshots each partition's high-water mark when it
// opens and reads up to it, so a live log being appended to still gives a
// well-defined history.
//
// Thread-safety: a RecordStream is used by one thread at a time.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"
#include "log/event_log.h"
#include "log/journal/journal_log.h"

namespace kassa::replay {

enum class SourceKind { kKafka, kJournal, kArchive };

struct SourceSpec {
  SourceKind kind = SourceKind::kJournal;
  std::string location;  // brokers, journal folder or archive path
  std::string prefix = "kassa";
  std::string url() const;  // canonical form, for reports (no credentials)
};

// Partition counts of the three topics, indexed by log::Topic.
using PartitionCounts = std::array<int32_t, 3>;

// Parses a SOURCE. Errors (kInvalidArgument, rule "SourceSyntax") name the
// accepted forms.
Result<SourceSpec> parse_source(std::string_view text);

// One partition of a source and how many records a stream will read from it
// (-1 when only known at the end, as for an archive).
struct PartitionExtent {
  log::Topic topic = log::Topic::kPersonEvents;
  int32_t partition = 0;
  int64_t end_offset = -1;  // the high-water mark snapshotted at open
};

class RecordStream {
 public:
  virtual ~RecordStream() = default;
  // Up to `max` records; an empty vector once every record was delivered.
  virtual Result<std::vector<log::StoredRecord>> next(std::size_t max) = 0;
  virtual const PartitionCounts& partition_counts() const = 0;
  virtual std::vector<PartitionExtent> extents() const = 0;
  // Progress in the stream's own unit (records or bytes): done / total.
  virtual uint64_t progress_total() const = 0;
  virtual uint64_t progress_done() const = 0;
  virtual std::string describe() const = 0;
};

// Reads an EventLog partition by partition up to the high-water marks taken
// when it was made. `skip` names damaged ranges the stream steps over
// (verify reports them itself; nothing else passes any).
// REQUIRES: `log` outlives the stream.
Result<std::unique_ptr<RecordStream>> make_log_stream(log::EventLog& log, std::string description,
                                                      std::vector<log::journal::Damage> skip = {});

// The partition counts stored in an existing journal folder, or nullopt if
// the folder holds no journal. Opens the database read-only.
Result<std::optional<PartitionCounts>> journal_partition_counts(const std::string& dir);

// The partition counts of Kassa's topics on a broker (kNotFound, rule
// "TopicMissing", when a topic does not exist; never creates one).
Result<PartitionCounts> kafka_partition_counts(const std::string& brokers,
                                               const std::string& prefix);

// The LogConfig that opens a Kafka or journal source with the given
// partition counts.
log::LogConfig log_config_for(const SourceSpec& spec, const PartitionCounts& counts,
                              log::TopicSetup setup);

// Opens an existing Kafka or journal source for reading (never creates
// topics or a journal; a journal is opened read-only, so nothing in its
// folder changes). Errors: kNotFound (no journal / topics there).
Result<std::unique_ptr<log::EventLog>> open_existing_log(const SourceSpec& spec);

}  // namespace kassa::replay
