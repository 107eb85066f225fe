// The figures GET /metrics takes from librdkafka's statistics (a document
// shaped as STATISTICS.md describes, trimmed to what is read).

#include <catch2/catch.hpp>

#include "log/kafka/kafka_stats.h"

using kassa::log::kafka::KafkaStatsBoard;

namespace {

// A producer talking to a three-broker cluster, one of them DOWN: broker 1
// was also its bootstrap address (librdkafka keeps "configured" once the
// cluster names it), another bootstrap address the cluster never named and
// librdkafka's internal queue sit beside them.
const char* kProducer = R"({
  "name": "kassad#producer-1", "client_id": "kassad", "type": "producer",
  "msg_cnt": 12, "msg_size": 4096, "tx": 40, "tx_bytes": 51200, "rx": 38, "rx_bytes": 2048,
  "txmsgs": 900, "txmsg_bytes": 450000, "rxmsgs": 0,
  "brokers": {
    "localhost:9092/bootstrap": {"name": "localhost:9092/bootstrap", "nodeid": -1,
      "source": "configured", "state": "INIT", "txerrs": 0, "rxerrs": 0, "req_timeouts": 0},
    "broker-1:9092/1": {"name": "broker-1:9092/1", "nodeid": 1, "source": "configured",
      "state": "UP", "txerrs": 2, "rxerrs": 1, "req_timeouts": 3,
      "rtt": {"min": 800, "max": 9000, "avg": 2500}},
    "broker-2:9092/2": {"name": "broker-2:9092/2", "nodeid": 2, "source": "learned",
      "state": "DOWN", "txerrs": 0, "rxerrs": 0, "req_timeouts": 0,
      "rtt": {"min": 0, "max": 0, "avg": 0}},
    "broker-3:9092/3": {"name": "broker-3:9092/3", "nodeid": 3, "source": "learned",
      "state": "UP", "txerrs": 0, "rxerrs": 0, "req_timeouts": 1,
      "rtt": {"min": 700, "max": 1500, "avg": 1000}},
    ":0/internal": {"name": ":0/internal", "nodeid": -1, "source": "internal", "state": "UP"}
  },
  "topics": {}
})";

// A consumer with records fetched and not yet polled, and the group
// coordinator librdkafka lists beside its broker (as a real one does).
const char* kConsumer = R"({
  "name": "kassad.reader#consumer-2", "type": "consumer", "msg_cnt": 0,
  "tx": 5, "tx_bytes": 700, "rx": 9, "rx_bytes": 90000, "txmsgs": 0, "rxmsgs": 310,
  "brokers": {
    "127.0.0.1:9092/1": {"name": "127.0.0.1:9092/1", "nodeid": 1, "source": "configured",
      "state": "UP", "rtt": {"avg": 101417}},
    "GroupCoordinator": {"name": "GroupCoordinator", "nodeid": 1, "source": "logical",
      "state": "UP", "rtt": {"avg": 0}}
  },
  "topics": {"kassa.person-events": {"partitions": {
    "0": {"fetchq_cnt": 40}, "1": {"fetchq_cnt": 2}, "-1": {"fetchq_cnt": 0}}}}
})";

}  // namespace

TEST_CASE("librdkafka's statistics become brokers by state, round trips, queues and errors",
          "[log][kafka][metrics]") {
  auto producer = KafkaStatsBoard::parse(kProducer);
  REQUIRE(producer.has_value());
  CHECK(producer->name == "kassad#producer-1");
  CHECK(producer->role == "producer");
  // The cluster's brokers only (a node id): not an unnamed bootstrap
  // address nor the internal queue.
  CHECK(producer->brokers_by_state == std::map<std::string, std::uint32_t>{{"DOWN", 1}, {"UP", 2}});
  REQUIRE(producer->rtt_seconds.size() == 3);
  CHECK(producer->rtt_seconds[0].first == "broker-1:9092/1");
  CHECK(producer->rtt_seconds[0].second == Approx(0.0025));
  CHECK(producer->queued_messages == 12);
  CHECK(producer->messages_sent == 900);
  CHECK(producer->bytes_sent == 51200);
  CHECK(producer->bytes_received == 2048);
  CHECK(producer->errors == 7);

  auto consumer = KafkaStatsBoard::parse(kConsumer);
  REQUIRE(consumer.has_value());
  CHECK(consumer->role == "consumer");
  CHECK(consumer->queued_messages == 42);
  CHECK(consumer->messages_received == 310);
  // The group coordinator is a second connection to broker 1, not a broker.
  CHECK(consumer->brokers_by_state == std::map<std::string, std::uint32_t>{{"UP", 1}});
  REQUIRE(consumer->rtt_seconds.size() == 1);
  CHECK(consumer->rtt_seconds[0].second == Approx(0.101417));

  CHECK_FALSE(KafkaStatsBoard::parse("{not json").has_value());
  CHECK_FALSE(KafkaStatsBoard::parse(R"({"type": "producer"})").has_value());

  KafkaStatsBoard board;
  board.update(kProducer);
  board.update(kConsumer);
  board.update("{not json");  // ignored: the figures before stay
  auto clients = board.snapshot();
  REQUIRE(clients.size() == 2);
  CHECK(clients[0].name == "kassad#producer-1");
  CHECK(clients[1].name == "kassad.reader#consumer-2");
  CHECK(clients[0].age_seconds >= 0.0);
  board.remove("kassad.reader#consumer-2");
  CHECK(board.snapshot().size() == 1);
}
