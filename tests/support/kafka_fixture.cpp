#include "support/kafka_fixture.h"

#include <random>
#include <stdexcept>

namespace kassa::testing {

std::string test_brokers() {
  if (const char* b = std::getenv("KASSA_KAFKA_BROKERS"); b != nullptr && *b != '\0') return b;
  const char* port = std::getenv("KASSA_KAFKA_PORT");
  return std::string("127.0.0.1:") + ((port != nullptr && *port != '\0') ? port : "9092");
}

std::string unique_name(const std::string& prefix) {
  std::random_device rd;
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return prefix + "." +
         std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now).count()) + "." +
         std::to_string(rd() % 100000);
}

int run_kafka_script(const std::string& args) {
  std::string cmd = std::string(KASSA_SOURCE_DIR) + "/scripts/kafka " + args;
  return std::system(cmd.c_str());
}

rd_kafka_conf_t* make_conf(const std::vector<std::pair<std::string, std::string>>& settings) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  auto set = [&](const std::string& k, const std::string& v) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error("kafka config " + k + ": " + err);
    }
  };
  set("bootstrap.servers", test_brokers());
  for (const auto& [k, v] : settings) set(k, v);
  return conf;
}

void create_topic(const std::string& topic, int partitions) {
  char err[512];
  KafkaHandle rk(rd_kafka_new(RD_KAFKA_PRODUCER, make_conf({}), err, sizeof err));
  if (!rk) throw std::runtime_error(std::string("rd_kafka_new: ") + err);
  rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, err, sizeof err);
  if (nt == nullptr) throw std::runtime_error(std::string("NewTopic: ") + err);
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk.get());
  rd_kafka_AdminOptions_t* opts =
      rd_kafka_AdminOptions_new(rk.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(opts, 30000, err, sizeof err);
  rd_kafka_CreateTopics(rk.get(), &nt, 1, opts, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 60000);
  std::string failure;
  if (ev == nullptr) {
    failure = "CreateTopics timed out";
  } else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    failure = rd_kafka_event_error_string(ev);
  } else {
    const rd_kafka_CreateTopics_result_t* res = rd_kafka_event_CreateTopics_result(ev);
    size_t n = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(res, &n);
    for (size_t i = 0; i < n; ++i) {
      if (rd_kafka_topic_result_error(results[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        failure = rd_kafka_topic_result_error_string(results[i]);
      }
    }
  }
  if (ev != nullptr) rd_kafka_event_destroy(ev);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_NewTopic_destroy(nt);
  rd_kafka_queue_destroy(q);
  if (!failure.empty()) throw std::runtime_error("create topic " + topic + ": " + failure);
}

int partition_count(const std::string& topic) {
  char err[512];
  KafkaHandle rk(rd_kafka_new(RD_KAFKA_PRODUCER, make_conf({}), err, sizeof err));
  if (!rk) return -1;
  rd_kafka_topic_t* t = rd_kafka_topic_new(rk.get(), topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  int count = -1;
  if (rd_kafka_metadata(rk.get(), 0, t, &md, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      count = md->topics[0].partition_cnt;
    }
    rd_kafka_metadata_destroy(md);
  }
  rd_kafka_topic_destroy(t);
  return count;
}

std::vector<ConsumedMessage> consume_all(const std::string& topic, std::size_t expected,
                                         std::chrono::seconds idle_timeout) {
  char err[512];
  rd_kafka_conf_t* conf = make_conf({{"group.id", unique_name("kassa.test.group")},
                                     {"auto.offset.reset", "earliest"},
                                     {"enable.auto.commit", "true"},
                                     {"isolation.level", "read_committed"}});
  KafkaHandle rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err));
  if (!rk) throw std::runtime_error(std::string("consumer: ") + err);
  rd_kafka_poll_set_consumer(rk.get());
  rd_kafka_topic_partition_list_t* subs = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(subs, topic.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t e = rd_kafka_subscribe(rk.get(), subs);
  rd_kafka_topic_partition_list_destroy(subs);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) throw std::runtime_error(rd_kafka_err2str(e));

  std::vector<ConsumedMessage> out;
  auto last_progress = std::chrono::steady_clock::now();
  while (out.size() < expected && std::chrono::steady_clock::now() - last_progress < idle_timeout) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk.get(), 200);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ConsumedMessage c;
      c.key.assign(static_cast<const char*>(m->key), m->key_len);
      c.value.assign(static_cast<const char*>(m->payload), m->len);
      c.partition = m->partition;
      c.offset = m->offset;
      out.push_back(std::move(c));
      last_progress = std::chrono::steady_clock::now();
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(rk.get());
  return out;
}

}  // namespace kassa::testing
