#pragma once
// Hand-made events, chained per aggregate and appended to a log, for tests
// of the log's and the projector's machinery that need a large log fast
// (the crash test and the throughput runner). Read models are tested on
// histories decided by the domain (ledger_fixture.h).

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "log/event_codec.h"
#include "log/event_log.h"
#include "log/random.h"
#include "test_basics.h"

namespace kassa::projections::testing {

template <typename T>
s::EventBodyUnion body(T value) {
  s::EventBodyUnion u;
  u.Set(std::move(value));
  return u;
}

// Chains events per aggregate (sequence, prev_hash) and appends them.
class EventWriter {
 public:
  EventWriter(log::EventLog& log, std::uint64_t seed, std::int64_t start_us)
      : log_(log), random_(seed), clock_us_(start_us) {}

  log::SeededRandom& random() { return random_; }
  std::int64_t clock_us() const { return clock_us_; }
  void set_clock_us(std::int64_t us) { clock_us_ = us; }

  // Encodes (without appending) the next event of an aggregate.
  log::EncodedEvent encode(s::AggregateKind kind, const std::string& key, std::int32_t effective,
                           std::uint16_t quarter,
                           const std::function<s::EventBodyUnion(const log::Uuid&)>& make) {
    clock_us_ += 1'000'000;
    auto& tip = tips_[std::string(1, static_cast<char>(kind)) + key];
    log::EventHeader h;
    h.event_id = log::Uuid::v7(clock_us_ / 1000, random_);
    h.aggregate_kind = kind;
    h.aggregate_key = key;
    h.sequence = tip.first + 1;
    h.recorded_at_us = clock_us_;
    h.effective_days = effective;
    h.effective_quarter = quarter;
    h.decided_days = effective;  // hand-made: decided on the date it is about
    h.actor = "staff:u0042";
    h.prev_hash = tip.second;
    auto encoded = must(log::encode_event(h, make(h.event_id)));
    tip = {h.sequence, encoded.hash};
    last_id_ = h.event_id;
    return encoded;
  }

  static log::Topic topic_of(s::AggregateKind kind) {
    return kind == s::AggregateKind::Person ? log::Topic::kPersonEvents
                                            : log::Topic::kCompanyEvents;
  }

  // Appends one event; returns its offset.
  std::int64_t append(s::AggregateKind kind, const std::string& key, std::int32_t effective,
                      std::uint16_t quarter,
                      const std::function<s::EventBodyUnion(const log::Uuid&)>& make) {
    auto e = encode(kind, key, effective, quarter, make);
    std::vector<log::Record> recs{
        log::Record{std::string(reinterpret_cast<const char*>(e.frame.data()), e.frame.size()),
                    std::string(e.type_name()), e.schema_version}};
    return must(log_.append(topic_of(kind), key, recs)).front();
  }

  const log::Uuid& last_id() const { return last_id_; }

 private:
  log::EventLog& log_;
  log::SeededRandom random_;
  std::int64_t clock_us_;
  std::map<std::string, std::pair<std::uint64_t, log::Hash>> tips_;
  log::Uuid last_id_;
};

}  // namespace kassa::projections::testing
