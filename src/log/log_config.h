#pragma once
// Configuration of the event log: which topics exist, how many partitions
// each has, and where the log lives (Kafka brokers, or a journal folder).
//
// Thread-safety: plain values.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kassa::log {

// The three logs Kassa writes. The numeric values are stored in the
// journal's keys: never renumber.
enum class Topic : uint8_t {
  kPersonEvents = 0,
  kCompanyEvents = 1,
  kQuarantine = 2,
};
inline constexpr Topic kAllTopics[] = {Topic::kPersonEvents, Topic::kCompanyEvents,
                                       Topic::kQuarantine};

// "person.events", "company.events", "quarantine": the part after the prefix.
std::string_view topic_suffix(Topic topic);

// Whether opening the Kafka log creates missing topics (through the admin
// API) or only checks that they exist with the configured partitions.
enum class TopicSetup { kCreate, kVerify };

struct LogConfig {
  // Comma-separated bootstrap servers. Empty: the embedded journal is used.
  std::string brokers;
  // Folder of the embedded journal (a RocksDB database).
  std::string journal_path = "kassa-data/journal";
  // Topic names are "<prefix>.<suffix>": "kassa.person.events" by default;
  // tests use a unique prefix per run.
  std::string topic_prefix = "kassa";
  int32_t person_partitions = 8;
  int32_t company_partitions = 4;
  int32_t quarantine_partitions = 1;
  int16_t replication_factor = 1;
  std::string client_id = "kassad";
  // Upper bound on how long the Kafka producer retries one record before
  // append() reports it as failed.
  std::chrono::milliseconds message_timeout{30'000};
  // How long start-up waits for the brokers (topic creation, metadata).
  std::chrono::milliseconds admin_timeout{30'000};
  TopicSetup topic_setup = TopicSetup::kCreate;
  // Journal only: open the folder read-only (replay's tools). Nothing is
  // written, not even the recovery of the WAL into a table; appends are
  // refused; a partition whose last block cannot be read ends at its last
  // readable record instead of failing the open (JournalLog::scrub names
  // the damage).
  bool read_only = false;
  // Extra librdkafka settings applied last to every client (tests use this
  // for short timeouts).
  std::vector<std::pair<std::string, std::string>> kafka_overrides;

  std::string topic_name(Topic topic) const;
  int32_t partitions(Topic topic) const;
};

}  // namespace kassa::log
