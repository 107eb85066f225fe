#pragma once
// Internal to src/http: what every query route file shares (see
// query_routes.h for the routes and their contract).
//
//   - Ctx: the routes' dependencies, with the purpose check, the access-log
//     record and the ?min_offset= wait every person route goes through;
//   - person_route / company_route: a read-model view of one aggregate, as
//     of now or (?at=, ?known_at=) as of a date;
//   - the JSON of the read models (dates, amounts, careers, requests and
//     decisions, statistics, events for auditors).
//
// Route files by area:
//   person_query_routes.cpp   lookup, search, identity, summary, statement,
//                             debt, career, tax certificate, requests, events
//   company_query_routes.cpp  company summary, statement, debt, events
//   fund_query_routes.cpp     collection work-list, statistics
//   audit_query_routes.cpp    access log, projections' status, rebuild (admin)
//
// Thread-safety: Ctx is read-only once built; handlers run on the server's
// workers.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/date.h"
#include "domain/money.h"
#include "domain/person_views.h"
#include "domain/timestamp.h"
#include "http/json_writer.h"
#include "http/ledger_json.h"
#include "http/query_routes.h"
#include "projections/as_of.h"
#include "projections/career.h"
#include "projections/event_index.h"
#include "projections/statistics.h"
#include "projections/tax_certificate.h"

namespace kassa::http::queries {

namespace p = kassa::projections;
namespace s = kassa::schemas;
using nlohmann::json;

inline constexpr const char* kPurposeHeader = "X-Kassa-Purpose";

// ---- parameters and values --------------------------------------------------------

// Days since the epoch -> "2025-05-10"; 0 (none) -> "" / null.
std::string date(std::int32_t days);
json date_or_null(std::int32_t days);
// ?name=DATE as days since the epoch; absent: nullopt (the router refuses an empty value).
Result<std::optional<std::int32_t>> date_param(const RequestContext& ctx, const std::string& name);
json money_of(domain::Money m);
// "+++312/4013/98067+++" for stored digits; null for none.
json communication(const std::string& digits);
json date_of(domain::Date d);
json date_of(const std::optional<domain::Date>& d);
std::string_view starter_name(std::uint8_t starter);
std::string_view category_name(std::uint8_t category);

// ---- JSON of each read model ------------------------------------------------------

json career_json(const std::optional<p::Career>& career);
// A person's requests and decisions (domain::requests_view), with the
// appeal information of each refusal.
json requests_json(const std::vector<domain::RequestView>& requests);
json tax_year_json(int year, const domain::PaidInYear& y);
// 20252 -> "2025-Q2"; 20250 -> "2025" (a yearly bucket).
json bucket(std::uint16_t code);
json stats_json(std::uint16_t code, const p::QuarterStats& x);
// ?after=SEQUENCE&limit=N: one page of an aggregate's events, for people
// (ids as UUIDs, amounts as "1234.56", quarters "2025-Q1", sealed blocks masked).
Result<json> events_of(const RequestContext& req, const p::KvView& view, s::AggregateKind kind,
                       const std::string& key);
// ?from=&to= (inclusive dates), ?cursor=, ?limit=; as of a date, no line
// after it is shown.
Status statement_of(const RequestContext& req, const p::KvView& view, s::AggregateKind kind,
                    const std::string& key, const p::AsOf& as_of, const Notices& notices,
                    JsonWriter& out);
// The same statement as CSV (ledger_csv.h), every line of the period up to
// ?limit= (default and most 10,000; X-Kassa-Next-Cursor names the rest),
// downloaded as statement-KEY.csv.
Result<Reply> statement_csv_of(const RequestContext& req, const p::KvView& view,
                               s::AggregateKind kind, const std::string& key, const p::AsOf& as_of,
                               const Notices& notices);

// ---- the routes' context -----------------------------------------------------------

struct Ctx {
  QueryDeps deps;

  // Microseconds since the epoch (QueryDeps::now_us, else the system clock).
  std::int64_t now() const;
  // ?min_offset=N: waits until the projector applied offset N of the
  // partition holding `key`; an offset past the log's end is refused at once.
  Status wait_min_offset(const RequestContext& req, log::Topic topic, std::string_view key) const;
  // One access-log record for reading `party` through `route`.
  Status audit(const RequestContext& req, const std::string& party, const std::string& route) const;
  // One access record per person a list discloses, in one durable write.
  Status audit_all(const RequestContext& req, const std::vector<std::string>& parties,
                   const std::string& route) const;
  // No purpose, no read: 400 PurposeRequired / PurposeTooLong.
  static Status require_purpose(const RequestContext& req);
};

// A view route's handler answers with a tree (ViewHandler), or writes its
// fields straight into the answer's open object (WriterHandler: the large,
// frequent answers, see json_writer.h). The route adds the aggregate's key
// and, as of a date, the as_of block.
using ViewHandler = std::function<Result<json>(const RequestContext&, const p::KvView& view,
                                               const std::string& key, const p::AsOf& as_of)>;
using WriterHandler =
    std::function<Status(const RequestContext&, const p::KvView& view, const std::string& key,
                         const p::AsOf& as_of, JsonWriter& out)>;

// A view that also answers text/csv when the request's Accept names it
// (wants_csv): `csv` writes the whole answer, body, Content-Type and all.
using CsvHandler = std::function<Result<Reply>(const RequestContext&, const p::KvView& view,
                                               const std::string& key, const p::AsOf& as_of)>;
struct JsonOrCsv {
  WriterHandler json;
  CsvHandler csv;
};
// Whether the Accept header names text/csv (any other asks for JSON).
bool wants_csv(const RequestContext& req);

// A person's view: PartyId checked, purpose required, ?min_offset= waited
// for, the read written to the access log, 404 for an unknown person, and
// (if `as_of_allowed`) ?at= / ?known_at= folded from the indexed events.
Handler person_route(std::shared_ptr<Ctx> c, std::string route, bool as_of_allowed,
                     ViewHandler handler);
Handler person_route(std::shared_ptr<Ctx> c, std::string route, bool as_of_allowed,
                     WriterHandler handler);
Handler person_route(std::shared_ptr<Ctx> c, std::string route, bool as_of_allowed,
                     JsonOrCsv handler);
// A company's view: the number checked, ?min_offset= waited for, 404 for an
// unknown company, as of a date if allowed.
Handler company_route(std::shared_ptr<Ctx> c, bool as_of_allowed, ViewHandler handler);
Handler company_route(std::shared_ptr<Ctx> c, bool as_of_allowed, WriterHandler handler);
Handler company_route(std::shared_ptr<Ctx> c, bool as_of_allowed, JsonOrCsv handler);

// ---- the route files ---------------------------------------------------------------

void add_person_queries(Router& router, const std::shared_ptr<Ctx>& c);
void add_company_queries(Router& router, const std::shared_ptr<Ctx>& c);
void add_fund_queries(Router& router, const std::shared_ptr<Ctx>& c);
void add_audit_queries(Router& router, const std::shared_ptr<Ctx>& c);

}  // namespace kassa::http::queries
