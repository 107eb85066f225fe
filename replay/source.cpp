#include "replay/source.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <filesystem>
#include <utility>

#include "log/journal/journal_log.h"
#include "log/kafka/kafka_admin.h"

namespace kassa::replay {

namespace {

constexpr const char* kForms =
    "SOURCE is kafka://HOST:PORT[,HOST:PORT...][?prefix=P], journal://DIR[?prefix=P] or "
    "FILE.kassa";

Error syntax(const std::string& what) {
  return Error::invalid("source", "SourceSyntax", what + " (" + kForms + ")");
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool valid_prefix(std::string_view p) {
  if (p.empty() || p.size() > 100) return false;
  for (char c : p) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// "host:port" with a non-empty host and a port 1..65535.
bool valid_broker(std::string_view b) {
  const auto colon = b.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == b.size()) return false;
  const auto port = b.substr(colon + 1);
  if (port.size() > 5) return false;
  long value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return value >= 1 && value <= 65535;
}

// Splits "rest?prefix=P"; only the prefix parameter exists.
Result<std::pair<std::string, std::string>> split_query(std::string_view rest) {
  const auto q = rest.find('?');
  std::string prefix = "kassa";
  if (q != std::string_view::npos) {
    const auto query = rest.substr(q + 1);
    if (query.rfind("prefix=", 0) != 0 || query.find('&') != std::string_view::npos) {
      return syntax("unknown query \"" + std::string(query) + "\": only ?prefix=P is accepted");
    }
    prefix = std::string(query.substr(7));
    if (!valid_prefix(prefix)) {
      return syntax("topic prefix \"" + prefix + "\" is not 1-100 of [A-Za-z0-9._-]");
    }
    rest = rest.substr(0, q);
  }
  return std::make_pair(std::string(rest), prefix);
}

class LogStream final : public RecordStream {
 public:
  LogStream(log::EventLog& log, std::string description, std::vector<PartitionExtent> extents,
            PartitionCounts counts, uint64_t total, std::vector<log::journal::Damage> skip)
      : log_(log),
        description_(std::move(description)),
        extents_(std::move(extents)),
        counts_(counts),
        total_(total),
        skip_(std::move(skip)) {}

  Result<std::vector<log::StoredRecord>> next(std::size_t max) override {
    while (current_ < extents_.size()) {
      const PartitionExtent& e = extents_[current_];
      if (offset_ >= e.end_offset) {
        ++current_;
        offset_ = 0;
        continue;
      }
      // Step over a damaged range, and stop a read before the next one.
      std::size_t limit = max;
      bool skipped = false;
      for (const log::journal::Damage& d : skip_) {
        if (d.topic != e.topic || d.partition != e.partition) continue;
        const int64_t to = d.to_offset < 0 ? e.end_offset : d.to_offset;
        if (offset_ >= d.from_offset && offset_ < to) {
          offset_ = to;
          skipped = true;
          break;
        }
        if (d.from_offset > offset_) {
          limit = std::min(limit, static_cast<std::size_t>(d.from_offset - offset_));
        }
      }
      if (skipped) continue;
      KASSA_ASSIGN_OR_RETURN(auto batch, log_.read(e.topic, e.partition, offset_, limit,
                                                   std::chrono::milliseconds(200)));
      std::vector<log::StoredRecord> out;
      out.reserve(batch.size());
      for (auto& r : batch) {
        if (r.offset >= e.end_offset) break;  // appended after the snapshot
        offset_ = r.offset + 1;
        out.push_back(std::move(r));
      }
      if (out.empty()) {
        // Nothing below the snapshotted mark: records were deleted
        // (retention) or the log is shorter than it said; move on.
        if (batch.empty()) return Error::unavailable("ReadStalled", describe_position(e));
        offset_ = e.end_offset;
        continue;
      }
      done_ += out.size();
      return out;
    }
    return std::vector<log::StoredRecord>{};
  }

  const PartitionCounts& partition_counts() const override { return counts_; }
  std::vector<PartitionExtent> extents() const override { return extents_; }
  uint64_t progress_total() const override { return total_; }
  uint64_t progress_done() const override { return done_; }
  std::string describe() const override { return description_; }

 private:
  std::string describe_position(const PartitionExtent& e) const {
    return "no record could be read from " + log_.config().topic_name(e.topic) + " partition " +
           std::to_string(e.partition) + " at offset " + std::to_string(offset_) +
           " below its high-water mark " + std::to_string(e.end_offset);
  }

  log::EventLog& log_;
  std::string description_;
  std::vector<PartitionExtent> extents_;
  PartitionCounts counts_;
  uint64_t total_ = 0;
  uint64_t done_ = 0;
  std::size_t current_ = 0;
  int64_t offset_ = 0;
  std::vector<log::journal::Damage> skip_;
};

}  // namespace

std::string SourceSpec::url() const {
  const std::string query = prefix == "kassa" ? "" : "?prefix=" + prefix;
  switch (kind) {
    case SourceKind::kKafka: return "kafka://" + location + query;
    case SourceKind::kJournal: return "journal://" + location + query;
    case SourceKind::kArchive: return location;
  }
  return location;
}

Result<SourceSpec> parse_source(std::string_view text) {
  if (text.empty()) return syntax("empty SOURCE");
  SourceSpec spec;
  if (text.rfind("kafka://", 0) == 0) {
    KASSA_ASSIGN_OR_RETURN(auto split, split_query(text.substr(8)));
    spec.kind = SourceKind::kKafka;
    spec.location = split.first;
    spec.prefix = split.second;
    if (spec.location.empty()) return syntax("kafka:// needs HOST:PORT");
    std::string_view rest = spec.location;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const auto one = rest.substr(0, comma);
      if (!valid_broker(one)) {
        return syntax("\"" + std::string(one) + "\" is not HOST:PORT");
      }
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return spec;
  }
  if (text.rfind("journal://", 0) == 0) {
    KASSA_ASSIGN_OR_RETURN(auto split, split_query(text.substr(10)));
    spec.kind = SourceKind::kJournal;
    spec.location = split.first;
    spec.prefix = split.second;
    if (spec.location.empty()) return syntax("journal:// needs a folder");
    return spec;
  }
  if (text.rfind("file://", 0) == 0) text.remove_prefix(7);
  if (text.find("://") != std::string_view::npos) {
    return syntax("unknown scheme in \"" + std::string(text) + "\"");
  }
  if (!ends_with(text, ".kassa") || text.size() == 6) {
    return syntax("\"" + std::string(text) + "\" is neither a URL nor a FILE.kassa archive");
  }
  spec.kind = SourceKind::kArchive;
  spec.location = std::string(text);
  return spec;
}

Result<std::unique_ptr<RecordStream>> make_log_stream(log::EventLog& log, std::string description,
                                                      std::vector<log::journal::Damage> skip) {
  PartitionCounts counts{};
  std::vector<PartitionExtent> extents;
  uint64_t total = 0;
  for (log::Topic t : log::kAllTopics) {
    counts[static_cast<std::size_t>(t)] = log.partition_count(t);
    for (int32_t p = 0; p < log.partition_count(t); ++p) {
      KASSA_ASSIGN_OR_RETURN(auto hwm, log.high_water_mark(t, p));
      extents.push_back({t, p, hwm});
      total += static_cast<uint64_t>(hwm);
    }
  }
  return std::unique_ptr<RecordStream>(std::make_unique<LogStream>(
      log, std::move(description), std::move(extents), counts, total, std::move(skip)));
}

Result<std::optional<PartitionCounts>> journal_partition_counts(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::path(dir) / "CURRENT", ec)) {
    return std::optional<PartitionCounts>();
  }
  return log::journal::JournalLog::stored_partition_counts(dir);
}

