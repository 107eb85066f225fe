#pragma once
// KafkaStatsBoard — the latest statistics of each librdkafka client a
// KafkaLog runs (its producer, its readers), as EventLog::ClientStats for
// GET /metrics. librdkafka reports a JSON document per client every
// statistics.interval.ms (STATISTICS.md); update() keeps the few figures
// an operator watches (brokers by connection state, round trips, queued
// messages, traffic, errors) and drops the rest. A client's entry is
// removed when the client is destroyed.
//
// Nothing personal is in these figures: broker addresses, counts, bytes.
//
// Thread-safety: all methods from any thread (one mutex).

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "log/event_log.h"

namespace kassa::log::kafka {

class KafkaStatsBoard {
 public:
  // One client's statistics document; a document that does not parse is
  // ignored (the previous figures stay and age).
  void update(std::string_view json);
  void remove(const std::string& client_name);
  std::vector<EventLog::ClientStats> snapshot() const;

  // The figures of one statistics document; nullopt when it does not parse.
  static std::optional<EventLog::ClientStats> parse(std::string_view json);

 private:
  struct Entry {
    EventLog::ClientStats stats;
    std::chrono::steady_clock::time_point at;
  };
  mutable std::mutex mu_;
  std::map<std::string, Entry> clients_;
};

}  // namespace kassa::log::kafka
