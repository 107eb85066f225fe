#include "log/kafka/kafka_log.h"

#include "log/append_support.h"

#include <spdlog/spdlog.h>

#include <condition_variable>

#include "log/kafka/kafka_admin.h"
#include "log/kafka/kafka_headers.h"

namespace kassa::log::kafka {
namespace {

std::size_t topic_index(Topic topic) { return static_cast<std::size_t>(topic); }

void add_header(rd_kafka_headers_t* hdrs, const char* name, std::string_view value) {
  (void)rd_kafka_header_add(hdrs, name, -1, value.data(), static_cast<ssize_t>(value.size()));
}

}  // namespace

struct KafkaLog::Entry {
  int32_t partition;
  std::string_view key;
  const Record* record;
  const QuarantineInfo* quarantine;
};

// Completion of one produce_and_wait() call. Each message's opaque points at
// its Slot; the poller thread fills the offsets and counts down.
struct KafkaLog::Pending {
  struct Slot {
    Pending* pending;
    std::size_t index;
  };
  std::mutex mu;
  std::condition_variable done;
  std::size_t remaining = 0;  // guarded by mu
  std::vector<int64_t> offsets;
  std::vector<Slot> slots;
  std::size_t failed = 0;
  rd_kafka_resp_err_t first_error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

void KafkaLog::on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  auto* slot = static_cast<Pending::Slot*>(m->_private);
  if (slot == nullptr) return;
  Pending& p = *slot->pending;
  std::lock_guard<std::mutex> lock(p.mu);
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (p.failed++ == 0) p.first_error = m->err;
  } else {
    p.offsets[slot->index] = m->offset;
  }
  if (--p.remaining == 0) p.done.notify_all();
}

void KafkaLog::on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* self = static_cast<KafkaLog*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    char buf[512];
    const rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk, buf, sizeof buf);
    spdlog::critical("kafka producer fatal error {}: {}", rd_kafka_err2name(orig), buf);
    self->fatal_.store(true);
    return;
  }
  if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN && !self->brokers_down_.exchange(true)) {
    spdlog::error(
        "kafka circuit open: no broker is reachable; writes answer 503 until one is reason=\"{}\"",
        reason);
    // What waits in the queue was never sent: fail it now rather than at
    // message.timeout.ms (records already sent keep their own outcome).
    (void)rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE);
    return;
  }
  // Transport errors are retried by librdkafka; a record that cannot be
  // delivered in time fails through its delivery report.
  spdlog::warn("kafka: {}: {}", rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)), reason);
}

int KafkaLog::on_stats(rd_kafka_t*, char* json, size_t len, void* opaque) {
  auto* self = static_cast<KafkaLog*>(opaque);
  // A broker connection in state UP: the circuit closes.
  const std::string_view stats(json, len);
  self->stats_->update(stats);
  if (self->brokers_down_.load() && stats.find("\"state\":\"UP\"") != std::string_view::npos) {
    self->brokers_down_.store(false);
    spdlog::info("kafka circuit closed: a broker is reachable again");
  }
  return 0;  // librdkafka frees `json`
}

Status KafkaLog::refuse_while_down() const {
  if (brokers_down_.load()) {
    return Error::unavailable(
        "BrokerUnavailable",
        "no Kafka broker is reachable; nothing was written; retry in a few seconds");
  }
  return {};
}

EventLog::Health KafkaLog::health() const {
  if (fatal_.load()) return {false, "the Kafka producer hit a fatal error; restart needed"};
  if (brokers_down_.load()) return {false, "no Kafka broker is reachable"};
  return {};
}

KafkaLog::KafkaLog(LogConfig config) : config_(std::move(config)) {}

