// Error paths of the Kafka adapter on librdkafka's in-process mock cluster:
// a record that cannot be delivered makes append() fail; it is never
// silently dropped. (The real broker is for the integration tests.)

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <catch2/catch.hpp>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "log/kafka/kafka_admin.h"
#include "log/kafka/kafka_log.h"
#include "log_fixtures.h"

using namespace kassa::log;
using namespace kassa::log::testing;
using std::chrono::milliseconds;

namespace {

constexpr int16_t kProduceApiKey = 0;

// A one-broker mock cluster with Kassa's topics, hosted by its own handle.
struct MockCluster {
  rd_kafka_t* host = nullptr;
  rd_kafka_mock_cluster_t* cluster = nullptr;
  LogConfig config = small_config();

  MockCluster() {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    (void)rd_kafka_conf_set(conf, "log_level", "0", err, sizeof err);
    host = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    REQUIRE(host != nullptr);
    cluster = rd_kafka_mock_cluster_new(host, 1);
    REQUIRE(cluster != nullptr);
    config.brokers = rd_kafka_mock_cluster_bootstraps(cluster);
    config.topic_setup = TopicSetup::kVerify;  // the mock has no CreateTopics
    config.message_timeout = milliseconds(1'500);
    config.admin_timeout = milliseconds(5'000);
    config.kafka_overrides = {
        {"log_level", "0"}, {"reconnect.backoff.ms", "50"}, {"reconnect.backoff.max.ms", "200"}};
    for (Topic t : kAllTopics) {
      REQUIRE(rd_kafka_mock_topic_create(cluster, config.topic_name(t).c_str(),
                                         config.partitions(t), 1) == RD_KAFKA_RESP_ERR_NO_ERROR);
    }
  }
  ~MockCluster() {
    rd_kafka_mock_cluster_destroy(cluster);
    rd_kafka_destroy(host);
  }
};

}  // namespace

TEST_CASE("a delivery failure surfaces as an error from append",
          "[log][kafka][mock][rdkafka-threads]") {
  MockCluster mock;
  auto log = must(kafka::KafkaLog::open(mock.config));
  const auto ok = must(log->append(Topic::kPersonEvents, "party-1", make_records("ok", 3)));
  CHECK(ok == std::vector<int64_t>{0, 1, 2});

  SECTION("the broker is down longer than message.timeout.ms") {
    REQUIRE(rd_kafka_mock_broker_set_down(mock.cluster, 1) == RD_KAFKA_RESP_ERR_NO_ERROR);
    const auto t0 = std::chrono::steady_clock::now();
    auto failed = log->append(Topic::kPersonEvents, "party-1", make_records("lost", 5));
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().code == kassa::Errc::kUnavailable);
    // All brokers down: the circuit opened, and the batch was purged from
    // the queue or, when the circuit opened first, never produced (before:
    // KafkaDelivery after message.timeout.ms).
    CHECK(failed.error().rule == "BrokerUnavailable");
    CHECK_THAT(failed.error().message, Catch::StartsWith("no Kafka broker is reachable"));
    CHECK_FALSE(log->health().writable);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10));

    // Back up: the log works again and nothing of the failed batch is there.
    REQUIRE(rd_kafka_mock_broker_set_up(mock.cluster, 1) == RD_KAFKA_RESP_ERR_NO_ERROR);
    // (The producer reconnects and bumps its epoch first: retry a while.)
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    auto again = log->append(Topic::kPersonEvents, "party-1", make_records("again", 1));
    while (!again.ok() && std::chrono::steady_clock::now() < deadline) {
      again = log->append(Topic::kPersonEvents, "party-1", make_records("again", 1));
    }
    REQUIRE(again.ok());
    const int32_t p = log->partition_for(Topic::kPersonEvents, "party-1");
    const auto got = must(log->read(Topic::kPersonEvents, p, 0, 100, milliseconds(2'000)));
    REQUIRE(got.size() >= 4);
    CHECK(got.back().offset == again->front());
    for (const auto& r : got) CHECK(unsealed(r.value).rfind("lost", 0) == std::string::npos);
  }

  SECTION("the broker refuses the produce request") {
    rd_kafka_mock_push_request_errors(mock.cluster, kProduceApiKey, 1,
                                      RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
    auto failed = log->append(Topic::kPersonEvents, "party-1", make_records("refused", 2));
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().code == kassa::Errc::kUnavailable);
    CHECK_THAT(failed.error().message, Catch::Contains("uthoriz"));
  }
}

TEST_CASE("librdkafka's own log lines go through the structured logger",
          "[log][kafka][logging][rdkafka-threads]") {
  // Before: the clients' lines went to stderr in librdkafka's format, 71
  // of them beside 38 structured ones in an outage.
  auto out = std::make_shared<std::ostringstream>();
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(*out)));
  {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    REQUIRE(rd_kafka_conf_set(conf, "bootstrap.servers", "127.0.0.1:1", err, sizeof err) ==
            RD_KAFKA_CONF_OK);
    REQUIRE(rd_kafka_conf_set(conf, "client.id", "kassa-log-capture", err, sizeof err) ==
            RD_KAFKA_CONF_OK);
    kafka::use_structured_log(conf);
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    REQUIRE(rk != nullptr);
    // Nothing listens on port 1: librdkafka logs the refused connection.
    for (int i = 0; i < 50 && out->str().find("Connection refused") == std::string::npos; ++i) {
      rd_kafka_poll(rk, 100);
    }
    rd_kafka_destroy(rk);
  }
  spdlog::set_default_logger(previous);
  const std::string logged = out->str();
  INFO(logged);
  CHECK(logged.find("librdkafka client=kassa-log-capture") != std::string::npos);
  CHECK(logged.find("facility=") != std::string::npos);
  CHECK(logged.find("message=\"") != std::string::npos);
  CHECK(logged.find("127.0.0.1:1") != std::string::npos);
  CHECK(logged.find("Connection refused") != std::string::npos);
}
