#include "log/kafka/kafka_consumer.h"

#include <spdlog/spdlog.h>

#include <charconv>

#include "log/kafka/kafka_admin.h"
#include "log/kafka/kafka_headers.h"

namespace kassa::log::kafka {
namespace {

std::string_view header(rd_kafka_headers_t* hdrs, const char* name) {
  const void* v = nullptr;
  std::size_t size = 0;
  if (hdrs == nullptr ||
      rd_kafka_header_get_last(hdrs, name, &v, &size) != RD_KAFKA_RESP_ERR_NO_ERROR ||
      v == nullptr) {
    return {};
  }
  return {static_cast<const char*>(v), size};
}

template <typename T>
std::optional<T> parse_number(std::string_view s) {
  T v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

StoredRecord to_record(Topic topic, const LogConfig& config, const rd_kafka_message_t* m) {
  StoredRecord rec;
  rec.topic = topic;
  rec.partition = m->partition;
  rec.offset = m->offset;
  if (m->key != nullptr) rec.key.assign(static_cast<const char*>(m->key), m->key_len);
  if (m->payload != nullptr) rec.value.assign(static_cast<const char*>(m->payload), m->len);
  rd_kafka_timestamp_type_t ts_type;
  const int64_t ts_ms = rd_kafka_message_timestamp(m, &ts_type);
  rec.timestamp_us = ts_ms >= 0 ? ts_ms * 1000 : 0;
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(m, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR) hdrs = nullptr;
  rec.event_type = std::string(header(hdrs, kHeaderEventType));
  // A missing or malformed version reads as 0: the verifier rejects it.
  rec.schema_version = parse_number<uint16_t>(header(hdrs, kHeaderSchemaVersion)).value_or(0);
  if (topic == Topic::kQuarantine) {
    QuarantineInfo q;
    q.reason = std::string(header(hdrs, kHeaderReason));
    q.source_topic =
        topic_from_name(config, header(hdrs, kHeaderSourceTopic)).value_or(Topic::kQuarantine);
    q.source_partition = parse_number<int32_t>(header(hdrs, kHeaderSourcePartition)).value_or(-1);
    q.source_offset = parse_number<int64_t>(header(hdrs, kHeaderSourceOffset)).value_or(-1);
    rec.quarantine = std::move(q);
  }
  return rec;
}

}  // namespace

std::optional<Topic> topic_from_name(const LogConfig& config, std::string_view name) {
  for (Topic t : kAllTopics) {
    if (config.topic_name(t) == name) return t;
  }
  return std::nullopt;
}

KafkaSubscription::KafkaSubscription(const LogConfig& config, rd_kafka_t* rk,
                                     std::shared_ptr<KafkaStatsBoard> stats)
    : config_(config), rk_(rk), stats_(std::move(stats)) {}

KafkaSubscription::~KafkaSubscription() {
  const std::string name = rd_kafka_name(rk_);
  (void)rd_kafka_consumer_close(rk_);
  rd_kafka_destroy(rk_);
  if (stats_) stats_->remove(name);
}

int KafkaSubscription::on_stats(rd_kafka_t*, char* json, size_t len, void* opaque) {
  static_cast<KafkaStatsBoard*>(opaque)->update(std::string_view(json, len));
  return 0;  // librdkafka frees `json`
}

Result<std::unique_ptr<KafkaSubscription>> KafkaSubscription::open(
    const LogConfig& config, std::vector<Position> from, std::shared_ptr<KafkaStatsBoard> stats) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::vector<std::pair<std::string, std::string>> settings = {
      {"bootstrap.servers", config.brokers},
      {"client.id", config.client_id + ".reader"},
      // assign() needs a group; nothing joins or commits it.
      {"group.id", config.client_id + ".reader"},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "error"},  // a lost offset is an error, never a silent skip
      {"isolation.level", "read_committed"},
      {"enable.partition.eof", "false"},
      {"fetch.wait.max.ms", "100"},
  };
  // The consumer's state in /metrics (kafka_stats.h).
  if (stats) settings.emplace_back("statistics.interval.ms", "1000");
  for (const auto& kv : config.kafka_overrides) settings.push_back(kv);
  for (const auto& [k, v] : settings) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Error::invalid("kafka", "KafkaConfig", "consumer setting " + k + ": " + err);
    }
  }
  use_structured_log(conf);
  if (stats) {
    rd_kafka_conf_set_stats_cb(conf, &KafkaSubscription::on_stats);
    rd_kafka_conf_set_opaque(conf, stats.get());
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (rk == nullptr) return Error::unavailable("KafkaConsumer", std::string("consumer: ") + err);
  rd_kafka_poll_set_consumer(rk);
  std::unique_ptr<KafkaSubscription> sub(new KafkaSubscription(config, rk, std::move(stats)));
  KASSA_TRY(sub->assign(std::move(from)));
  return sub;
}

Status KafkaSubscription::assign(std::vector<Position> from) {
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(from.size()));
  for (const Position& p : from) {
    rd_kafka_topic_partition_list_add(list, config_.topic_name(p.topic).c_str(), p.partition)
        ->offset = p.offset;
  }
  const rd_kafka_resp_err_t e = rd_kafka_assign(rk_, list);
  rd_kafka_topic_partition_list_destroy(list);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error::unavailable("KafkaAssign", std::string("assign: ") + rd_kafka_err2str(e));
  }
  positions_ = std::move(from);
  return {};
}

Position* KafkaSubscription::position_of(Topic topic, int32_t partition) {
  for (Position& p : positions_) {
    if (p.topic == topic && p.partition == partition) return &p;
  }
  return nullptr;
}

Result<std::vector<StoredRecord>> KafkaSubscription::poll(std::size_t max,
                                                          std::chrono::milliseconds timeout) {
  return collect(max, 1, std::chrono::steady_clock::now() + timeout);
}

Result<std::vector<StoredRecord>> KafkaSubscription::collect(
    std::size_t max, std::size_t min_records, std::chrono::steady_clock::time_point deadline) {
  std::vector<StoredRecord> out;
  while (out.size() < max) {
    int wait_ms = 0;
    if (out.size() < min_records) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 && !out.empty()) break;
      wait_ms = static_cast<int>(std::max<int64_t>(0, left.count()));
    }
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, wait_ms);
    if (m == nullptr) {
      if (wait_ms == 0) break;
      continue;
    }
    std::unique_ptr<rd_kafka_message_t, void (*)(rd_kafka_message_t*)> owned(
        m, rd_kafka_message_destroy);
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (m->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET ||
          m->err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE) {
        return Error::invalid("offset", "OffsetInRange",
                              std::string("reading Kafka: ") + rd_kafka_message_errstr(m));
      }
      if (rd_kafka_fatal_error(rk_, nullptr, 0) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return Error::unavailable("KafkaConsumer",
                                  std::string("fatal: ") + rd_kafka_message_errstr(m));
      }
      spdlog::warn("kafka consumer: {}",
                   rd_kafka_message_errstr(m));  // transient; librdkafka retries
      continue;
    }
    const auto topic = topic_from_name(config_, rd_kafka_topic_name(m->rkt));
    Position* pos = topic ? position_of(*topic, m->partition) : nullptr;
    // Records before our position are left over from an earlier assignment.
    if (pos == nullptr || m->offset < pos->offset) continue;
    pos->offset = m->offset + 1;
    out.push_back(to_record(*topic, config_, m));
    if (std::chrono::steady_clock::now() >= deadline && out.size() >= min_records) break;
  }
  return out;
}

}  // namespace kassa::log::kafka