KafkaLog::~KafkaLog() {
  {
    std::lock_guard<std::mutex> lock(reader_mu_);
    reader_.reset();
  }
  if (producer_ != nullptr) {
    stop_.store(true);
    if (poller_.joinable()) poller_.join();
    (void)rd_kafka_flush(producer_, 10'000);
    for (rd_kafka_topic_t* t : topics_) {
      if (t != nullptr) rd_kafka_topic_destroy(t);
    }
    rd_kafka_destroy(producer_);
  }
}

Result<std::unique_ptr<KafkaLog>> KafkaLog::open(const LogConfig& config) {
  std::unique_ptr<KafkaLog> log(new KafkaLog(config));
  KASSA_TRY(log->start());
  return log;
}

Status KafkaLog::start() {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::vector<std::pair<std::string, std::string>> settings = {
      {"bootstrap.servers", config_.brokers},
      {"client.id", config_.client_id},
      {"acks", "all"},
      {"enable.idempotence", "true"},
      {"message.timeout.ms", std::to_string(config_.message_timeout.count())},
      {"linger.ms", "5"},
      {"compression.type", "lz4"},
      {"queue.buffering.max.messages", "1000000"},
      {"queue.buffering.max.kbytes", "1048576"},
      // Broker states for the circuit, and /metrics (on_stats).
      {"statistics.interval.ms", "1000"},
  };
  for (const auto& kv : config_.kafka_overrides) settings.push_back(kv);
  for (const auto& [k, v] : settings) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Error::invalid("kafka", "KafkaConfig", "producer setting " + k + ": " + err);
    }
  }
  use_structured_log(conf);
  rd_kafka_conf_set_dr_msg_cb(conf, &KafkaLog::on_delivery);
  rd_kafka_conf_set_error_cb(conf, &KafkaLog::on_error);
  rd_kafka_conf_set_stats_cb(conf, &KafkaLog::on_stats);
  rd_kafka_conf_set_opaque(conf, this);
  producer_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (producer_ == nullptr)
    return Error::unavailable("KafkaProducer", std::string("producer: ") + err);
  poller_ = std::thread([this] {
    while (!stop_.load()) rd_kafka_poll(producer_, 100);
  });

  std::vector<TopicSpec> specs;
  for (Topic t : kAllTopics) {
    specs.push_back({config_.topic_name(t), config_.partitions(t), config_.replication_factor});
  }
  if (config_.topic_setup == TopicSetup::kCreate) {
    KASSA_TRY(ensure_topics(producer_, specs, config_.admin_timeout));
  } else {
    for (const TopicSpec& spec : specs) {
      KASSA_ASSIGN_OR_RETURN(auto n,
                             broker_partition_count(producer_, spec.name, config_.admin_timeout));
      if (n != spec.partitions) {
        return Error::conflict("TopicPartitionCount", "topic " + spec.name + " has " +
                                                          std::to_string(n) +
                                                          " partitions, the configuration " +
                                                          std::to_string(spec.partitions));
      }
    }
  }
  for (Topic t : kAllTopics) {
    topics_[topic_index(t)] = rd_kafka_topic_new(producer_, config_.topic_name(t).c_str(), nullptr);
    if (topics_[topic_index(t)] == nullptr) {
      return Error::unavailable("KafkaTopic", "topic handle for " + config_.topic_name(t));
    }
  }
  spdlog::info("kafka log on {} ({}.*: {} person, {} company, {} quarantine partitions)",
               config_.brokers, config_.topic_prefix, config_.person_partitions,
               config_.company_partitions, config_.quarantine_partitions);
  return {};
}

bool KafkaLog::valid_partition(Topic topic, int32_t partition) const {
  return partition >= 0 && partition < config_.partitions(topic);
}

