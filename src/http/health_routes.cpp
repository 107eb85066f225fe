#include "http/health_routes.h"

#include <algorithm>

namespace kassa::http {

namespace {

nlohmann::json log_state(const log::EventLog& log) {
  const log::EventLog::Health h = log.health();
  return {{"kind", log.config().brokers.empty() ? "journal" : "kafka"},
          {"writable", h.writable},
          {"detail", h.detail}};
}

nlohmann::json projector_state(const ProjectorSource& source) {
  auto projector = source ? source() : nullptr;
  nlohmann::json out{{"running", projector != nullptr}};
  if (projector) {
    if (auto halted = projector->halted()) {
      out["halted"] = halted->rule + ": " + halted->message;
    }
    if (auto failing = projector->failing()) {
      out["failing"] = failing->rule + ": " + failing->message;
    }
  }
  return out;
}

nlohmann::json store_states(const std::vector<WritableStore>& stores) {
  nlohmann::json out = nlohmann::json::object();
  for (const WritableStore& s : stores) out[s.name] = s.writable();
  return out;
}

// The Kafka clients' state (none on the journal): brokers by connection
// state, round trips, queues, traffic and errors, per librdkafka client.
void write_kafka_client_metrics(MetricsText& out,
                                const std::vector<log::EventLog::ClientStats>& clients) {
  if (clients.empty()) return;
  const auto who = [](const log::EventLog::ClientStats& c) {
    return MetricsText::Labels{{"client", c.name}, {"role", c.role}};
  };
  const auto with = [&who](const log::EventLog::ClientStats& c, std::string_view label,
                           std::string value) {
    auto labels = who(c);
    labels.emplace_back(label, std::move(value));
    return labels;
  };
  out.family(
      "kassa_kafka_brokers", "gauge",
      "The cluster's brokers each Kafka client knows, by connection state (UP when connected).");
  for (const auto& c : clients) {
    for (const auto& [state, n] : c.brokers_by_state) {
      out.sample("kassa_kafka_brokers", with(c, "state", state), std::uint64_t{n});
    }
  }
  out.family("kassa_kafka_broker_rtt_seconds", "gauge",
             "Average round-trip time of each client's requests to each broker (last statistics).");
  for (const auto& c : clients) {
    for (const auto& [broker, rtt] : c.rtt_seconds) {
      out.sample("kassa_kafka_broker_rtt_seconds", with(c, "broker", broker), rtt);
    }
  }
  out.family("kassa_kafka_queued_messages", "gauge",
             "Messages waiting in a client's queues: the producer's not yet acknowledged, a "
             "consumer's fetched and not yet read.");
  for (const auto& c : clients)
    out.sample("kassa_kafka_queued_messages", who(c), c.queued_messages);
  out.family("kassa_kafka_messages_total", "counter",
             "Messages a client sent to or received from the brokers (since the client started).");
  for (const auto& c : clients) {
    out.sample("kassa_kafka_messages_total", with(c, "direction", "sent"), c.messages_sent);
    out.sample("kassa_kafka_messages_total", with(c, "direction", "received"), c.messages_received);
  }
  out.family("kassa_kafka_bytes_total", "counter", "Bytes a client's requests sent and received.");
  for (const auto& c : clients) {
    out.sample("kassa_kafka_bytes_total", with(c, "direction", "sent"), c.bytes_sent);
    out.sample("kassa_kafka_bytes_total", with(c, "direction", "received"), c.bytes_received);
  }
  out.family("kassa_kafka_errors_total", "counter",
             "A client's transmission and reception errors and request timeouts, all brokers.");
  for (const auto& c : clients) out.sample("kassa_kafka_errors_total", who(c), c.errors);
  out.family("kassa_kafka_statistics_age_seconds", "gauge",
             "Seconds since a client last reported its statistics (every second while it runs).");
  for (const auto& c : clients)
    out.sample("kassa_kafka_statistics_age_seconds", who(c), c.age_seconds);
}

// The log's, the projector's and the stores' families for GET /metrics.
void write_state_metrics(MetricsText& out, log::EventLog& log, const ProjectorSource& source,
                         const std::vector<WritableStore>& stores) {
  const log::EventLog::Health h = log.health();
  out.family("kassa_log_writable", "gauge", "1 when the event log accepts appends.");
  out.sample("kassa_log_writable", {{"kind", log.config().brokers.empty() ? "journal" : "kafka"}},
             std::uint64_t{h.writable ? 1u : 0u});
  write_kafka_client_metrics(out, log.client_stats());
  out.family("kassa_store_writable", "gauge",
             "1 when the store accepts writes (keys, idempotency, access log).");
  for (const WritableStore& s : stores) {
    out.sample("kassa_store_writable", {{"store", s.name}}, std::uint64_t{s.writable() ? 1u : 0u});
  }
  auto projector = source ? source() : nullptr;
  out.family("kassa_projector_running", "gauge", "1 while the projector runs (not halted).");
  out.sample("kassa_projector_running",
             std::uint64_t{projector != nullptr && !projector->halted() ? 1u : 0u});
  out.family("kassa_projector_failing", "gauge",
             "1 while the projector's batches fail and are retried (a full disk).");
  out.sample("kassa_projector_failing",
             std::uint64_t{projector != nullptr && projector->failing() ? 1u : 0u});
  if (!projector) return;
  const projections::ProjectorStats st = projector->stats();
  out.family("kassa_projector_events_applied_total", "counter",
             "Events applied to the projections by this process.");
  out.sample("kassa_projector_events_applied_total", st.applied);
  out.family("kassa_projector_quarantined_total", "counter",
             "Records moved to the quarantine (corrupt, broken chain, unknown type).");
  out.sample("kassa_projector_quarantined_total", st.quarantined);
  out.family("kassa_projector_redeliveries_skipped_total", "counter",
             "Exact redeliveries the projector dropped.");
  out.sample("kassa_projector_redeliveries_skipped_total", st.skipped);
  out.family("kassa_projector_batches_total", "counter",
             "Batches committed to the projection store.");
  out.sample("kassa_projector_batches_total", st.batches);
  out.family("kassa_projector_seconds_total", "counter",
             "The projector's time by phase: read (and verify, on the reading thread), wait (for "
             "the reading thread), apply, commit.");
  out.sample("kassa_projector_seconds_total", {{"phase", "read"}}, st.read_seconds);
  out.sample("kassa_projector_seconds_total", {{"phase", "wait"}}, st.wait_seconds);
  out.sample("kassa_projector_seconds_total", {{"phase", "apply"}}, st.apply_seconds);
  out.sample("kassa_projector_seconds_total", {{"phase", "commit"}}, st.commit_seconds);
  out.family("kassa_projector_lag_records", "gauge",
             "Records in the partition not yet applied (high-water mark minus the next offset).");
  for (const log::Position& p : projector->positions()) {
    auto hwm = log.high_water_mark(p.topic, p.partition);
    if (!hwm.ok()) continue;  // the log cannot say now (an outage): no sample
    out.sample("kassa_projector_lag_records",
               {{"topic", std::string(log::topic_suffix(p.topic))},
                {"partition", std::to_string(p.partition)}},
               static_cast<std::uint64_t>(std::max<std::int64_t>(0, *hwm - p.offset)));
  }
}

}  // namespace

void add_health_routes(Router& router, log::EventLog& log, const ProjectorSource& projector,
                       std::vector<WritableStore> stores) {
  auto shared = std::make_shared<const std::vector<WritableStore>>(std::move(stores));
  router.add_metrics([&log, projector, shared](MetricsText& out) {
    write_state_metrics(out, log, projector, *shared);
    write_process_metrics(out);
  });
  // Public like /health: counts and states, no personal data, no tokens.
  router.add_public(Method::kGet, "/metrics", [&router](const RequestContext&) -> Result<Reply> {
    Reply reply;
    reply.raw_body = router.metrics_text();
    reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return reply;
  });
  router.add_health_detail("log", [&log] { return log_state(log); });
  router.add_health_detail("projections", [projector] { return projector_state(projector); });
  router.add_health_detail("stores", [shared] { return store_states(*shared); });
  router.add_public(
      Method::kGet, "/ready", [&log, projector, shared](const RequestContext&) -> Result<Reply> {
        const nlohmann::json log_json = log_state(log);
        const nlohmann::json proj = projector_state(projector);
        const nlohmann::json stores_json = store_states(*shared);
        bool ready = log_json["writable"].get<bool>() && proj["running"].get<bool>() &&
                     !proj.contains("halted") && !proj.contains("failing");
        for (const auto& [name, writable] : stores_json.items())
          ready = ready && writable.get<bool>();
        Reply reply(
            ready ? 200 : 503,
            {{"ready", ready}, {"log", log_json}, {"projections", proj}, {"stores", stores_json}});
        return reply;
      });
}

}  // namespace kassa::http
