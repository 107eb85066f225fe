#include "http/idempotency.h"

#include <httplib.h>
#include <rocksdb/db.h>
#include <sodium.h>

#include <spdlog/spdlog.h>

#include <cstdio>

#include "http/errors.h"
#include "log/recovering_db.h"
#include "log/rocksdb_logger.h"
#include "log/uuid.h"

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
  return log::to_hex(out, sizeof out);
}

constexpr int kPrepared = 0;  // status of a record whose answer is not known yet

std::optional<log::Hash> from_hex(const std::string& hex) {
  log::Hash h{};
  if (hex.size() != h.size() * 2) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < h.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    h[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return h;
}

nlohmann::json prepared_json(const write::PreparedAppend& p) {
  return {{"kind", static_cast<int>(p.kind)},
          {"key", p.aggregate_key},
          {"first", p.first_sequence},
          {"last", p.last_sequence},
          {"hash", log::to_hex(p.last_hash.data(), p.last_hash.size())}};
}

Result<write::PreparedAppend> prepared_from(const nlohmann::json& j) {
  write::PreparedAppend p;
  auto bad = [] {
    return Error::corrupt("IdempotencyRecord", "a prepared append does not decode");
  };
  if (!j.is_object() || !j.contains("hash") || !j["hash"].is_string()) return bad();
  const auto hash = from_hex(j["hash"].get<std::string>());
  const int kind = j.value("kind", -1);
  if (!hash || kind < 0 || kind > static_cast<int>(schemas::AggregateKind::MAX)) return bad();
  p.kind = static_cast<schemas::AggregateKind>(kind);
  p.aggregate_key = j.value("key", "");
  p.first_sequence = j.value("first", std::uint64_t{0});
  p.last_sequence = j.value("last", std::uint64_t{0});
  p.last_hash = *hash;
  if (p.aggregate_key.empty() || p.first_sequence == 0 || p.last_sequence < p.first_sequence)
    return bad();
  return p;
}

}  // namespace

Status IdempotentRequest::prepare(const write::PreparedAppend& prepared) {
  appends_.push_back(prepared_json(prepared));
  IdempotencyStore::Stored stored;
  stored.request_hash = request_hash_;
  stored.status = kPrepared;
  stored.body = nlohmann::json{{"prepared", appends_}, {"extra", extra_}}.dump();
  return store_.put(principal_, key_, stored);
}

IdempotencyStore::IdempotencyStore(std::unique_ptr<log::RecoveringDb> db) : db_(std::move(db)) {}
IdempotencyStore::~IdempotencyStore() = default;

bool IdempotencyStore::writable() const { return db_->writable(); }

Status IdempotencyStore::checkpoint(const std::string& dir) const {
  return db_->checkpoint(dir, "idempotency store");
}

Result<std::unique_ptr<IdempotencyStore>> IdempotencyStore::open(const std::string& path) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.info_log = log::rocksdb_info_log("idempotency");
  std::unique_ptr<log::RecoveringDb> db;
  auto st = log::RecoveringDb::open("idempotency store", path, options, &db);
  if (!st.ok()) return Error::unavailable("IdempotencyStoreOpen", st.ToString());
  return std::unique_ptr<IdempotencyStore>(new IdempotencyStore(std::move(db)));
}

Result<std::optional<IdempotencyStore::Stored>> IdempotencyStore::find(
    const std::string& principal, const std::string& key) const {
  std::string value;
  auto st = db_->get(db_key(principal, key), &value);
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
  char status[4];
  std::snprintf(status, sizeof status, "%03d", stored.status);
  std::string value = stored.request_hash + status + stored.body;
  rocksdb::WriteBatch batch;
  batch.Put(db_key(principal, key), value);
  auto st = db_->write(batch);
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

Handler idempotent(IdempotencyStore* store, Handler handler,
                   std::shared_ptr<const PreparedFinder> finder) {
  return [store, handler = std::move(handler),
          finder = std::move(finder)](const RequestContext& ctx) -> Result<Reply> {
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
    KASSA_ASSIGN_OR_RETURN(auto found, store->find(ctx.principal.name, *key));
    if (found.has_value()) {
      const auto& s = *found;
      if (s.request_hash != hash) {
        return Error::violation("IdempotencyKeyReused",
                                "this Idempotency-Key was used for a different request",
                                "Idempotency-Key");
      }
      if (s.status != kPrepared) {
        Reply replay;  // the first answer's own text (JSON), not parsed again
        replay.status = s.status;
        replay.raw_body = s.body;
        return replay;
      }
      // The first request prepared appends and never stored its answer:
      // kassad died, or the log's acknowledgement was lost. Ask the log.
      if (finder) {
        const auto record = nlohmann::json::parse(s.body, nullptr, false);
        if (record.is_discarded() || !record.contains("prepared")) {
          return Error::corrupt("IdempotencyRecord", "a prepared record does not decode");
        }
        std::optional<Reply> answer;
        bool any = false;
        bool all = true;
        for (const auto& j : record["prepared"]) {
          KASSA_ASSIGN_OR_RETURN(auto prepared, prepared_from(j));
          KASSA_ASSIGN_OR_RETURN(auto events, finder->find(prepared));
          if (events.has_value()) {
            any = true;
            answer =
                finder->answer(prepared, *events, record.value("extra", nlohmann::json::object()));
          } else {
            all = false;
          }
        }
        if (any && !all) {
          return Error::conflict(
              "IdempotencyOutcomePartial",
              "the first request with this Idempotency-Key wrote part of what it "
              "decided before it failed; look at the aggregates' events",
              "Idempotency-Key");
        }
        if (any) {
          spdlog::info("idempotent retry answered from the log principal={}", ctx.principal.name);
          IdempotencyStore::Stored stored{hash, answer->status, json_text(answer->body)};
          if (auto put = store->put(ctx.principal.name, *key, stored); !put) return put.error();
          return *answer;
        }
        // Nothing of it is in the log: the first request never appended.
      }
    }
    IdempotentRequest request(*store, ctx.principal.name, *key, hash);
    RequestContext keyed = ctx;
    keyed.idempotent = &request;
    Result<Reply> reply = handler(keyed);
    IdempotencyStore::Stored stored;
    stored.request_hash = hash;
    if (reply) {
      stored.status = reply->status;
      KASSA_ASSERT(reply->content_type == "application/json", "an idempotent route answers JSON");
      stored.body = reply->raw_body.empty() ? json_text(reply->body) : reply->raw_body;
    } else {
      stored.status = http_status(reply.error().code);
      stored.body = json_text(error_body(reply.error()));
    }
    // A 5xx is not the answer: the caller retries. When the command had
    // prepared appends, the record stays prepared, and the retry asks the
    // log whether they landed.
    if (stored.status < 500) {
      if (auto put = store->put(ctx.principal.name, *key, stored); !put) return put.error();
    }
    return reply;
  };
}

}  // namespace kassa::http