Result<std::vector<int64_t>> KafkaLog::produce_and_wait(Topic topic,
                                                        std::span<const Entry> entries) {
  if (entries.empty()) return std::vector<int64_t>{};
  if (fatal_.load()) {
    return Error::unavailable("KafkaProducerFatal",
                              "the Kafka producer hit a fatal error; restart needed");
  }
  KASSA_TRY(refuse_while_down());
  Pending pending;
  pending.offsets.assign(entries.size(), -1);
  pending.slots.reserve(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) pending.slots.push_back({&pending, i});
  pending.remaining = entries.size();
  rd_kafka_topic_t* rkt = topics_[topic_index(topic)];

  rd_kafka_resp_err_t produce_error = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::size_t produced = 0;
  for (; produced < entries.size(); ++produced) {
    const Entry& e = entries[produced];
    rd_kafka_headers_t* hdrs = rd_kafka_headers_new(e.quarantine != nullptr ? 6 : 2);
    add_header(hdrs, kHeaderEventType, e.record->event_type);
    add_header(hdrs, kHeaderSchemaVersion, std::to_string(e.record->schema_version));
    if (e.quarantine != nullptr) {
      add_header(hdrs, kHeaderReason, e.quarantine->reason);
      add_header(hdrs, kHeaderSourceTopic, config_.topic_name(e.quarantine->source_topic));
      add_header(hdrs, kHeaderSourcePartition, std::to_string(e.quarantine->source_partition));
      add_header(hdrs, kHeaderSourceOffset, std::to_string(e.quarantine->source_offset));
    }
    while (true) {
      // No RD_KAFKA_MSG_F_COPY: we wait for every report below, so the
      // caller's bytes outlive the message.
      produce_error = rd_kafka_producev(
          producer_, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(e.partition),
          RD_KAFKA_V_KEY(e.key.data(), e.key.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(e.record->value.data()), e.record->value.size()),
          RD_KAFKA_V_MSGFLAGS(0), RD_KAFKA_V_HEADERS(hdrs),
          RD_KAFKA_V_OPAQUE(&pending.slots[produced]), RD_KAFKA_V_END);
      if (produce_error != RD_KAFKA_RESP_ERR__QUEUE_FULL) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));  // the poller drains the queue
    }
    if (produce_error != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_headers_destroy(hdrs);  // ownership passes only on success
      break;
    }
  }

  std::unique_lock<std::mutex> lock(pending.mu);
  pending.remaining -= entries.size() - produced;  // never produced: no report will come
  // librdkafka reports every produced message within message.timeout.ms;
  // when the circuit opens meanwhile, what still waits in the queue is
  // purged (a record produced just as on_error purged would wait on).
  while (!pending.done.wait_for(lock, std::chrono::milliseconds(250),
                                [&] { return pending.remaining == 0; })) {
    if (brokers_down_.load()) {
      lock.unlock();
      (void)rd_kafka_purge(producer_, RD_KAFKA_PURGE_F_QUEUE);
      lock.lock();
    }
  }

  const int32_t partition = entries.front().partition;
  if (produce_error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::error("kafka produce to {} partition {} refused: {}", config_.topic_name(topic),
                  partition, rd_kafka_err2str(produce_error));
    return Error::unavailable("KafkaProduce",
                              std::string("producing to ") + config_.topic_name(topic) +
                                  " was refused: " + rd_kafka_err2str(produce_error));
  }
  if (pending.failed > 0 && pending.first_error == RD_KAFKA_RESP_ERR__PURGE_QUEUE) {
    return Error::unavailable("BrokerUnavailable",
                              "no Kafka broker is reachable; " + std::to_string(pending.failed) +
                                  " of " + std::to_string(entries.size()) +
                                  " records were never sent; retry in a few seconds");
  }
  if (pending.failed > 0) {
    spdlog::error("kafka delivery to {} failed for {} of {} records (first partition {}): {}",
                  config_.topic_name(topic), pending.failed, entries.size(), partition,
                  rd_kafka_err2str(pending.first_error));
    return Error::unavailable(
        "KafkaDelivery", std::to_string(pending.failed) + " of " + std::to_string(entries.size()) +
                             " records to " + config_.topic_name(topic) +
                             " were not delivered: " + rd_kafka_err2str(pending.first_error));
  }
  return std::move(pending.offsets);
}

Result<std::vector<int64_t>> KafkaLog::append(Topic topic, std::string_view aggregate_key,
                                              std::span<const Record> records) {
  KeyedBatch batch{aggregate_key, records};
  KASSA_ASSIGN_OR_RETURN(auto r, append_many(topic, std::span<const KeyedBatch>(&batch, 1)));
  return std::move(r.front());
}

Result<std::vector<std::vector<int64_t>>> KafkaLog::append_many(
    Topic topic, std::span<const KeyedBatch> batches) {
  KASSA_TRY(validate_append(topic, batches));
  std::vector<Entry> entries;
  for (const KeyedBatch& b : batches) {
    if (b.records.empty()) continue;
    const int32_t p = partition_for(topic, b.aggregate_key);
    for (const Record& r : b.records) entries.push_back({p, b.aggregate_key, &r, nullptr});
  }
  KASSA_ASSIGN_OR_RETURN(auto offsets, produce_and_wait(topic, entries));
  return split_by_batch(batches, offsets);
}

