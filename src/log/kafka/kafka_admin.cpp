#include "log/kafka/kafka_admin.h"

#include <spdlog/spdlog.h>

#include <memory>

namespace kassa::log::kafka {
namespace {

struct AdminDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
  void operator()(rd_kafka_AdminOptions_t* o) const { rd_kafka_AdminOptions_destroy(o); }
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
  void operator()(rd_kafka_NewTopic_t* t) const { rd_kafka_NewTopic_destroy(t); }
  void operator()(rd_kafka_ConfigResource_t* c) const { rd_kafka_ConfigResource_destroy(c); }
};
template <typename T>
using Owned = std::unique_ptr<T, AdminDeleter>;

int timeout_ms(std::chrono::milliseconds t) { return static_cast<int>(t.count()); }

// What every topic Kassa writes must keep: everything, forever.
constexpr std::pair<const char*, const char*> kLedgerTopicConfig[] = {
    {"retention.ms", "-1"}, {"retention.bytes", "-1"}, {"cleanup.policy", "delete"}};

// The broker's effective retention settings of `topic` (the topic's own or
// the broker's defaults): refused unless they keep every record forever.
Status check_retention(rd_kafka_t* rk, const std::string& topic,
                       std::chrono::milliseconds timeout) {
  char err[512];
  Owned<rd_kafka_ConfigResource_t> resource(
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str()));
  rd_kafka_ConfigResource_t* raw = resource.get();
  Owned<rd_kafka_queue_t> queue(rd_kafka_queue_new(rk));
  Owned<rd_kafka_AdminOptions_t> opts(
      rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS));
  (void)rd_kafka_AdminOptions_set_request_timeout(opts.get(), timeout_ms(timeout), err, sizeof err);
  rd_kafka_DescribeConfigs(rk, &raw, 1, opts.get(), queue.get());
  Owned<rd_kafka_event_t> ev(rd_kafka_queue_poll(queue.get(), timeout_ms(timeout) + 5000));
  if (!ev)
    return Error::unavailable("KafkaDescribeConfigs", "describing topic " + topic + " timed out");
  if (rd_kafka_event_error(ev.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error::unavailable("KafkaDescribeConfigs", "describing topic " + topic + ": " +
                                                          rd_kafka_event_error_string(ev.get()));
  }
  std::size_t n = 0;
  const rd_kafka_ConfigResource_t** resources = rd_kafka_DescribeConfigs_result_resources(
      rd_kafka_event_DescribeConfigs_result(ev.get()), &n);
  if (n != 1 || rd_kafka_ConfigResource_error(resources[0]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* why = n == 1 ? rd_kafka_ConfigResource_error_string(resources[0]) : nullptr;
    return Error::unavailable("KafkaDescribeConfigs", "describing topic " + topic + ": " +
                                                          (why != nullptr ? why : "no answer"));
  }
  std::size_t count = 0;
  const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(resources[0], &count);
  std::string wrong;
  for (const auto& [name, wanted] : kLedgerTopicConfig) {
    std::string value = "(not reported)";
    for (std::size_t i = 0; i < count; ++i) {
      if (std::string(rd_kafka_ConfigEntry_name(entries[i])) == name) {
        const char* v = rd_kafka_ConfigEntry_value(entries[i]);
        value = v != nullptr ? v : "";
      }
    }
    if (value != wanted) wrong += (wrong.empty() ? "" : ", ") + std::string(name) + "=" + value;
  }
  if (!wrong.empty()) {
    return Error::conflict(
        "TopicRetention",
        "topic " + topic + " would lose records (" + wrong +
            "): the log is the ledger and must keep every event forever. Nothing was written. Set "
            "kafka-configs.sh --bootstrap-server B --alter --entity-type topics --entity-name " +
            topic + " --add-config retention.ms=-1,retention.bytes=-1,cleanup.policy=delete");
  }
  return {};
}

Status create_missing(rd_kafka_t* rk, const std::vector<TopicSpec>& topics,
                      std::chrono::milliseconds timeout) {
  char err[512];
  std::vector<Owned<rd_kafka_NewTopic_t>> owned;
  std::vector<rd_kafka_NewTopic_t*> raw;
  for (const TopicSpec& spec : topics) {
    rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(spec.name.c_str(), spec.partitions,
                                                    spec.replication_factor, err, sizeof err);
    if (nt == nullptr) {
      return Error::invalid("topic", "TopicSpec", "topic " + spec.name + ": " + err);
    }
    owned.emplace_back(nt);
    raw.push_back(nt);
    // The log is the ledger: nothing is ever deleted by age or size, and
    // never compacted (a compacted topic keeps one event per aggregate).
    for (const auto& [name, value] : kLedgerTopicConfig) {
      if (rd_kafka_NewTopic_set_config(nt, name, value) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return Error::invalid("topic", "TopicSpec", "topic " + spec.name + ": cannot set " + name);
      }
    }
  }
  Owned<rd_kafka_queue_t> queue(rd_kafka_queue_new(rk));
  Owned<rd_kafka_AdminOptions_t> opts(
      rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS));
  (void)rd_kafka_AdminOptions_set_request_timeout(opts.get(), timeout_ms(timeout), err, sizeof err);
  (void)rd_kafka_AdminOptions_set_operation_timeout(opts.get(), timeout_ms(timeout), err,
                                                    sizeof err);
  rd_kafka_CreateTopics(rk, raw.data(), raw.size(), opts.get(), queue.get());
  Owned<rd_kafka_event_t> ev(rd_kafka_queue_poll(queue.get(), timeout_ms(timeout) + 5000));
  if (!ev) return Error::unavailable("KafkaCreateTopics", "creating topics timed out");
  if (rd_kafka_event_error(ev.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error::unavailable("KafkaCreateTopics", std::string("creating topics: ") +
                                                       rd_kafka_event_error_string(ev.get()));
  }
  std::size_t n = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev.get()), &n);
  for (std::size_t i = 0; i < n; ++i) {
    const rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i]);
    const char* name = rd_kafka_topic_result_name(results[i]);
    if (e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) continue;
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* msg = rd_kafka_topic_result_error_string(results[i]);
      return Error::unavailable("KafkaCreateTopics",
                                std::string("creating topic ") + name + ": " +
                                    (msg != nullptr ? msg : rd_kafka_err2str(e)));
    }
    spdlog::info("created topic {}", name);
  }
  return {};
}

