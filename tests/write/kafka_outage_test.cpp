// A broker outage as an operator meets it (issue 17, item 4), against a
// real Apache Kafka broker of the test's own (scripts/kafka on a port of
// its own, so the shared broker of the other tests is never touched),
// stopped and started again mid-test.
//
// Before: a write held its HTTP worker for message.timeout.ms (30 s); with
// 8 concurrent writes every worker was held, /health timed out and
// /v1/projections/status hung from the first second.
//
// The client's read timeout (10 s, a third of the producer's message
// timeout) is what tells "fails fast" from "holds the worker".

#include <unistd.h>
#include <catch2/catch.hpp>

#include <future>
#include <thread>

#include "kassa_fixture.h"

using namespace kassa::testing;
using json = nlohmann::json;

namespace {

class PrivateBroker {
 public:
  PrivateBroker()
      : port_(std::to_string(19392 + getpid() % 500)),
        state_("/tmp/kassa-kafka-outage-" + std::to_string(getpid())) {
    REQUIRE(run("start") == 0);
  }
  ~PrivateBroker() { (void)run("stop"); }
  std::string brokers() const { return "127.0.0.1:" + port_; }
  int run(const std::string& command) const {
    const std::string line = "KASSA_KAFKA_PORT=" + port_ + " KASSA_KAFKA_STATE='" + state_ + "' '" +
                             KASSA_SOURCE_DIR + "/scripts/kafka' " + command + " >/dev/null 2>&1";
    return std::system(line.c_str());
  }

 private:
  std::string port_;
  std::string state_;
};

struct Timed {
  int status = 0;
  json body;
  std::string retry_after;
};

std::string register_person(InProcessKassa& k) {
  const json body{{"niss", "85073003328"}, {"first_name", "Jan"}, {"last_name", "Peeters"},
                  {"start", "2025-01-01"}, {"category", "main"},  {"date", "2025-01-01"}};
  Answer a = k.post("/v1/persons", body);
  INFO(a.body.dump());
  REQUIRE(a.status == 201);
  return a.body["party_id"].get<std::string>();
}

Timed get_public(InProcessKassa& k, const std::string& path) {
  auto client = k.client();
  auto res = client.Get(path);
  REQUIRE(res);  // answered within the read timeout
  return {res->status, json::parse(res->body, nullptr, false),
          res->get_header_value("Retry-After")};
}

}  // namespace

TEST_CASE("a broker outage: reads and /health answer, writes fail fast, recovery is automatic",
          "[kafka][outage]") {
  PrivateBroker broker;
  InProcessKassa k([&](kassa::app::Config& c) {
    c.log.brokers = broker.brokers();
    c.log.topic_prefix = "outage" + std::to_string(getpid());
    c.log.kafka_overrides = {{"reconnect.backoff.ms", "100"}, {"reconnect.backoff.max.ms", "500"}};
  });
  const std::string party = register_person(k);
  REQUIRE(get_public(k, "/ready").status == 200);
  k.set_read_timeout(10);

  REQUIRE(broker.run("stop --keep-data") == 0);

  // Eight writes at once, one per HTTP worker, and the same key retried.
  std::vector<std::future<Answer>> writes;
  for (int i = 0; i < 8; ++i) {
    writes.push_back(std::async(std::launch::async, [&, i] {
      const json pay{{"amount", "10.00"},
                     {"value_date", "2025-02-01"},
                     {"bank_ref", "OUT-" + std::to_string(i)}};
      return k.post("/v1/persons/" + party + "/payments", pay, kStaff,
                    {{"Idempotency-Key", "out-" + std::to_string(i)}});
    }));
  }
  // Meanwhile the process answers.
  const Timed health = get_public(k, "/health");
  CHECK(health.status == 200);
  for (auto& w : writes) {
    const Answer a = w.get();
    INFO(a.body.dump());
    CHECK(a.status == 503);
  }
  // The circuit is open now: writes are refused at once, and say so.
  const json pay{{"amount", "10.00"}, {"value_date", "2025-02-01"}, {"bank_ref", "OUT-0"}};
  const Answer refused =
      k.post("/v1/persons/" + party + "/payments", pay, kStaff, {{"Idempotency-Key", "out-0"}});
  CHECK(refused.status == 503);
  CHECK(refused.body["error"] == "BrokerUnavailable");  // not 409 IdempotencyKeyInFlight
  const Timed down = get_public(k, "/health");
  CHECK(down.status == 200);
  CHECK(down.body["log"]["kind"] == "kafka");
  CHECK(down.body["log"]["writable"] == false);
  const Timed not_ready = get_public(k, "/ready");
  CHECK(not_ready.status == 503);
  CHECK(not_ready.retry_after == "2");
  CHECK(not_ready.body["log"]["detail"] == "no Kafka broker is reachable");
  // Reads from the projections go on.
  CHECK(k.get("/v1/persons/" + party + "/statement").status == 200);
  CHECK(k.get("/v1/projections/status", kAdmin).status == 200);

  REQUIRE(broker.run("start") == 0);
  // Recovery needs no one: the circuit closes when a broker is up again.
  int status = 0;
  for (int i = 0; i < 120 && status != 201; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    status =
        k.post("/v1/persons/" + party + "/payments", pay, kStaff, {{"Idempotency-Key", "out-0"}})
            .status;
  }
  CHECK(status == 201);
  CHECK(get_public(k, "/ready").status == 200);
}
