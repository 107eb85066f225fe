#include "log/event_log.h"

#include "log/journal/journal_log.h"
#include "log/kafka/kafka_log.h"

namespace kassa::log {

std::string_view topic_suffix(Topic topic) {
  switch (topic) {
    case Topic::kPersonEvents: return "person.events";
    case Topic::kCompanyEvents: return "company.events";
    case Topic::kQuarantine: return "quarantine";
  }
  KASSA_ASSERT(false, "unknown topic");
}

std::string LogConfig::topic_name(Topic topic) const {
  return topic_prefix + "." + std::string(topic_suffix(topic));
}

int32_t LogConfig::partitions(Topic topic) const {
  switch (topic) {
    case Topic::kPersonEvents: return person_partitions;
    case Topic::kCompanyEvents: return company_partitions;
    case Topic::kQuarantine: return quarantine_partitions;
  }
  KASSA_ASSERT(false, "unknown topic");
}

uint32_t murmur2(std::string_view data) {
  // Kafka computes in Java ints; unsigned arithmetic gives the same bits.
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const auto length = static_cast<uint32_t>(data.size());
  constexpr uint32_t kSeed = 0x9747b28c;
  constexpr uint32_t kM = 0x5bd1e995;
  constexpr int kR = 24;
  uint32_t h = kSeed ^ length;
  const uint32_t length4 = length / 4;
  for (uint32_t i = 0; i < length4; ++i) {
    const uint32_t i4 = i * 4;
    uint32_t k = static_cast<uint32_t>(p[i4]) | (static_cast<uint32_t>(p[i4 + 1]) << 8) |
                 (static_cast<uint32_t>(p[i4 + 2]) << 16) |
                 (static_cast<uint32_t>(p[i4 + 3]) << 24);
    k *= kM;
    k ^= k >> kR;
    k *= kM;
    h *= kM;
    h ^= k;
  }
  const uint32_t tail = length & ~3u;
  switch (length % 4) {
    case 3: h ^= static_cast<uint32_t>(p[tail + 2]) << 16; [[fallthrough]];
    case 2: h ^= static_cast<uint32_t>(p[tail + 1]) << 8; [[fallthrough]];
    case 1:
      h ^= static_cast<uint32_t>(p[tail]);
      h *= kM;
      break;
    default: break;
  }
  h ^= h >> 13;
  h *= kM;
  h ^= h >> 15;
  return h;
}

int32_t partition_for_key(std::string_view key, int32_t partitions) {
  KASSA_ASSERT(partitions > 0, "partition count must be positive");
  return static_cast<int32_t>((murmur2(key) & 0x7fffffffu) % static_cast<uint32_t>(partitions));
}

std::string quarantine_key(const LogConfig& config, Topic topic, int32_t partition,
                           int64_t offset) {
  return config.topic_name(topic) + "/" + std::to_string(partition) + "/" + std::to_string(offset);
}

Result<std::unique_ptr<EventLog>> open_event_log(const LogConfig& config) {
  if (config.brokers.empty()) {
    KASSA_ASSIGN_OR_RETURN(auto journal, journal::JournalLog::open(config));
    return std::unique_ptr<EventLog>(std::move(journal));
  }
  KASSA_ASSIGN_OR_RETURN(auto kafka, kafka::KafkaLog::open(config));
  return std::unique_ptr<EventLog>(std::move(kafka));
}

}  // namespace kassa::log
