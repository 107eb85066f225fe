#pragma once
// Idempotency-Key: a retried command returns the first answer without
// executing again. A small RocksDB (data_dir/idempotency) keyed by
// principal + '\n' + key holds (request hash, status, response body). The
// request hash covers method, path and body: the same key with another
// request is refused (422 IdempotencyKeyReused). 2xx and 4xx answers are
// stored; 5xx never (the caller should retry and actually execute). The
// routes wrapped answer JSON (a tree, or a text already written: the bank
// import's); a retry gets the stored text as it is, as application/json.
//
// Crashes and lost acknowledgements: before a keyed command appends, the
// store records what it is about to append (status 000, "prepared":
// aggregate, sequences, the last event's hash), synced. If kassad dies
// after the append and before the answer is stored, or the log took the
// events but the acknowledgement was lost (a 503), the record stays
// prepared. A retry then waits for the read models to catch up with the
// log and looks for those events in the event index: found (the same
// hash at the same sequence), it answers what the first request would
// have answered (201, the same events, PartyId, member number) and
// stores that; not found, the append never happened and the command
// executes. Requests that append to several aggregates, where only some
// appends were found, answer 409 IdempotencyOutcomePartial.
//
// After a failed write (a full disk) put() is refused at once until the
// store was reopened (log/recovering_db.h).
//
// Thread-safety: all methods from any thread (RocksDB is thread-safe);
// concurrent requests with one key: the first executes, the others get 409
// IdempotencyKeyInFlight and may retry.

#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "http/router.h"
#include "write/aggregate_writer.h"
#include "write/event_factory.h"

namespace kassa::log {
class RecoveringDb;
}

namespace kassa::http {

class IdempotencyStore {
 public:
  static Result<std::unique_ptr<IdempotencyStore>> open(const std::string& path);
  ~IdempotencyStore();

  struct Stored {
    std::string request_hash;
    int status = 200;
    std::string body;
  };
  Result<std::optional<Stored>> find(const std::string& principal, const std::string& key) const;
  Status put(const std::string& principal, const std::string& key, const Stored& stored);
  // False after a failed put() until the store was reopened.
  bool writable() const;
  // A consistent copy of the store in `dir` (a backup), beside use.
  Status checkpoint(const std::string& dir) const;

  // In-process guard: a second request with a key whose first request is
  // still running gets 409 IdempotencyKeyInFlight (not stored) instead of
  // executing beside it. begin() false: in flight; end() after put().
  bool begin(const std::string& principal, const std::string& key);
  void end(const std::string& principal, const std::string& key);

 private:
  explicit IdempotencyStore(std::unique_ptr<log::RecoveringDb> db);
  std::unique_ptr<log::RecoveringDb> db_;
  std::mutex mu_;
  std::set<std::string> in_flight_;
};

// A keyed request while it runs (RequestContext::idempotent).
class IdempotentRequest {
 public:
  IdempotentRequest(IdempotencyStore& store, std::string principal, std::string key,
                    std::string request_hash)
      : store_(store),
        principal_(std::move(principal)),
        key_(std::move(key)),
        request_hash_(std::move(request_hash)) {}
  // Records, durably, what a command is about to append
  // (CommandMeta::before_append).
  Status prepare(const write::PreparedAppend& prepared);
  // A field of the answer decided before the append (a member number),
  // kept with the prepared appends for an answer rebuilt after a crash.
  void remember(const std::string& field, nlohmann::json value) {
    extra_[field] = std::move(value);
  }
  bool prepared() const { return !appends_.empty(); }

 private:
  IdempotencyStore& store_;
  std::string principal_;
  std::string key_;
  std::string request_hash_;
  nlohmann::json appends_ = nlohmann::json::array();
  nlohmann::json extra_ = nlohmann::json::object();
};

// Finds a prepared append in the log after the fact, and answers for it.
class PreparedFinder {
 public:
  virtual ~PreparedFinder() = default;
  // The appended events when all of `prepared` is in the log (the read
  // models caught up first), else nullopt.
  virtual Result<std::optional<write::Outcome>> find(
      const write::PreparedAppend& prepared) const = 0;
  // What the first request answered for them, with the remembered fields.
  virtual Reply answer(const write::PreparedAppend& prepared, const write::Outcome& outcome,
                       const nlohmann::json& extra) const = 0;
};

// Wraps a command handler: with an Idempotency-Key header, answers a retry
// from `store`; without one, runs the handler. `store` may be null; with
// `finder`, a retry after a crash or a lost acknowledgement answers from
// the log (above), without it the command executes again.
Handler idempotent(IdempotencyStore* store, Handler handler,
                   std::shared_ptr<const PreparedFinder> finder = nullptr);

}  // namespace kassa::http
