#pragma once
// The quarantine: records that fail verification (a FlatBuffers buffer that
// does not verify, a broken hash chain, an unknown event type) are moved
// aside with the reason and their original place, counted, and skipped, so
// one bad record never stops a reader.
//
// The check itself is a verifier supplied by the caller (the envelope codec
// and hash chains plug in here, event_verifier.h); the reader knows only
// bytes and hands over whatever the verifier returned with each record.
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
#include <memory>
#include <set>

#include "log/event_log.h"

namespace kassa::log {

// Returns what it verified (a decoded event, the caller's decision about
// the record), or an error whose rule and message become the quarantine
// reason of a record that must not be applied. May keep state (a hash chain
// per aggregate); it is called again for a record whose quarantine write
// failed.
template <typename V>
using VerifierOf = std::function<Result<V>(const StoredRecord&)>;

// A delivered record with what its verifier returned for it: the reader
// hands both over together, so nothing is held twice or popped in step.
template <typename V>
struct Verified {
  StoredRecord record;
  V verdict;
};

namespace detail {

// What every verifying reader shares whatever its verdict: the records
// polled and not handled yet, the positions, the quarantine writes.
class ReaderCore {
 public:
  ReaderCore(EventLog& log, std::unique_ptr<Subscription> source);
  // Polls the subscription when nothing is pending.
  Status fill(std::size_t max, std::chrono::milliseconds timeout);
  bool has_pending() const { return !pending_.empty(); }
  const StoredRecord& front() const { return pending_.front(); }
  // Moves the first pending record to the quarantine with `why` and past
  // it; on failure (logged) it stays first.
  Status quarantine_front(const Error& why);
  // The first pending record, moved out; the positions pass it.
  StoredRecord take_front();
  std::vector<Position> positions() const { return positions_; }
  uint64_t quarantined_count() const { return quarantined_; }

 private:
  Status load_quarantined_keys();
  void advance(const StoredRecord& record);

  EventLog& log_;
  std::unique_ptr<Subscription> source_;
  std::deque<StoredRecord> pending_;  // polled from source_, not yet handled
  std::vector<Position> positions_;
  std::set<std::string> quarantined_keys_;
  bool keys_loaded_ = false;
  uint64_t quarantined_ = 0;
};

}  // namespace detail

template <typename V>
class VerifyingReaderOf {
 public:
  // REQUIRES: `log` outlives the reader.
  VerifyingReaderOf(EventLog& log, std::unique_ptr<Subscription> source, VerifierOf<V> verify)
      : core_(log, std::move(source)), verify_(std::move(verify)) {}

  // Up to `max` verified records, each with its verdict. Failed ones go to
  // the quarantine and are skipped. If writing to the quarantine fails, the
  // records before the bad one are returned and the bad one is verified
  // again by the next poll; with nothing to return, the error is.
  Result<std::vector<Verified<V>>> poll(std::size_t max, std::chrono::milliseconds timeout) {
    KASSA_TRY(core_.fill(max, timeout));
    std::vector<Verified<V>> out;
    while (core_.has_pending() && out.size() < max) {
      Result<V> verdict = verify_(core_.front());
      if (!verdict.ok()) {
        Status moved = core_.quarantine_front(verdict.error());
        if (!moved.ok()) {
          if (out.empty()) return moved.error();
          return out;  // the bad record stays first
        }
        continue;
      }
      out.push_back(Verified<V>{core_.take_front(), std::move(verdict).value()});
    }
    return out;
  }

  // Where a caller resumes: one past the last record delivered or
  // quarantined, per partition. Store these with what the records produced.
  std::vector<Position> positions() const { return core_.positions(); }

  // Records this reader moved to (or found already in) the quarantine.
  uint64_t quarantined_count() const { return core_.quarantined_count(); }

 private:
  detail::ReaderCore core_;
  VerifierOf<V> verify_;
};

// A verifier with nothing to hand over: a record passes or is quarantined.
using RecordVerifier = std::function<Status(const StoredRecord&)>;

// A VerifyingReaderOf whose records carry no verdict.
class VerifyingReader {
 public:
  // REQUIRES: `log` outlives the reader.
  VerifyingReader(EventLog& log, std::unique_ptr<Subscription> source, RecordVerifier verify);

  // As VerifyingReaderOf::poll, the records alone.
  Result<std::vector<StoredRecord>> poll(std::size_t max, std::chrono::milliseconds timeout);
  std::vector<Position> positions() const { return reader_.positions(); }
  uint64_t quarantined_count() const { return reader_.quarantined_count(); }

 private:
  struct Passed {};
  VerifyingReaderOf<Passed> reader_;
};

// Every record in the quarantine log, partition by partition.
Result<std::vector<StoredRecord>> read_quarantine(EventLog& log);

}  // namespace kassa::log
