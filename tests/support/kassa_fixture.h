#pragma once
// Runs the whole service (app::Service: projections, writers, every route)
// in-process on an embedded journal in a temporary folder, behind a real
// HTTP server on a loopback port. The log is wrapped so a test can make
// appends fail (a broker or disk failure) and count what was written.

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <memory>
#include <string>

#include "app/service.h"
#include "http/auth.h"
#include "log/event_log.h"
#include "log/forwarding_log.h"
#include "log_test_support.h"
#include "test_server.h"

namespace kassa::testing {

// Forwards to the journal; appends fail with kUnavailable while `failing`.
class FailingLog final : public log::ForwardingLog {
 public:
  explicit FailingLog(std::unique_ptr<log::EventLog> inner) : ForwardingLog(std::move(inner)) {}
  std::atomic<bool> failing{false};
  // The records land but the caller hears kUnavailable: an acknowledgement
  // lost, or kassad killed between the append and its answer.
  std::atomic<bool> losing_acks{false};

  Result<std::vector<std::int64_t>> append(log::Topic t, std::string_view key,
                                           std::span<const log::Record> records) override {
    if (failing) return Error::unavailable("InjectedLogFailure", "the disk is gone");
    auto offsets = ForwardingLog::append(t, key, records);
    if (offsets && losing_acks)
      return Error::unavailable("InjectedLostAck", "no acknowledgement came");
    return offsets;
  }
  Result<std::vector<std::vector<std::int64_t>>> append_many(
      log::Topic t, std::span<const log::KeyedBatch> batches) override {
    if (failing) return Error::unavailable("InjectedLogFailure", "the disk is gone");
    return ForwardingLog::append_many(t, batches);
  }

  // Every event in both topics.
  std::int64_t total_events() {
    std::int64_t total = 0;
    for (auto topic : {log::Topic::kPersonEvents, log::Topic::kCompanyEvents}) {
      for (std::int32_t p = 0; p < partition_count(topic); ++p) total += *high_water_mark(topic, p);
    }
    return total;
  }
};

inline const char* kStaff = "staff-token";
inline const char* kBatch = "batch-token";
inline const char* kAuditor = "auditor-token";
inline const char* kAdmin = "admin-token";

inline http::TokenTable test_tokens() {
  nlohmann::json tokens = nlohmann::json::array();
  for (auto [principal, role, token] :
       {std::tuple{"clerk-1", "staff", kStaff}, std::tuple{"nightly", "batch", kBatch},
        std::tuple{"inspector", "auditor", kAuditor}, std::tuple{"root", "admin", kAdmin}}) {
    tokens.push_back(
        {{"principal", principal}, {"role", role}, {"sha256", http::token_sha256(token)}});
  }
  auto table = http::TokenTable::parse(nlohmann::json{{"tokens", tokens}}.dump());
  KASSA_ASSERT(table.ok(), "test tokens");
  return std::move(table).value();
}

struct Answer {
  int status = 0;
  nlohmann::json body;
};

class InProcessKassa {
 public:
  InProcessKassa() : InProcessKassa([](app::Config&) {}) {}
  // `configure` adjusts the configuration first (a broker instead of the
  // journal, its timeouts).
  explicit InProcessKassa(const std::function<void(app::Config&)>& configure)
      : server_(test_tokens()) {
    config_.data_dir = dir_.path();
    configure(config_);
    app::finish(config_);
    auto journal = log::open_event_log(config_.log);
    KASSA_ASSERT(journal.ok(), "journal opens");
    log_ = std::make_unique<FailingLog>(std::move(journal).value());
    auto started = service_.start(config_, *log_, server_.router());
    KASSA_ASSERT(started.ok(), "service starts");
    server_.start();
  }

  FailingLog& log() { return *log_; }
  httplib::Client client() const { return server_.client(); }
  void set_read_timeout(int seconds) { server_.read_timeout_s = seconds; }
  http::Router& router() { return server_.router(); }
  const app::Service& service() const { return service_; }

  Answer post(const std::string& path, const std::string& body, const char* token,
              httplib::Headers extra = {}) {
    auto client = server_.client();
    httplib::Headers headers = std::move(extra);
    if (token != nullptr) headers.emplace("Authorization", std::string("Bearer ") + token);
    headers.emplace("X-Kassa-Purpose", "test");
    auto res = client.Post(path, headers, body, "application/json");
    return to_answer(res);
  }
  Answer post(const std::string& path, const nlohmann::json& body, const char* token = kStaff,
              httplib::Headers extra = {}) {
    return post(path, body.dump(), token, std::move(extra));
  }
  Answer post_raw(const std::string& path, const std::string& body, const char* content_type,
                  const char* token) {
    auto client = server_.client();
    httplib::Headers headers{{"Authorization", std::string("Bearer ") + token}};
    auto res = client.Post(path, headers, body, content_type);
    return to_answer(res);
  }
  Answer get(const std::string& path, const char* token = kStaff) {
    auto client = server_.client();
    httplib::Headers headers{{"Authorization", std::string("Bearer ") + token},
                             {"X-Kassa-Purpose", "test"}};
    return to_answer(client.Get(path, headers));
  }

 private:
  static Answer to_answer(const httplib::Result& res) {
    KASSA_ASSERT(static_cast<bool>(res), "the server answers");
    Answer a;
    a.status = res->status;
    a.body = nlohmann::json::parse(res->body, nullptr, false);
    return a;
  }

  log::testing::TempDir dir_;
  app::Config config_;
  std::unique_ptr<FailingLog> log_;
  app::Service service_;
  TestServer server_;
};

}  // namespace kassa::testing
