// import_archive: an archive back into an empty journal or empty topics,
// offset for offset (declared in archive.h).
#include <algorithm>

#include "replay/archive.h"

namespace kassa::replay {

namespace {

std::string where(log::Topic topic, int32_t partition) {
  return std::string(log::topic_suffix(topic)) + "/" + std::to_string(partition);
}

std::string join(const std::vector<std::string>& lines, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < lines.size() && i < max; ++i) out += "\n  " + lines[i];
  if (lines.size() > max) out += "\n  ... and " + std::to_string(lines.size() - max) + " more";
  return out;
}

Result<std::unique_ptr<log::EventLog>> open_empty_target(const SourceSpec& target,
                                                         const PartitionCounts& counts) {
  std::optional<PartitionCounts> existing;
  if (target.kind == SourceKind::kJournal) {
    KASSA_ASSIGN_OR_RETURN(auto stored, journal_partition_counts(target.location));
    existing = stored;
  } else {
    auto found = kafka_partition_counts(target.location, target.prefix);
    if (found.ok()) {
      existing = *found;
    } else if (found.error().rule != "TopicMissing") {
      return found.error();
    }
  }
  if (existing && *existing != counts) {
    return Error::conflict(
        "PartitionCount",
        target.url() + " has " + std::to_string((*existing)[0]) + "/" +
            std::to_string((*existing)[1]) + "/" + std::to_string((*existing)[2]) +
            " person/company/quarantine partitions, the archive " + std::to_string(counts[0]) +
            "/" + std::to_string(counts[1]) + "/" + std::to_string(counts[2]));
  }
  KASSA_ASSIGN_OR_RETURN(
      auto log, log::open_event_log(log_config_for(target, counts, log::TopicSetup::kCreate)));
  for (log::Topic t : log::kAllTopics) {
    for (int32_t p = 0; p < counts[static_cast<std::size_t>(t)]; ++p) {
      KASSA_ASSIGN_OR_RETURN(auto hwm, (log)->high_water_mark(t, p));
      if (hwm != 0) {
        return Error::conflict("TargetNotEmpty",
                               target.url() + " is not empty: " + where(t, p) +
                                   " holds records up "
                                   "to offset " +
                                   std::to_string(hwm - 1) +
                                   "; import only into an empty journal or empty topics");
      }
    }
  }
  return log;
}

// Appends consecutive records of one topic, grouped by aggregate key, and
// checks that each lands at its archived offset.
class Appender {
 public:
  explicit Appender(log::EventLog& log) : log_(log) {}

  Status add(const log::StoredRecord& r) {
    if (r.topic == log::Topic::kQuarantine) {
      KASSA_TRY(flush());
      return add_quarantine(r);
    }
    if (!pending_.empty() && pending_.front().topic != r.topic) KASSA_TRY(flush());
    pending_.push_back(r);
    if (pending_.size() >= 500) return flush();
    return {};
  }

  Status flush() {
    if (pending_.empty()) return {};
    const log::Topic topic = pending_.front().topic;
    std::vector<log::Record> records;
    records.reserve(pending_.size());
    for (const auto& r : pending_) records.push_back({r.value, r.event_type, r.schema_version});
    std::vector<log::KeyedBatch> batches;
    std::size_t begin = 0;
    for (std::size_t i = 1; i <= pending_.size(); ++i) {
      if (i == pending_.size() || pending_[i].key != pending_[begin].key) {
        batches.push_back(
            {pending_[begin].key, std::span<const log::Record>(records.data() + begin, i - begin)});
        begin = i;
      }
    }
    KASSA_ASSIGN_OR_RETURN(auto offsets, log_.append_many(topic, batches));
    std::size_t i = 0;
    for (const auto& batch_offsets : offsets) {
      for (int64_t offset : batch_offsets) {
        const log::StoredRecord& r = pending_[i++];
        const int32_t partition = log_.partition_for(topic, r.key);
        if (offset != r.offset || partition != r.partition) {
          return Error::violation(
              "OffsetLayout", "the record archived at " + where(r.topic, r.partition) + " offset " +
                                  std::to_string(r.offset) + " landed at " +
                                  where(topic, partition) + " offset " + std::to_string(offset));
        }
      }
    }
    events_ += pending_.size();
    pending_.clear();
    return {};
  }

