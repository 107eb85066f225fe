#include "http/idempotency.h"

#include <httplib.h>
#include <rocksdb/db.h>
#include <sodium.h>

#include "http/errors.h"

namespace kassa::http {

namespace {

std::string db_key(const std::string& principal, const std::string& key) {
  return principal + '\n' + key;
}

std::string request_hash(const httplib::Request& req) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, 32);
  const std::string head = req.method + ' ' + req.path + '\n';
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(head.data()), head.size());
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(req.body.data()),
                            req.body.size());
  unsigned char out[32];
  crypto_generichash_final(&st, out, sizeof out);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : out) {
    hex.push_back(kHex[c >> 4]);
    hex.push_back(kHex[c & 15]);
  }
  return hex;
}

}  // namespace

IdempotencyStore::IdempotencyStore(std::unique_ptr<rocksdb::DB> db) : db_(std::move(db)) {}
IdempotencyStore::~IdempotencyStore() = default;

Result<std::unique_ptr<IdempotencyStore>> IdempotencyStore::open(const std::string& path) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  auto st = rocksdb::DB::Open(options, path, &raw);
  if (!st.ok()) return Error::unavailable("IdempotencyStoreOpen", st.ToString());
  return std::unique_ptr<IdempotencyStore>(new IdempotencyStore(std::unique_ptr<rocksdb::DB>(raw)));
}

Result<std::optional<IdempotencyStore::Stored>> IdempotencyStore::find(
    const std::string& principal, const std::string& key) const {
  std::string value;
  auto st = db_->Get(rocksdb::ReadOptions(), db_key(principal, key), &value);
  if (st.IsNotFound()) return std::optional<Stored>{};
  if (!st.ok()) return Error::unavailable("IdempotencyStoreRead", st.ToString());
  // [64 hex][3 status digits][body]
  if (value.size() < 67) return Error::corrupt("IdempotencyRecord", "short record");
  Stored stored;
  stored.request_hash = value.substr(0, 64);
  stored.status = 0;
  for (char c : value.substr(64, 3)) {
    if (c < '0' || c > '9') return Error::corrupt("IdempotencyRecord", "status is not 3 digits");
    stored.status = stored.status * 10 + (c - '0');
  }
  stored.body = value.substr(67);
  return std::optional<Stored>{std::move(stored)};
}

Status IdempotencyStore::put(const std::string& principal, const std::string& key,
                             const Stored& stored) {
  std::string value = stored.request_hash + std::to_string(stored.status) + stored.body;
  rocksdb::WriteOptions options;
  options.sync = true;
  auto st = db_->Put(options, db_key(principal, key), value);
  if (!st.ok()) return Error::unavailable("IdempotencyStoreWrite", st.ToString());
  return {};
}

bool IdempotencyStore::begin(const std::string& principal, const std::string& key) {
  std::lock_guard lock(mu_);
  return in_flight_.insert(db_key(principal, key)).second;
}

void IdempotencyStore::end(const std::string& principal, const std::string& key) {
  std::lock_guard lock(mu_);
  in_flight_.erase(db_key(principal, key));
}

Handler idempotent(IdempotencyStore* store, Handler handler) {
  return [store, handler = std::move(handler)](const RequestContext& ctx) -> Result<Reply> {
    auto key = ctx.header("Idempotency-Key");
    if (store == nullptr || !key || key->empty()) return handler(ctx);
    if (key->size() > 200) {
      return Error::invalid("Idempotency-Key", "IdempotencyKeyLength", "at most 200 characters");
    }
    const std::string hash = request_hash(*ctx.raw);
    if (!store->begin(ctx.principal.name, *key)) {
      return Error::conflict("IdempotencyKeyInFlight",
                             "a request with this Idempotency-Key is still running; retry",
                             "Idempotency-Key");
    }
    struct End {
      IdempotencyStore* store;
      const std::string& principal;
      const std::string& key;
      ~End() { store->end(principal, key); }
    } end{store, ctx.principal.name, *key};
    auto found = store->find(ctx.principal.name, *key);
    if (!found) return found.error();
    if (found->has_value()) {
      const auto& s = **found;
      if (s.request_hash != hash) {
        return Error::violation("IdempotencyKeyReused",
                                "this Idempotency-Key was used for a different request",
                                "Idempotency-Key");
      }
      Reply replay(s.status, nlohmann::json::parse(s.body, nullptr, false));
      return replay;
    }
    Result<Reply> reply = handler(ctx);
    IdempotencyStore::Stored stored;
    stored.request_hash = hash;
    if (reply) {
      stored.status = reply->status;
      stored.body = reply->body.dump();
    } else {
      stored.status = http_status(reply.error().code);
      stored.body = error_body(reply.error()).dump();
    }
    if (stored.status < 500) {
      if (auto put = store->put(ctx.principal.name, *key, stored); !put) return put.error();
    }
    if (!reply) return reply;
    return reply;
  };
}

}  // namespace kassa::http
