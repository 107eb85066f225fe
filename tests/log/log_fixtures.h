#pragma once
// Fixtures for the conformance suite: each gives a fresh EventLog and a way
// to put raw (unverifiable) bytes into a topic, as a broken writer would.

#include <memory>
#include <stdexcept>
#include <string>

#include "log/event_log.h"
#include "log/journal/journal_log.h"
#include "log_test_support.h"

#if defined(KASSA_LOG_TEST_KAFKA)
#include "log/kafka/kafka_log.h"
#include "support/kafka_fixture.h"
#endif

namespace kassa::log::testing {

inline LogConfig small_config() {
  LogConfig c;
  c.person_partitions = 4;
  c.company_partitions = 2;
  c.quarantine_partitions = 1;
  c.client_id = "kassa-log-test";
  return c;
}

template <typename T>
T must(Result<T> r) {
  if (!r.ok()) throw std::runtime_error(r.error().rule + ": " + r.error().message);
  return std::move(r).value();
}

// The embedded journal in a temporary folder.
struct JournalFixture {
  static constexpr const char* kName = "journal";
  TempDir dir;
  LogConfig config = small_config();
  std::unique_ptr<EventLog> log;

  JournalFixture() {
    config.journal_path = dir.path() + "/journal";
    log = must(journal::JournalLog::open(config));
  }
  // A writer that skips the codec: the port takes any bytes.
  void inject_raw(Topic topic, const std::string& key, const std::string& bytes) {
    std::vector<Record> bad = {Record{bytes, "", 0}};
    must(log->append(topic, key, bad));
  }
};

#if defined(KASSA_LOG_TEST_KAFKA)
// Kafka on the broker from scripts/kafka, with topics no other run used.
struct KafkaFixture {
  static constexpr const char* kName = "kafka";
  LogConfig config = small_config();
  std::unique_ptr<EventLog> log;

  KafkaFixture() {
    config.brokers = kassa::testing::test_brokers();
    config.topic_prefix = kassa::testing::unique_name("kassa.test.log");
    config.message_timeout = std::chrono::milliseconds(20'000);
    log = must(kafka::KafkaLog::open(config));
  }
  // A plain producer, no headers, no codec: the corrupted message.
  void inject_raw(Topic topic, const std::string& key, const std::string& bytes) {
    char err[512];
    kassa::testing::KafkaHandle rk(rd_kafka_new(
        RD_KAFKA_PRODUCER, kassa::testing::make_conf({{"acks", "all"}}), err, sizeof err));
    if (!rk) throw std::runtime_error(err);
    const std::string name = config.topic_name(topic);
    const rd_kafka_resp_err_t e =
        rd_kafka_producev(rk.get(), RD_KAFKA_V_TOPIC(name.c_str()),
                          RD_KAFKA_V_PARTITION(log->partition_for(topic, key)),
                          RD_KAFKA_V_KEY(key.data(), key.size()),
                          RD_KAFKA_V_VALUE(const_cast<char*>(bytes.data()), bytes.size()),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) throw std::runtime_error(rd_kafka_err2str(e));
    if (rd_kafka_flush(rk.get(), 20'000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw std::runtime_error("raw produce not flushed");
    }
  }
};
#endif

}  // namespace kassa::log::testing
