#pragma once
// The quarantine: records that fail verification (a FlatBuffers buffer that
// does not verify, a broken hash chain, an unknown event type) are moved
// aside with the reason and their original place, counted, and skipped, so
// one bad record never stops a reader.
//
// The check itself is a RecordVerifier supplied by the caller (the events
// module's envelope codec plugs in here); this module knows only bytes.
//
// Idempotence: a quarantine record's key is quarantine_key() of the
// original. Before its first quarantine write, a VerifyingReader loads the
// keys already in the quarantine log, so re-reading the same bad offset after
// a restart (the projector resumes from its stored offset) writes nothing new.
// Two readers quarantining the same record at the same moment could still
// write it twice; readers of quarantine() should treat the key as unique.
//
// Thread-safety: a VerifyingReader is used by one thread at a time, like the
// Subscription it wraps.

#include <cstdint>
#include <deque>
#include <functional>
#include <set>

#include "log/event_log.h"

namespace kassa::log {

// Returns an error (its rule and message become the quarantine reason) for a
// record that must not be applied. May keep state (a hash chain per
// aggregate); it is called again for a record whose quarantine write failed.
using RecordVerifier = std::function<Status(const StoredRecord&)>;

class VerifyingReader {
 public:
  // REQUIRES: `log` outlives the reader.
  VerifyingReader(EventLog& log, std::unique_ptr<Subscription> source, RecordVerifier verify);

  // Up to `max` verified records. Failed ones go to the quarantine and are
  // skipped. If writing to the quarantine fails, the records before the bad
  // one are returned and the bad one is retried by the next poll; with
  // nothing to return, the error is.
  Result<std::vector<StoredRecord>> poll(std::size_t max, std::chrono::milliseconds timeout);

  // Where a caller resumes: one past the last record delivered or
  // quarantined, per partition. Store these with what the records produced.
  std::vector<Position> positions() const;

  // Records this reader moved to (or found already in) the quarantine.
  uint64_t quarantined_count() const { return quarantined_; }

 private:
  Status quarantine(const StoredRecord& record, const std::string& reason);
  Status load_quarantined_keys();
  void advance(const StoredRecord& record);

  EventLog& log_;
  std::unique_ptr<Subscription> source_;
  RecordVerifier verify_;
  std::deque<StoredRecord> pending_;  // polled from source_, not yet handled
  std::vector<Position> positions_;
  std::set<std::string> quarantined_keys_;
  bool keys_loaded_ = false;
  uint64_t quarantined_ = 0;
};

// Every record in the quarantine log, partition by partition.
Result<std::vector<StoredRecord>> read_quarantine(EventLog& log);

}  // namespace kassa::log