Result<PartitionCounts> kafka_partition_counts(const std::string& brokers,
                                               const std::string& prefix) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const std::pair<const char*, std::string> settings[] = {
      {"bootstrap.servers", brokers},
      {"client.id", "kassa-replay"},
      {"allow.auto.create.topics", "false"},
      {"log_level", "3"},
  };
  for (const auto& [name, value] : settings) {
    if (rd_kafka_conf_set(conf, name, value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Error::invalid("source", "KafkaSetting", err);
    }
  }
  // A consumer handle: metadata requests of a producer may create topics.
  log::kafka::use_structured_log(conf);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (rk == nullptr) return Error::unavailable("KafkaClient", err);
  std::unique_ptr<rd_kafka_t, void (*)(rd_kafka_t*)> handle(rk, rd_kafka_destroy);
  log::LogConfig names;
  names.topic_prefix = prefix;
  PartitionCounts counts{};
  for (log::Topic t : log::kAllTopics) {
    const std::string topic = names.topic_name(t);
    auto n = log::kafka::broker_partition_count(rk, topic, std::chrono::seconds(10));
    if (!n.ok()) {
      if (n.error().message.find("Unknown topic") != std::string::npos ||
          n.error().message.find("unknown topic") != std::string::npos) {
        std::string message = "topic " + topic;
        message += " does not exist on " + brokers;
        return Error::not_found("TopicMissing", std::move(message));
      }
      return n.error();
    }
    counts[static_cast<std::size_t>(t)] = *n;
  }
  return counts;
}

log::LogConfig log_config_for(const SourceSpec& spec, const PartitionCounts& counts,
                              log::TopicSetup setup) {
  log::LogConfig config;
  if (spec.kind == SourceKind::kKafka) {
    config.brokers = spec.location;
  } else {
    config.journal_path = spec.location;
  }
  config.topic_prefix = spec.prefix;
  config.person_partitions = counts[0];
  config.company_partitions = counts[1];
  config.quarantine_partitions = counts[2];
  config.topic_setup = setup;
  config.client_id = "kassa-replay";
  return config;
}

Result<std::unique_ptr<log::EventLog>> open_existing_log(const SourceSpec& spec) {
  KASSA_ASSERT(spec.kind != SourceKind::kArchive, "an archive is not a log");
  PartitionCounts counts{};
  if (spec.kind == SourceKind::kJournal) {
    KASSA_ASSIGN_OR_RETURN(auto stored, journal_partition_counts(spec.location));
    if (!stored.has_value()) {
      return Error::not_found("JournalMissing", "no journal at " + spec.location);
    }
    counts = *stored;
  } else {
    KASSA_ASSIGN_OR_RETURN(auto found, kafka_partition_counts(spec.location, spec.prefix));
    counts = found;
  }
  log::LogConfig config = log_config_for(spec, counts, log::TopicSetup::kVerify);
  config.read_only = true;
  return log::open_event_log(config);
}

}  // namespace kassa::replay
