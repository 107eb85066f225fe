#pragma once
// The write side over HTTP: commands under /v1 (JSON in, events out), batch
// runs, bank statement import and the suspense list. Every route, its body
// and its answers are in src/http/openapi.json.
//
//   POST /v1/persons                                 register (staff)
//   POST /v1/persons/{party_id}/<step>               one lifecycle step (staff):
//        category, cessation, death, income, provisional-base, free-quarters,
//        births, payments, refunds, contraintes, personal-contacts,
//        payment-plans, payment-plans/grant|refuse|breach, contests,
//        contests/decision, waivers, waivers/grant|refuse, dispenses,
//        dispenses/grant|refuse, benefits, benefits/grant|refuse|payments,
//        overpayments; erasure (admin)
//   POST /v1/companies, /v1/companies/{company_number}/directors|
//        directors/removal|balance-sheets|payments|late-surcharges (staff)
//   POST /v1/runs/assessment|quarter-end|year-end|reminders|
//        company-contributions (batch; explicit business date)
//   POST /v1/payments/import                         CODA or camt.053 (batch, staff)
//   GET  /v1/suspense                                bank lines nobody matched (staff)
//   POST /v1/suspense/match                          staff name the payer of one (staff)
//
// Every field goes through the domain's value types: a missing or invalid
// field is 400 naming the field and the rule; an unknown person 404; a rule
// violation 422 with the rule's name; a log failure 503. Nothing is appended
// unless the whole decision is. A command answers 201 with {"party_id" (or
// "company_number"), "events": [{"id","type","sequence","offset"}],
// "partition", "min_offset"} — the last two let the caller read its own
// write with ?min_offset= on the query side — or 200 with no events when the
// command changes nothing (a retry). An Idempotency-Key header makes a retry
// return the first answer.
//
// Thread-safety: handlers run on the server's workers; everything in
// CommandDeps is thread-safe.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "http/idempotency.h"
#include "http/router.h"
#include "http/run_board.h"
#include "log/personal_data.h"
#include "log/random.h"
#include "projections/access_log.h"
#include "projections/niss_index.h"
#include "projections/projector.h"
#include "projections/store.h"
#include "write/aggregate_writer.h"
#include "write/aggregates.h"
#include "write/bank_import.h"
#include "write/writer_log.h"

namespace kassa::http {

struct CommandDeps {
  write::WriterLog* log = nullptr;                                       // REQUIRED
  projections::StoreHandle* stores = nullptr;                            // REQUIRED
  std::function<std::shared_ptr<projections::Projector>()> projector;    // REQUIRED
  write::AggregateWriter<write::PersonAggregate>* persons = nullptr;     // REQUIRED
  write::AggregateWriter<write::CompanyAggregate>* companies = nullptr;  // REQUIRED
  write::AggregateWriter<write::FundAggregate>* fund = nullptr;          // REQUIRED
  write::MemberNumbers* numbers = nullptr;                               // REQUIRED
  write::BankImporter* importer = nullptr;                               // REQUIRED
  log::KeyStore* keys = nullptr;                 // REQUIRED (suspense names, erasure)
  log::Random* random = nullptr;                 // REQUIRED (PartyIds, correlation ids)
  IdempotencyStore* idempotency = nullptr;       // optional
  projections::AccessLog* access_log = nullptr;  // REQUIRED (the suspense list shows payers)
  projections::NissSecret niss_secret{};
  std::function<std::int64_t()> now_us;  // default: the system clock
  std::chrono::milliseconds max_wait{10000};
  // How far after today a command's or a run's date may be (a quarter).
  int horizon_days = 92;
  // The runs since kassad started and their progress (GET /v1/runs); every
  // copy of these deps shares the one board.
  std::shared_ptr<RunBoard> runs = std::make_shared<RunBoard>();
};

// The fund's suspense account (its events folded from the projections'
// index; it is small) and its chain tip; nullopt before its first event.
Result<std::optional<write::AggregateWriter<write::FundAggregate>::Loaded>> load_fund(
    const projections::KvView& view);

// Waits until the projector applied everything known durable in every
// partition (WriterLog::durable_mark). kUnavailable (ProjectorBehind) after
// `max_wait`.
Status wait_for_projections(const CommandDeps& deps);

void add_command_routes(Router& router, const CommandDeps& deps);

}  // namespace kassa::http
