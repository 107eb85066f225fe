#include "log/kafka/kafka_stats.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace kassa::log::kafka {

namespace {

std::uint64_t count_of(const nlohmann::json& object, const char* field) {
  const auto it = object.find(field);
  if (it == object.end() || !it->is_number()) return 0;
  return it->is_number_unsigned()
             ? it->get<std::uint64_t>()
             : static_cast<std::uint64_t>(std::max<std::int64_t>(0, it->get<std::int64_t>()));
}

}  // namespace

std::optional<EventLog::ClientStats> KafkaStatsBoard::parse(std::string_view json) {
  const nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("name") || !doc["name"].is_string()) return std::nullopt;
  EventLog::ClientStats s;
  s.name = doc["name"].get<std::string>();
  s.role = doc.value("type", std::string());
  s.messages_sent = count_of(doc, "txmsgs");
  s.messages_received = count_of(doc, "rxmsgs");
  s.bytes_sent = count_of(doc, "tx_bytes");
  s.bytes_received = count_of(doc, "rx_bytes");
  if (s.role == "producer") {
    s.queued_messages = count_of(doc, "msg_cnt");
  } else if (const auto topics = doc.find("topics"); topics != doc.end() && topics->is_object()) {
    // A consumer's queue: the messages fetched and not yet polled.
    for (const auto& [name, topic] : topics->items()) {
      const auto partitions = topic.find("partitions");
      if (partitions == topic.end() || !partitions->is_object()) continue;
      for (const auto& [id, partition] : partitions->items()) {
        if (id != "-1") s.queued_messages += count_of(partition, "fetchq_cnt");
      }
    }
  }
  if (const auto brokers = doc.find("brokers"); brokers != doc.end() && brokers->is_object()) {
    for (const auto& [key, broker] : brokers->items()) {
      if (!broker.is_object()) continue;
      s.errors += count_of(broker, "txerrs") + count_of(broker, "rxerrs") +
                  count_of(broker, "req_timeouts");
      // The cluster's brokers, by node id: a bootstrap address becomes one
      // once the cluster names it (its source stays "configured"); one it
      // never named, and librdkafka's internal queue, have node id -1. A
      // consumer's "GroupCoordinator" (source "logical") is a second
      // connection to one of them, not another broker.
      const auto node = broker.find("nodeid");
      if (node == broker.end() || !node->is_number_integer() || node->get<std::int64_t>() < 0)
        continue;
      const std::string source = broker.value("source", std::string());
      if (source == "logical" || source == "internal") continue;
      s.brokers_by_state[broker.value("state", std::string("UNKNOWN"))] += 1;
      const auto rtt = broker.find("rtt");
      if (rtt != broker.end() && rtt->is_object()) {
        s.rtt_seconds.emplace_back(broker.value("name", key),
                                   static_cast<double>(count_of(*rtt, "avg")) / 1e6);
      }
    }
  }
  return s;
}

void KafkaStatsBoard::update(std::string_view json) {
  auto parsed = parse(json);
  if (!parsed) return;
  std::string name = parsed->name;  // before the move below (the right side goes first)
  std::lock_guard lock(mu_);
  clients_[std::move(name)] = Entry{std::move(*parsed), std::chrono::steady_clock::now()};
}

void KafkaStatsBoard::remove(const std::string& client_name) {
  std::lock_guard lock(mu_);
  clients_.erase(client_name);
}

std::vector<EventLog::ClientStats> KafkaStatsBoard::snapshot() const {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  std::vector<EventLog::ClientStats> out;
  out.reserve(clients_.size());
  for (const auto& [name, entry] : clients_) {
    out.push_back(entry.stats);
    out.back().age_seconds = std::chrono::duration<double>(now - entry.at).count();
  }
  return out;
}

}  // namespace kassa::log::kafka
