#pragma once
// A generated ledger of N events in the embedded journal, for the crash test
// and the throughput runner: persons registered with a sealed NISS (keys in a
// RocksDbKeyStore beside the journal), twelve quarters 2023–2025 assessed,
// most paid and allocated, the others surcharged and reminded; a few
// companies with directors and yearly contributions.

#include <memory>
#include <string>
#include <vector>

#include <functional>
#include <map>

#include "domain/rulebook.h"
#include "event_writer.h"
#include "log/event_codec.h"
#include "log/event_log.h"
#include "log/personal_data.h"
#include "log/random.h"
#include "log/rocksdb_key_store.h"
#include "projections/projector.h"
#include "projections/store.h"
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

// Returns the number of events written.
inline std::size_t generate_ledger(const std::string& dir, std::size_t target_events) {
  auto log = must(log::open_event_log(generated_log_config(dir)));
  auto keys = must(log::RocksDbKeyStore::open(dir + "/keys"));
  EventWriter w(*log, 7, std::int64_t{1672531200} * 1'000'000);
  std::size_t written = 0;
  int person_no = 0;
  const auto P = s::AggregateKind::Person;
  while (written < target_events) {
    // 100 persons per durable write.
    std::vector<std::string> parties;
    std::vector<std::vector<log::Record>> records;
    for (int k = 0; k < 100 && written < target_events; ++k, ++person_no) {
      const std::string p = "P" + log::Uuid::v7(1672531200000 + person_no, w.random()).hex();
      must(keys->create_key(p));
      std::vector<log::Record> recs;
      auto add = [&](const log::EncodedEvent& e) {
        recs.push_back(
            log::Record{std::string(reinterpret_cast<const char*>(e.frame.data()), e.frame.size()),
                        std::string(e.type_name()), e.schema_version});
      };
      const auto category = person_no % 5 == 4 ? s::Category::Secondary : s::Category::Main;
      add(w.encode(P, p, days(2023, 1, 2), 20231, [&](const log::Uuid& id) {
        s::PersonRegisteredT e;
        s::PersonalDataT pd;
        pd.niss = make_niss(person_no);
        e.personal = std::make_unique<s::SealedT>(must(log::seal(*keys, p, id, pd, w.random())));
        e.category = category;
        e.start_days = days(2023, 1, 2);
        e.start_quarter = 20231;
        return body(std::move(e));
      }));
      for (int i = 0; i < 12; ++i) {
        const auto q = static_cast<std::uint16_t>((2023 + i / 4) * 10 + i % 4 + 1);
        const std::int64_t contribution = 150'000 + 1'000 * (person_no % 50);
        const std::int64_t fees = contribution * 395 / 10'000;
        const std::int32_t due = days(2023 + i / 4, static_cast<unsigned>(i % 4 * 3 + 3), 28);
        add(w.encode(P, p, due, q, [&](const log::Uuid&) {
          s::ContributionAssessedT e;
          e.quarter = q;
          e.category = category;
          e.rulebook_year = static_cast<std::uint16_t>(q / 10);
          e.contribution_cents = contribution;
          e.fees_rate_bp = 395;
          e.fees_cents = fees;
          e.due_days = due;
          return body(std::move(e));
        }));
        if ((i + person_no) % 4 != 3) {
          add(w.encode(P, p, due - 5, 0, [&](const log::Uuid&) {
            s::PaymentReceivedT e;
            e.bank_ref = "B" + std::to_string(written + recs.size());
            e.amount_cents = contribution + fees;
            e.value_days = due - 5;
            return body(std::move(e));
          }));
          const log::Uuid pay = w.last_id();
          add(w.encode(P, p, due - 5, 0, [&](const log::Uuid&) {
            s::PaymentAllocatedT e;
            e.payment_event_id = std::make_unique<s::Uuid>(pay.to_schema());
            e.lines = {s::AllocationLine(q, s::DebtKind::Contribution, contribution),
                       s::AllocationLine(q, s::DebtKind::Fees, fees)};
            return body(std::move(e));
          }));
        } else {
          add(w.encode(P, p, due + 3, q, [&](const log::Uuid&) {
            s::SurchargeAppliedT e;
            e.kind = s::SurchargeKind::Quarterly3;
            e.quarter = q;
            e.year = static_cast<std::uint16_t>(q / 10);
            e.applied_days = due + 3;
            e.base_cents = contribution + fees;
            e.rate_bp = 300;
            e.amount_cents = (contribution + fees) * 3 / 100;
            return body(std::move(e));
          }));
          add(w.encode(P, p, due + 15, q, [&](const log::Uuid&) {
            s::ReminderSentT e;
            e.quarters = {q};
            e.sent_days = due + 15;
            return body(std::move(e));
          }));
        }
      }
      written += recs.size();
      parties.push_back(p);
      records.push_back(std::move(recs));
    }
    std::vector<log::KeyedBatch> batches;
    for (std::size_t i = 0; i < parties.size(); ++i) batches.push_back({parties[i], records[i]});
    must(log->append_many(log::Topic::kPersonEvents, batches));
  }
  return written;
}

}  // namespace kassa::projections::testing