Status KafkaLog::append_quarantine(const StoredRecord& original, std::string_view reason) {
  const std::string key =
      quarantine_key(config_, original.topic, original.partition, original.offset);
  QuarantineInfo info{std::string(reason), original.topic, original.partition, original.offset};
  Record record{original.value, original.event_type, original.schema_version};
  Entry entry{partition_for(Topic::kQuarantine, key), key, &record, &info};
  KASSA_TRY(produce_and_wait(Topic::kQuarantine, std::span<const Entry>(&entry, 1)));
  spdlog::warn("quarantined {} partition {} offset {}: {}", config_.topic_name(original.topic),
               original.partition, original.offset, reason);
  return {};
}

Result<int64_t> KafkaLog::high_water_mark(Topic topic, int32_t partition) {
  if (!valid_partition(topic, partition)) {
    return Error::invalid("partition", "PartitionExists",
                          "no partition " + std::to_string(partition));
  }
  KASSA_TRY(refuse_while_down());
  int64_t low = 0;
  int64_t high = 0;
  const std::string name = config_.topic_name(topic);
  const auto deadline = std::chrono::steady_clock::now() + config_.admin_timeout;
  rd_kafka_resp_err_t e;
  // Asked in short attempts, so that a broker going away opens the circuit
  // (on_error) and ends the wait, instead of holding the caller (a status
  // query, a registration) for the whole admin timeout.
  const int attempt_ms =
      static_cast<int>(std::min<std::int64_t>(config_.admin_timeout.count(), 2'000));
  while (true) {
    e = rd_kafka_query_watermark_offsets(producer_, name.c_str(), partition, &low, &high,
                                         attempt_ms);
    // Leadership moves (a new topic, a broker restart) pass; retry them.
    const bool moving = e == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION ||
                        e == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE ||
                        e == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
                        e == RD_KAFKA_RESP_ERR__TIMED_OUT;
    if (!moving || std::chrono::steady_clock::now() >= deadline) break;
    KASSA_TRY(refuse_while_down());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error::unavailable("KafkaWatermark", "high-water mark of " + config_.topic_name(topic) +
                                                    " partition " + std::to_string(partition) +
                                                    ": " + rd_kafka_err2str(e));
  }
  return high;
}

Result<std::vector<StoredRecord>> KafkaLog::read(Topic topic, int32_t partition,
                                                 int64_t from_offset, std::size_t max_records,
                                                 std::chrono::milliseconds wait) {
  KASSA_ASSIGN_OR_RETURN(auto hwm, high_water_mark(topic, partition));
  if (from_offset < 0 || from_offset > hwm) {
    return Error::invalid("from_offset", "OffsetInRange",
                          "offset " + std::to_string(from_offset) +
                              " is beyond the high-water mark " + std::to_string(hwm));
  }
  if (max_records == 0) return std::vector<StoredRecord>{};
  std::lock_guard<std::mutex> lock(reader_mu_);
  std::vector<Position> at = {{topic, partition, from_offset}};
  if (!reader_) {
    // No statistics for this reader: it is polled only while read() runs,
    // and librdkafka queues a consumer's statistics until it is polled.
    KASSA_ASSIGN_OR_RETURN(reader_, KafkaSubscription::open(config_, at));
  } else if (reader_->positions() != at) {
    // A sequential reader (from = last offset + 1) keeps its fetched data;
    // anything else re-assigns, which drops it and restarts the fetch.
    KASSA_TRY(reader_->assign(at));
  }
  // Records that exist are fetched even if `wait` is short (a fetch takes a
  // round trip); beyond the high-water mark only `wait` applies.
  const auto available = static_cast<std::size_t>(hwm - from_offset);
  const std::size_t wanted = std::min(max_records, std::max<std::size_t>(available, 1));
  const auto budget = available > 0 ? std::max(wait, config_.admin_timeout) : wait;
  return reader_->collect(max_records, wanted, std::chrono::steady_clock::now() + budget);
}

Result<std::unique_ptr<Subscription>> KafkaLog::subscribe(std::vector<Position> from) {
  for (const Position& p : from) {
    if (!valid_partition(p.topic, p.partition)) {
      return Error::invalid("partition", "PartitionExists",
                            "no partition " + std::to_string(p.partition));
    }
  }
  KASSA_ASSIGN_OR_RETURN(auto sub, KafkaSubscription::open(config_, std::move(from), stats_));
  return std::unique_ptr<Subscription>(std::move(sub));
}

}  // namespace kassa::log::kafka
