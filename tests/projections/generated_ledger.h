#pragma once
// A generated ledger in the embedded journal, for the crash test and the
// throughput runner: the demo population (src/demo), decided by the domain
// and written through the write pipeline like every other history the read
// models are tested on — registrations with a sealed NISS (keys in a
// RocksDbKeyStore beside the journal), five years of assessments, payments
// booked from CODA statements, surcharges, reminders, plans, companies.

#include <algorithm>
#include <cstddef>
#include <string>

#include "demo/population.h"
#include "domain/rulebook.h"
#include "log/event_log.h"
#include "log/random.h"
#include "log/rocksdb_key_store.h"
#include "projections/projector.h"
#include "test_basics.h"

namespace kassa::projections::testing {

inline log::LogConfig generated_log_config(const std::string& dir) {
  log::LogConfig c;
  c.journal_path = dir + "/journal";  // the layout and partitions of a kassad data dir
  return c;
}

inline ProjectionDeps generated_deps(const domain::Rulebook& rulebook, const log::KeyStore* keys) {
  ProjectionDeps d;
  d.rulebook = &rulebook;
  d.keys = keys;
  d.niss_secret.fill(9);
  return d;
}

// A five-year demo population of about `target_events` events (a person
// makes ~100 over 2022–2026, a company a few); the same events for the same
// target. Returns the number of events written.
inline std::size_t generate_ledger(const std::string& dir, std::size_t target_events) {
  auto log = must(log::open_event_log(generated_log_config(dir)));
  log::SeededRandom key_random(15);
  log::SeededRandom event_random(7);
  auto keys = must(log::RocksDbKeyStore::open(dir + "/keys", key_random));
  demo::PopulationSpec spec;
  spec.persons = static_cast<int>(std::max<std::size_t>(1, target_events / 100));
  spec.companies = spec.persons / 20;
  spec.from_year = 2022;
  spec.to_year = 2026;
  spec.seed = 7;
  return must(demo::generate_population(*log, *keys, event_random, spec)).events();
}

}  // namespace kassa::projections::testing
