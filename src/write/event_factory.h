#pragma once
// EventFactory — turns what decide() returned (domain::NewEvent) into stored
// events: it adds the envelope (a UUIDv7 event id, the aggregate's next
// sequence and the previous event's hash, recorded_at from the injected
// clock, actor, causation and correlation ids), seals the plaintext personal
// data with the data subject's key, and encodes the frame.
//
// The clock is an input (UTC microseconds), so tests and the demo generator
// can fix it; kassad passes the system clock.
//
// Thread-safety: build() may be called from several threads; the key store
// and random source must be thread-safe (RocksDbKeyStore and SodiumRandom
// are).

#include <functional>
#include <string>
#include <vector>

#include "domain/aggregate.h"
#include "log/chain_verifier.h"
#include "log/event_codec.h"
#include "log/personal_data.h"

namespace kassa::write {

using Clock = std::function<std::int64_t()>;  // UTC microseconds
Clock system_clock();

// What one command is about to append to one aggregate: enough to find
// the events in the log afterwards and tell them from any others (the
// last event's hash names its content and everything before it).
struct PreparedAppend {
  schemas::AggregateKind kind = schemas::AggregateKind::Person;
  std::string aggregate_key;
  std::uint64_t first_sequence = 0;
  std::uint64_t last_sequence = 0;
  log::Hash last_hash{};
};

// Who and what caused a command's events.
struct CommandMeta {
  std::string actor;         // the principal's id, never personal data
  log::Uuid correlation_id;  // the request or batch run
  log::Uuid causation_id;    // the command itself (nil: a fresh id is drawn)
  // AggregateWriter::execute calls it with the events it decided, after
  // encoding them and before the append; an error aborts the command with
  // nothing appended. An Idempotency-Key records it durably, so that a
  // retry after a crash or a lost acknowledgement can find the events and
  // answer as the first request would have (http/idempotency.h).
  std::function<Status(const PreparedAppend&)> before_append;
};

class EventFactory {
 public:
  EventFactory(log::KeyStore& keys, log::Random& random, Clock clock)
      : keys_(keys), random_(random), clock_(std::move(clock)) {}

  // Encodes `events` of one aggregate after `tip`, advancing `tip`; each
  // envelope's decided_days is `decided`, the business date of the command
  // that decided them. On error
  // `tip` is unchanged and nothing was written anywhere (a key created for a
  // registration that then fails is harmless: it seals nothing).
  Result<std::vector<log::EncodedEvent>> build(schemas::AggregateKind kind, const std::string& key,
                                               log::ChainTip& tip,
                                               std::vector<domain::NewEvent>& events,
                                               const CommandMeta& meta, domain::Date decided);

  // Makes every key build() created durable (one sync, none when it
  // created none): the writer calls it before each append, so no event
  // is durable before the key that sealed its personal data.
  Status make_keys_durable() { return keys_.sync_keys(); }

  log::Random& random() { return random_; }
  std::int64_t now_us() const { return clock_(); }

 private:
  Status seal_personal(schemas::AggregateKind kind, const std::string& key, const log::Uuid& id,
                       domain::NewEvent& event);

  log::KeyStore& keys_;
  log::Random& random_;
  Clock clock_;
};

}  // namespace kassa::write
