// Proves the broker under test is a real Kafka: admin API, idempotent
// producer with acks=all, consumer groups, and a broker restart mid-produce.

#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "support/kafka_fixture.h"

namespace kt = kassa::testing;

namespace {

constexpr int kMessages = 10'000;
constexpr int kKeys = 97;

struct DeliveryCounts {
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  std::string first_error;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* counts = static_cast<DeliveryCounts*>(opaque);
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    counts->ok.fetch_add(1);
  } else {
    if (counts->failed.fetch_add(1) == 0) counts->first_error = rd_kafka_err2str(m->err);
  }
}

kt::KafkaHandle idempotent_producer(DeliveryCounts& counts) {
  rd_kafka_conf_t* conf = kt::make_conf({{"acks", "all"},
                                         {"enable.idempotence", "true"},
                                         {"linger.ms", "5"},
                                         {"message.timeout.ms", "180000"}});
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_conf_set_opaque(conf, &counts);
  char err[512];
  kt::KafkaHandle rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err));
  REQUIRE(rk);
  return rk;
}

// Message i: key "k<i mod kKeys>", value "<key>#<sequence within key>".
void produce_one(rd_kafka_t* rk, const std::string& topic, int i) {
  std::string key = "k";
  key += std::to_string(i % kKeys);
  std::string value = key;
  value += "#";
  value += std::to_string(i / kKeys);
  rd_kafka_resp_err_t e;
  while ((e = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic.c_str()),
                                RD_KAFKA_V_KEY(key.data(), key.size()),
                                RD_KAFKA_V_VALUE(value.data(), value.size()),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)) ==
         RD_KAFKA_RESP_ERR__QUEUE_FULL) {
    rd_kafka_poll(rk, 50);
  }
  REQUIRE(e == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_poll(rk, 0);
}

// Every message arrived exactly once, and each key's messages in order.
void check_exactly_once_in_order(const std::vector<kt::ConsumedMessage>& got) {
  REQUIRE(got.size() == static_cast<std::size_t>(kMessages));
  std::map<std::string, int> next_seq;
  std::map<std::string, int32_t> partition_of;
  for (const auto& m : got) {
    auto hash = m.value.find('#');
    REQUIRE(hash != std::string::npos);
    REQUIRE(m.value.substr(0, hash) == m.key);
    int seq = std::stoi(m.value.substr(hash + 1));
    INFO("key " << m.key << " partition " << m.partition << " offset " << m.offset);
    CHECK(seq == next_seq[m.key]);  // a gap = loss, a repeat = duplicate
    next_seq[m.key] = seq + 1;
    auto [it, inserted] = partition_of.emplace(m.key, m.partition);
    CHECK(it->second == m.partition);  // one key stays in one partition
  }
  REQUIRE(next_seq.size() == static_cast<std::size_t>(kKeys));
  int total = 0;
  for (const auto& [key, n] : next_seq) total += n;
  CHECK(total == kMessages);
}

}  // namespace

TEST_CASE(
    "the broker creates a 3-partition topic and delivers 10,000 idempotent messages "
    "exactly once, in order per key",
    "[kafka][broker]") {
  const std::string topic = kt::unique_name("kassa.test.broker");
  kt::create_topic(topic, 3);
  REQUIRE(kt::partition_count(topic) == 3);

  DeliveryCounts counts;
  {
    auto rk = idempotent_producer(counts);
    for (int i = 0; i < kMessages; ++i) produce_one(rk.get(), topic, i);
    REQUIRE(rd_kafka_flush(rk.get(), 60000) == RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  INFO("first delivery error: " << counts.first_error);
  REQUIRE(counts.failed == 0);
  REQUIRE(counts.ok == kMessages);

  auto got = kt::consume_all(topic, kMessages, std::chrono::seconds(30));
  check_exactly_once_in_order(got);
  std::set<int32_t> partitions;
  for (const auto& m : got) partitions.insert(m.partition);
  CHECK(partitions.size() == 3);  // 97 keys spread over all three partitions
}

TEST_CASE("a broker restart in the middle of producing loses and duplicates nothing",
          "[kafka][broker][restart]") {
  const std::string topic = kt::unique_name("kassa.test.restart");
  kt::create_topic(topic, 3);

  DeliveryCounts counts;
  std::atomic<int> produced{0};
  {
    auto rk = idempotent_producer(counts);
    std::thread producer([&] {
      for (int i = 0; i < kMessages; ++i) {
        produce_one(rk.get(), topic, i);
        produced.store(i + 1);
        // Pace the producer so the restart lands in the middle of the stream.
        if (i % 100 == 99) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    });
    while (produced.load() < kMessages / 3)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const int acked_before = counts.ok.load();
    const int produced_before = produced.load();
    const int rc = kt::run_kafka_script("restart");
    const int produced_after = produced.load();
    producer.join();
    REQUIRE(rc == 0);
    REQUIRE(rd_kafka_flush(rk.get(), 180000) == RD_KAFKA_RESP_ERR_NO_ERROR);
    INFO("acked before restart " << acked_before << ", produced before " << produced_before
                                 << ", produced when back " << produced_after);
    // The restart fell mid-stream, and messages were produced while the
    // broker was down (they waited in the producer's queue).
    CHECK(acked_before < kMessages);
    CHECK(produced_before < kMessages);
    CHECK(produced_after > produced_before);
  }
  INFO("first delivery error: " << counts.first_error);
  REQUIRE(counts.failed == 0);
  REQUIRE(counts.ok == kMessages);
  check_exactly_once_in_order(kt::consume_all(topic, kMessages, std::chrono::seconds(60)));
}
