#pragma once
// The read side over HTTP: GET routes under /v1 answering from the
// projections (JSON; amounts as strings "1234.56"; quarters "2025-Q2").
//
//   GET /v1/persons/lookup?niss=                      NISS -> PartyId
//   GET /v1/persons/{party_id}                        summary
//   GET /v1/persons/{party_id}/statement?from=&to=&cursor=&limit=
//                                                     lines in date order, running balance,
//                                                     opening/closing balance, paged
//   GET /v1/persons/{party_id}/debt                   debt per quarter / regularisation
//   GET /v1/persons/{party_id}/career                 pension career per year/quarter
//   GET /v1/persons/{party_id}/tax-certificate?year=  contributions paid per year
//   GET /v1/persons/{party_id}/events                 raw events (auditor)
//   GET /v1/companies/{company_number}[/statement|/debt|/events]
//   GET /v1/collection/work-list?stage=&date=&cursor=&limit=
//                                                     debtors by stage, then amount; total, paged
//   GET /v1/statistics?quarter=                       statistics per quarter
//   GET /v1/audit/access-log?party_id=&from=&to=      who read what (auditor)
//   GET /v1/projections/status                        offsets, lag, halted
//
// Every person route (and the lookup) needs the X-Kassa-Purpose header — no
// purpose, no read (400 PurposeRequired) — and writes an access-log record
// (principal, role, time, PartyId, route, purpose) before answering; if the
// record cannot be written, nothing is answered (503).
// ?min_offset=N waits (at most max_wait) until the projector applied offset
// N of the partition holding that person or company (read your own write).
// ?at=DATE and ?known_at=TIMESTAMP (statement, debt, career, tax
// certificate, summary) fold that one aggregate's indexed events decided on
// or before DATE (domain::decided_on) / recorded by TIMESTAMP; a statement
// as of DATE shows no line dated after it.
//
// Thread-safety: handlers run on the server's workers; everything they touch
// (StoreHandle, Projector, AccessLog) is thread-safe.

#include <chrono>
#include <cstdint>
#include <functional>

#include "domain/fund_config.h"
#include "http/router.h"
#include "log/event_log.h"
#include "projections/access_log.h"
#include "projections/projector.h"
#include "projections/rebuild.h"
#include "projections/store.h"

namespace kassa::http {

struct QueryDeps {
  projections::StoreHandle* stores = nullptr;    // REQUIRED
  projections::AccessLog* access_log = nullptr;  // REQUIRED
  projections::ProjectionDeps projection_deps;   // rulebook for as-of answers
  projections::NissSecret niss_secret{};
  // When a contrainte may be served (the work list judges it as decide does).
  domain::ReminderPolicy reminders = domain::FundConfig::kassa_default().reminders;
  // The live projector, for ?min_offset= and the status route (a rebuild
  // replaces it, hence a function); empty: no waiting, status "not running".
  std::function<std::shared_ptr<projections::Projector>()> projector;
  log::EventLog* log = nullptr;          // partition of a key, for ?min_offset=
  std::function<std::int64_t()> now_us;  // default: the system clock
  std::chrono::milliseconds max_wait{5000};
};

void add_query_routes(Router& router, QueryDeps deps);

// POST /v1/admin/projections/rebuild (admin): rebuilds every projection from
// offset 0 into a fresh store while the live one keeps answering, swaps them
// and answers with the checksums before and after.
void add_projection_admin_routes(Router& router, projections::ProjectionRunner& runner);

// POST /v1/admin/backup (admin), body {"name": "2026-12-07"}: writes a
// backup of the running instance into a new folder of that name under
// kassad's backup folder (KASSA_BACKUP_DIR; never a path the caller
// chooses) and answers with its summary. `backup` does the work (the
// composition root knows every store, app/backup.h) and checks the name;
// its errors are the answer's.
using BackupFn = std::function<Result<nlohmann::json>(const std::string& name)>;
void add_backup_route(Router& router, BackupFn backup);

}  // namespace kassa::http
