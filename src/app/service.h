#pragma once
// The composition root of kassad: builds the stores, the projector, the
// writers and every route, in dependency order, and tears them down in
// reverse. No behaviour of its own beyond start/stop ordering.
//
// Start: key store, NISS secret, projections (their own thread), access
// log, wait until the projector caught up with the log, member directory,
// writers (through WriterLog), routes. Stop: the caller stops the HTTP
// server first (no new commands), then stop() stops the projector.
//
// Thread-safety: start()/stop() from the main thread; what the routes use
// is thread-safe.

#include <memory>

#include "app/config.h"
#include "domain/fund_config.h"
#include "domain/rulebook.h"
#include "http/command_routes.h"
#include "http/idempotency.h"
#include "http/server.h"
#include "log/random.h"
#include "log/rocksdb_key_store.h"
#include "projections/access_log.h"
#include "projections/rebuild.h"
#include "write/aggregate_writer.h"
#include "write/aggregates.h"
#include "write/bank_import.h"
#include "write/event_factory.h"
#include "write/writer_log.h"

namespace kassa::app {

class Service {
 public:
  Service() = default;
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;
  ~Service() { stop(); }

  // Opens everything and registers every route on `router`. REQUIRES: `log`
  // outlives the service.
  Status start(const Config& config, log::EventLog& log, http::Router& router);
  void stop();

  // The personal-data key store (tests and tools check what erasure shred).
  const log::KeyStore& keys() const { return *keys_; }

 private:
  domain::Rulebook rulebook_ = domain::Rulebook::belgian_default();
  domain::FundConfig fund_ = domain::FundConfig::kassa_default();
  log::SodiumRandom random_;
  std::unique_ptr<log::RocksDbKeyStore> keys_;
  std::unique_ptr<projections::ProjectionRunner> projections_;
  std::unique_ptr<projections::AccessLog> access_log_;
  std::unique_ptr<write::WriterLog> writer_log_;
  std::unique_ptr<write::EventFactory> factory_;
  std::unique_ptr<write::AggregateWriter<write::PersonAggregate>> persons_;
  std::unique_ptr<write::AggregateWriter<write::CompanyAggregate>> companies_;
  std::unique_ptr<write::AggregateWriter<write::FundAggregate>> fund_writer_;
  std::unique_ptr<write::MemberNumbers> members_;
  std::unique_ptr<write::BankImporter> importer_;
  std::unique_ptr<http::IdempotencyStore> idempotency_;
};

}  // namespace kassa::app
