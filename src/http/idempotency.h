#pragma once
// Idempotency-Key: a retried command returns the first answer without
// executing again. A small RocksDB (data_dir/idempotency) keyed by
// principal + '\n' + key holds (request hash, status, response body). The
// request hash covers method, path and body: the same key with another
// request is refused (422 IdempotencyKeyReused). 2xx and 4xx answers are
// stored; 5xx never (the caller should retry and actually execute).
//
// Crash window: between the durable append and storing the answer a crash
// loses the stored answer, and a retry executes again. The retries that
// matter are covered by the domain's own idempotency (a bank reference is
// recorded once, a quarter is assessed once, a run changes nothing twice).
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

namespace rocksdb {
class DB;
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

  // In-process guard: a second request with a key whose first request is
  // still running gets 409 IdempotencyKeyInFlight (not stored) instead of
  // executing beside it. begin() false: in flight; end() after put().
  bool begin(const std::string& principal, const std::string& key);
  void end(const std::string& principal, const std::string& key);

 private:
  explicit IdempotencyStore(std::unique_ptr<rocksdb::DB> db);
  std::unique_ptr<rocksdb::DB> db_;
  std::mutex mu_;
  std::set<std::string> in_flight_;
};

// Wraps a command handler: with an Idempotency-Key header, answers a retry
// from `store`; without one, runs the handler. `store` may be null.
Handler idempotent(IdempotencyStore* store, Handler handler);

}  // namespace kassa::http