  uint64_t events() const { return events_; }
  uint64_t quarantined() const { return quarantined_; }

 private:
  Status add_quarantine(const log::StoredRecord& r) {
    if (!r.quarantine) {
      return Error::corrupt("ArchiveQuarantine", "quarantine record at offset " +
                                                     std::to_string(r.offset) + " has no origin");
    }
    log::StoredRecord original;
    original.topic = r.quarantine->source_topic;
    original.partition = r.quarantine->source_partition;
    original.offset = r.quarantine->source_offset;
    original.value = r.value;
    original.event_type = r.event_type;
    original.schema_version = r.schema_version;
    const std::string key =
        log::quarantine_key(log_.config(), original.topic, original.partition, original.offset);
    if (log_.partition_for(log::Topic::kQuarantine, key) != r.partition) {
      return Error::violation("OffsetLayout",
                              "a quarantine record would move partitions under topic prefix \"" +
                                  log_.config().topic_prefix +
                                  "\"; import it under the prefix it was exported from");
    }
    KASSA_TRY(log_.append_quarantine(original, r.quarantine->reason));
    ++quarantined_;
    return {};
  }

  log::EventLog& log_;
  std::vector<log::StoredRecord> pending_;
  uint64_t events_ = 0;
  uint64_t quarantined_ = 0;
};

}  // namespace

Result<ImportSummary> import_archive(const std::string& path, const SourceSpec& target,
                                     Progress* progress) {
  if (target.kind == SourceKind::kArchive) {
    return Error::invalid("into", "ImportTarget", "import goes into kafka://... or journal://...");
  }
  // First pass: the whole file must verify before anything is written.
  KASSA_ASSIGN_OR_RETURN(auto check, check_archive(path, nullptr));
  if (!check.ok()) {
    std::vector<std::string> problems = check.structure_problems;
    if (!check.file_hash_ok) {
      problems.push_back("file hash " + check.file_hash_computed + " differs from the trailer's " +
                         (check.file_hash_stored.empty() ? "(none)" : check.file_hash_stored));
    }
    problems.insert(problems.end(), check.manifest_problems.begin(), check.manifest_problems.end());
    return Error::corrupt("ArchiveUnverified",
                          path + " does not verify; nothing was imported:" + join(problems, 20));
  }
  const ArchiveManifestInfo& manifest = *check.manifest;
  for (const PartitionStats& st : manifest.summaries) {
    if (st.count == 0) continue;
    if (st.first_offset != 0 || st.last_offset != static_cast<int64_t>(st.count) - 1) {
      return Error::violation(
          "OffsetLayout",
          where(st.topic, st.partition) + " holds offsets " + std::to_string(st.first_offset) +
              ".." + std::to_string(st.last_offset) + " (" + std::to_string(st.count) +
              " records); an import reproduces only logs whose offsets run 0, 1, 2, ...");
    }
  }

  KASSA_ASSIGN_OR_RETURN(auto log, open_empty_target(target, manifest.partitions));
  KASSA_ASSIGN_OR_RETURN(auto reader, ArchiveReader::open(path));
  Appender appender(*log);
  for (;;) {
    KASSA_ASSIGN_OR_RETURN(auto batch, (reader)->next(1000));
    if (batch.empty()) break;
    for (const log::StoredRecord& r : batch) KASSA_TRY(appender.add(r));
    if (progress != nullptr) {
      progress->update((reader)->progress_done(), (reader)->progress_total(),
                       appender.events() + appender.quarantined());
    }
  }
  KASSA_TRY(appender.flush());
  if (!(reader)->check().ok()) {
    return Error::corrupt("ArchiveUnverified", path + " changed while it was imported");
  }
  for (const PartitionStats& st : manifest.summaries) {
    KASSA_ASSIGN_OR_RETURN(auto hwm, (log)->high_water_mark(st.topic, st.partition));
    if (hwm != static_cast<int64_t>(st.count)) {
      return Error::violation("OffsetLayout", where(st.topic, st.partition) + " ends at " +
                                                  std::to_string(hwm) + ", the archive at " +
                                                  std::to_string(st.count));
    }
  }
  ImportSummary summary;
  summary.events = appender.events();
  summary.quarantined = appender.quarantined();
  if (progress != nullptr) summary.seconds = progress->finish(summary.events + summary.quarantined);
  return summary;
}

}  // namespace kassa::replay