void log_line(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
  spdlog::level::level_enum to = spdlog::level::debug;
  if (level <= 3) {
    to = spdlog::level::err;
  } else if (level == 4) {
    to = spdlog::level::warn;
  } else if (level <= 6) {
    to = spdlog::level::info;
  }
  std::string text(message != nullptr ? message : "");
  for (char& c : text) {
    if (c == '"') c = '\'';
    if (c == '\n') c = ' ';
  }
  spdlog::log(to, "librdkafka client={} facility={} message=\"{}\"",
              rk != nullptr ? rd_kafka_name(rk) : "-", facility != nullptr ? facility : "-", text);
}

}  // namespace

void use_structured_log(rd_kafka_conf_t* conf) { rd_kafka_conf_set_log_cb(conf, &log_line); }

Result<int32_t> broker_partition_count(rd_kafka_t* rk, const std::string& topic,
                                       std::chrono::milliseconds timeout) {
  rd_kafka_topic_t* t = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  if (t == nullptr) return Error::invalid("topic", "TopicName", "bad topic name " + topic);
  const rd_kafka_metadata_t* md = nullptr;
  const rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, t, &md, timeout_ms(timeout));
  rd_kafka_topic_destroy(t);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error::unavailable("KafkaMetadata", "metadata of " + topic + ": " + rd_kafka_err2str(e));
  }
  Result<int32_t> out = Error::unavailable("KafkaMetadata", "no metadata for topic " + topic);
  if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    out = static_cast<int32_t>(md->topics[0].partition_cnt);
    for (int i = 0; i < md->topics[0].partition_cnt; ++i) {
      const rd_kafka_metadata_partition_t& part = md->topics[0].partitions[i];
      if (part.err != RD_KAFKA_RESP_ERR_NO_ERROR || part.leader < 0) {
        out =
            Error::unavailable("KafkaMetadata", "topic " + topic + " partition " +
                                                    std::to_string(part.id) + " has no leader yet");
      }
    }
  } else if (md->topic_cnt == 1) {
    out = Error::unavailable("KafkaMetadata",
                             "topic " + topic + ": " + rd_kafka_err2str(md->topics[0].err));
  }
  rd_kafka_metadata_destroy(md);
  return out;
}

Status ensure_topics(rd_kafka_t* rk, const std::vector<TopicSpec>& topics,
                     std::chrono::milliseconds timeout) {
  KASSA_TRY(create_missing(rk, topics, timeout));
  for (const TopicSpec& spec : topics) {
    // Metadata may lag creation by a moment; retry until the deadline.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    Result<int32_t> count = broker_partition_count(rk, spec.name, timeout);
    while (!count.ok() && std::chrono::steady_clock::now() < deadline) {
      rd_kafka_poll(rk, 100);
      count = broker_partition_count(rk, spec.name, timeout);
    }
    if (!count.ok()) return count.error();
    if (*count != spec.partitions) {
      return Error::conflict("TopicPartitionCount", "topic " + spec.name + " has " +
                                                        std::to_string(*count) +
                                                        " partitions, the configuration " +
                                                        std::to_string(spec.partitions) +
                                                        " (a key's partition depends on it)");
    }
    KASSA_TRY(check_retention(rk, spec.name, timeout));
  }
  return {};
}

}  // namespace kassa::log::kafka
