#include "http/query_support.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <type_traits>

#include "domain/company_number.h"
#include "domain/party_id.h"
#include "domain/quarter.h"
#include "domain/schema_convert.h"
#include "domain/structured_communication.h"
#include "domain/timestamp.h"
#include "http/body_fields.h"
#include "http/ledger_csv.h"
#include "projections/event_json.h"
#include "projections/parties.h"
#include "projections/statement.h"

namespace kassa::http::queries {

std::string date(std::int32_t days) {
  return days == 0 ? std::string() : domain::Date::from_days(days).format();
}
json date_or_null(std::int32_t days) { return days == 0 ? json(nullptr) : json(date(days)); }

Result<std::optional<std::int32_t>> date_param(const RequestContext& ctx, const std::string& name) {
  auto v = ctx.query(name);
  if (!v || v->empty()) return std::optional<std::int32_t>();
  KASSA_ASSIGN_OR_RETURN(auto d, domain::Date::parse(*v, name));
  return std::optional<std::int32_t>(d.to_days());
}

namespace {

Result<p::AsOf> as_of_params(const RequestContext& ctx) {
  p::AsOf as_of;
  KASSA_ASSIGN_OR_RETURN(auto at, date_param(ctx, "at"));
  as_of.decided_up_to_days = at;
  if (auto known = ctx.query("known_at"); known && !known->empty()) {
    KASSA_ASSIGN_OR_RETURN(auto ts, domain::Timestamp::parse(*known, "known_at"));
    as_of.recorded_up_to_us = ts.micros();
  }
  return as_of;
}

json as_of_json(const p::AsOf& a) {
  json j = json::object();
  // Any date, 1970-01-01 (day 0) included: date() would print it as "".
  if (a.decided_up_to_days) j["at"] = date_of(domain::Date::from_days(*a.decided_up_to_days));
  if (a.recorded_up_to_us)
    j["known_at"] = domain::Timestamp::from_micros(*a.recorded_up_to_us).format();
  return j;
}

}  // namespace

// ---- JSON of each read model ---------------------------------------------------

json money_of(domain::Money m) { return m.format(); }
// "+++312/4013/98067+++" for stored digits; null for none.
json communication(const std::string& digits) {
  auto text = communication_text(digits);
  return text ? json(*text) : json(nullptr);
}
json date_of(domain::Date d) { return d.format(); }
json date_of(const std::optional<domain::Date>& d) { return d ? json(d->format()) : json(nullptr); }

std::string_view starter_name(std::uint8_t starter) {
  switch (static_cast<s::StarterStatus>(starter)) {
    case s::StarterStatus::NotStarter: return "not-starter";
    case s::StarterStatus::Starter: return "starter";
    case s::StarterStatus::PrimoStarter: return "primo-starter";
  }
  return "not-starter";
}

std::string_view category_name(std::uint8_t category) {
  return domain::to_string(domain::from_schema(static_cast<s::Category>(category)));
}

json career_json(const std::optional<p::Career>& career) {
  json years = json::array();
  if (!career) return {{"years", years}};
  int current_year = -1;
  for (const auto& q : *career) {
    if (q.quarter.year() != current_year) {
      current_year = q.quarter.year();
      years.push_back({{"year", current_year}, {"quarters", json::array()}});
    }
    json row = {{"quarter", q.quarter.format()},
                {"category", std::string(domain::to_string(q.category))},
                {"contribution_due", money_of(q.contribution_due)},
                {"contribution_paid", money_of(q.contribution_paid)}};
    if (q.status_known) {
      row["status"] = std::string(domain::to_string(q.status));
      row["reason"] = std::string(domain::to_string(q.reason));
    } else {
      row["status"] = "unknown";
      row["reason"] = "year_not_in_rulebook";
    }
    years.back()["quarters"].push_back(std::move(row));
  }
  return {{"years", years}};
}

json requests_json(const std::vector<domain::RequestView>& requests) {
  json out = json::array();
  for (const domain::RequestView& r : requests) {
    json quarters = json::array();
    for (const domain::Quarter& q : r.quarters) quarters.push_back(q.format());
    json appeal = nullptr;
    if (r.appeal) {
      appeal = {{"reason_code", r.appeal->reason_code},
                {"reason", r.appeal->reason},
                {"appeal_body", r.appeal->appeal_body},
                {"appeal_deadline", date_of(r.appeal->appeal_deadline)}};
    }
    out.push_back({{"kind", std::string(domain::to_string(r.kind))},
                   {"benefit", r.benefit ? json(fields::kebab(s::EnumNameBenefitKind(*r.benefit)))
                                         : json(nullptr)},
                   {"reference", r.reference.empty() ? json(nullptr) : json(r.reference)},
                   {"quarters", quarters},
                   {"requested", date_of(r.requested)},
                   {"status", std::string(r.status)},
                   {"decided", date_of(r.decided)},
                   {"amount", r.amount ? money_of(*r.amount) : json(nullptr)},
                   {"appeal", appeal}});
  }
  return out;
}

json tax_year_json(int year, const domain::PaidInYear& y) {
  return {{"year", year},
          {"contributions", money_of(y.contributions)},
          {"fees", money_of(y.fees)},
          {"regularisation", money_of(y.regularisation)},
          {"refunded", money_of(y.refunded)},
          {"deductible_total", money_of(y.deductible())},
          {"surcharges_not_deductible", money_of(y.surcharges)},
          {"costs_not_deductible", money_of(y.costs)}};
}

// 20252 -> "2025-Q2"; 20250 -> "2025" (a yearly bucket).
json bucket(std::uint16_t code) { return p::quarter_bucket_json(code); }

json stats_json(std::uint16_t code, const p::QuarterStats& x) {
  json by_category = json::object();
  for (domain::Category c : domain::kAllCategories) {
    by_category[std::string(domain::to_string(c))] =
        x.assessed_by_category[static_cast<std::size_t>(c)];
  }
  return {{"quarter", bucket(code)},
          {"assessments_by_category", by_category},
          {"cancellations", x.cancelled_quarters},
          {"assessed_contributions", money_of(x.contribution)},
          {"assessed_fees", money_of(x.fees)},
          {"cancelled", money_of(x.cancelled)},
          {"principal_paid", money_of(x.principal_paid)},
          {"outstanding", money_of(x.principal_open)},
          {"surcharges", money_of(x.surcharges)},
          {"surcharges_paid", money_of(x.surcharges_paid)},
          {"dispensed_quarters", x.dispensed_quarters},
          {"dispensed", money_of(x.dispensed)},
          {"payments", x.payments},
          {"collected", money_of(x.collected)},
          {"company_contributions", money_of(x.company_contribution)},
          {"company_paid", money_of(x.company_paid)},
          {"company_outstanding", money_of(x.company_open)}};
}

namespace {

// ---- the routes -------------------------------------------------------------------

}  // namespace

std::int64_t Ctx::now() const {
  if (deps.now_us) return deps.now_us();
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status Ctx::wait_min_offset(const RequestContext& req, log::Topic topic,
                            std::string_view key) const {
  auto v = req.query("min_offset");
  if (!v || v->empty()) return {};
  if (v->find_first_not_of("0123456789") != std::string::npos || v->size() > 18) {
    return Error::invalid("min_offset", "OffsetFormat", "min_offset must be a log offset");
  }
  auto projector = deps.projector ? deps.projector() : nullptr;
  if (projector == nullptr || deps.log == nullptr) return {};
  const std::int64_t offset = std::stoll(*v);
  const std::int32_t partition = deps.log->partition_for(topic, key);
  // An offset the log has not reached would hold a worker for max_wait
  // and never be projected: refused at once (a write answers offsets the
  // log holds). If the log cannot say (a broker outage), the wait decides.
  if (auto end = deps.log->high_water_mark(topic, partition); end.ok() && offset >= *end) {
    return Error::invalid("min_offset", "OffsetBeyondLog",
                          "min_offset " + *v + " is past the end of the log (its partition " +
                              std::to_string(partition) + " holds offsets below " +
                              std::to_string(*end) + ")");
  }
  if (!projector->wait_until(topic, partition, offset, deps.max_wait)) {
    return Error::unavailable("NotYetProjected",
                              "the projections have not reached offset " + *v + " yet; retry");
  }
  return {};
}

Status Ctx::audit(const RequestContext& req, const std::string& party,
                  const std::string& route) const {
  return audit_all(req, {party}, route);
}

Status Ctx::audit_all(const RequestContext& req, const std::vector<std::string>& parties,
                      const std::string& route) const {
  std::vector<p::AccessRecord> records;
  records.reserve(parties.size());
  const std::int64_t at = now();
  for (const std::string& party : parties) {
    records.push_back({at, req.principal.name, to_string(req.principal.role), party, route,
                       req.header(kPurposeHeader).value_or("")});
  }
  Status written = deps.access_log->record_all(records);
  if (!written.ok()) {
    spdlog::error("access log write failed persons={} route={} error={}", parties.size(), route,
                  written.error().message);
    return Error::unavailable("AccessLogUnavailable",
                              "the access could not be logged, so it is refused; retry");
  }
  return {};
}

Status Ctx::require_purpose(const RequestContext& req) {
  auto purpose = req.header(kPurposeHeader);
  if (!purpose || purpose->empty()) {
    return Error::invalid(kPurposeHeader, "PurposeRequired",
                          "reading a person's data needs the reason in the X-Kassa-Purpose header");
  }
  if (purpose->size() > 200) {
    return Error::invalid(kPurposeHeader, "PurposeTooLong",
                          "X-Kassa-Purpose is at most 200 characters");
  }
  return {};
}

namespace {

template <typename H>
Result<Reply> view_answer(const H& handler, const RequestContext& req, const p::KvView& view,
                          const std::string& key_name, const std::string& key,
                          const p::AsOf& as_of) {
  if constexpr (std::is_same_v<H, JsonOrCsv>) {
    if (wants_csv(req)) return handler.csv(req, view, key, as_of);
    return view_answer(handler.json, req, view, key_name, key, as_of);
  } else if constexpr (std::is_same_v<H, WriterHandler>) {
    JsonWriter out(std::size_t{32} * 1024);
    out.begin_object();
    KASSA_TRY(handler(req, view, key, as_of, out));
    out.field(key_name, key);
    if (as_of.active()) out.key("as_of").value(as_of_json(as_of));
    out.end_object();
    Reply reply;
    reply.raw_body = out.take();
    return reply;
  } else {
    KASSA_ASSIGN_OR_RETURN(auto body, handler(req, view, key, as_of));
    json out = std::move(body);
    out[key_name] = key;
    if (as_of.active()) out["as_of"] = as_of_json(as_of);
    return Reply(200, std::move(out));
  }
}

// ?at= / ?known_at=, refused on a route that answers only now.
Result<p::AsOf> as_of_for(const RequestContext& req, bool as_of_allowed) {
  KASSA_ASSIGN_OR_RETURN(auto as_of, as_of_params(req));
  if (as_of.active() && !as_of_allowed) {
    return Error::invalid("at", "AsOfNotSupported", "this route does not answer as of a date");
  }
  return as_of;
}

// One aggregate's view from a snapshot of the store, now or folded as of a
// date; not found (rule, message, field) when the aggregate has no summary.
template <typename H>
Result<Reply> aggregate_answer(const Ctx& c, const RequestContext& req, s::AggregateKind kind,
                               const std::string& key_name, const std::string& key,
                               const p::AsOf& as_of, const char* missing_rule,
                               const char* missing_message, const H& handler) {
  auto store = c.deps.stores->get();
  KASSA_ASSIGN_OR_RETURN(auto snapshot, store->snapshot());
  KASSA_ASSIGN_OR_RETURN(auto summary, p::read_party(*snapshot, kind, key));
  if (!summary.has_value()) return Error::not_found(missing_rule, missing_message, key_name);
  std::unique_ptr<p::MemKv> folded;
  const p::KvView* view = snapshot.get();
  if (as_of.active()) {
    KASSA_ASSIGN_OR_RETURN(folded,
                           p::fold_aggregate(*snapshot, c.deps.projection_deps, kind, key, as_of));
    view = folded.get();
  }
  return view_answer(handler, req, *view, key_name, key, as_of);
}

template <typename H>
Handler person_view_route(std::shared_ptr<Ctx> c, std::string route, bool as_of_allowed,
                          H handler) {
  return [c = std::move(c), route = std::move(route), as_of_allowed,
          handler = std::move(handler)](const RequestContext& req) -> Result<Reply> {
    KASSA_ASSIGN_OR_RETURN(auto id, domain::PartyId::parse(req.params.at("party_id"), "party_id"));
    const std::string& party = id.str();
    KASSA_TRY(Ctx::require_purpose(req));
    KASSA_ASSIGN_OR_RETURN(auto as_of, as_of_for(req, as_of_allowed));
    KASSA_TRY(c->wait_min_offset(req, log::Topic::kPersonEvents, party));
    KASSA_TRY(c->audit(req, party, "GET " + route));
    return aggregate_answer(*c, req, s::AggregateKind::Person, "party_id", party, as_of,
                            "PartyNotFound", "no person with this PartyId", handler);
  };
}

}  // namespace

Handler person_route(std::shared_ptr<Ctx> c, std::string route, bool as_of_allowed,
                     ViewHandler handler) {
  return person_view_route(std::move(c), std::move(route), as_of_allowed, std::move(handler));
}
Handler person_route(std::shared_ptr<Ctx> c, std::string route, bool as_of_allowed,
                     WriterHandler handler) {
  return person_view_route(std::move(c), std::move(route), as_of_allowed, std::move(handler));
}
Handler person_route(std::shared_ptr<Ctx> c, std::string route, bool as_of_allowed,
                     JsonOrCsv handler) {
  return person_view_route(std::move(c), std::move(route), as_of_allowed, std::move(handler));
}

namespace {

template <typename H>
Handler company_view_route(std::shared_ptr<Ctx> c, bool as_of_allowed, H handler) {
  return [c = std::move(c), as_of_allowed,
          handler = std::move(handler)](const RequestContext& req) -> Result<Reply> {
    KASSA_ASSIGN_OR_RETURN(auto number,
                           domain::CompanyNumber::parse(req.params.at("company_number")));
    const std::string& key = number.digits();
    KASSA_ASSIGN_OR_RETURN(auto as_of, as_of_for(req, as_of_allowed));
    KASSA_TRY(c->wait_min_offset(req, log::Topic::kCompanyEvents, key));
    return aggregate_answer(*c, req, s::AggregateKind::Company, "company_number", key, as_of,
                            "CompanyNotFound", "no company with this number", handler);
  };
}

}  // namespace

Handler company_route(std::shared_ptr<Ctx> c, bool as_of_allowed, ViewHandler handler) {
  return company_view_route(std::move(c), as_of_allowed, std::move(handler));
}
Handler company_route(std::shared_ptr<Ctx> c, bool as_of_allowed, WriterHandler handler) {
  return company_view_route(std::move(c), as_of_allowed, std::move(handler));
}
Handler company_route(std::shared_ptr<Ctx> c, bool as_of_allowed, JsonOrCsv handler) {
  return company_view_route(std::move(c), as_of_allowed, std::move(handler));
}

namespace {

Result<std::optional<domain::Date>> date_query(const RequestContext& ctx, const std::string& name) {
  KASSA_ASSIGN_OR_RETURN(auto days, date_param(ctx, name));
  if (!days) return std::optional<domain::Date>();
  return std::optional<domain::Date>(domain::Date::from_days(*days));
}

}  // namespace

namespace {

// ?from=&to= (inclusive dates), ?cursor=, ?limit=; as of a date, no line
// after it is shown.
Result<p::StatementQuery> statement_query(const RequestContext& req, const p::AsOf& as_of,
                                          std::size_t default_limit) {
  p::StatementQuery q;
  KASSA_ASSIGN_OR_RETURN(auto from, date_query(req, "from"));
  KASSA_ASSIGN_OR_RETURN(auto to, date_query(req, "to"));
  q.from = from;
  q.to = to;
  if (as_of.decided_up_to_days) {
    const auto at = domain::Date::from_days(*as_of.decided_up_to_days);
    if (!q.to || at < *q.to) q.to = at;
  }
  if (q.from && q.to && *q.to < *q.from) {
    return Error::invalid("to", "PeriodEmpty", "to: the period ends before it starts");
  }
  q.cursor = req.query("cursor").value_or("");
  KASSA_ASSIGN_OR_RETURN(auto limit, limit_param(req, default_limit, 10'000));
  q.limit = limit;
  return q;
}

}  // namespace

Status statement_of(const RequestContext& req, const p::KvView& view, s::AggregateKind kind,
                    const std::string& key, const p::AsOf& as_of, const Notices& notices,
                    JsonWriter& out) {
  KASSA_ASSIGN_OR_RETURN(auto q, statement_query(req, as_of, 500));
  KASSA_ASSIGN_OR_RETURN(auto page, p::read_statement(view, kind, key, q));
  write_statement_fields(out, page, notices, q.from, q.to);
  return {};
}

Result<Reply> statement_csv_of(const RequestContext& req, const p::KvView& view,
                               s::AggregateKind kind, const std::string& key, const p::AsOf& as_of,
                               const Notices& notices) {
  KASSA_ASSIGN_OR_RETURN(auto q, statement_query(req, as_of, 10'000));
  KASSA_ASSIGN_OR_RETURN(auto page, p::read_statement(view, kind, key, q));
  // The descriptions in the language the caller reads (Accept-Language:
  // fr, nl or en; English when it names none).
  const Language language =
      negotiate_language(req.raw != nullptr ? joined_header(*req.raw, "Accept-Language") : "");
  Reply reply;
  reply.raw_body = statement_csv(page, notices, language);
  reply.content_type = "text/csv; charset=utf-8";
  reply.headers.emplace_back("Content-Language", std::string(language_tag(language)));
  reply.headers.emplace_back("Vary", "Accept, Accept-Language");
  reply.headers.emplace_back("Content-Disposition",
                             "attachment; filename=\"statement-" + key + ".csv\"");
  if (!page.next_cursor.empty())
    reply.headers.emplace_back("X-Kassa-Next-Cursor", page.next_cursor);
  return reply;
}

bool wants_csv(const RequestContext& req) { return req.media_type == "text/csv"; }

// ?after=SEQUENCE&limit=N (default 200, at most 1000): a long history
// comes in pages, in sequence order; next_after continues it (null: the end).
Result<json> events_of(const RequestContext& req, const p::KvView& view, s::AggregateKind kind,
                       const std::string& key) {
  std::uint64_t after = 0;
  if (auto a = req.query("after"); a && !a->empty()) {
    if (a->size() > 18 || a->find_first_not_of("0123456789") != std::string::npos) {
      return Error::invalid("after", "SequenceFormat",
                            "after: the sequence of the last event already read (a number)");
    }
    after = std::stoull(*a);
  }
  KASSA_ASSIGN_OR_RETURN(auto limit, limit_param(req, 200, 1000));
  KASSA_ASSIGN_OR_RETURN(auto page, p::read_indexed_events(view, kind, key, after, limit));
  json events = json::array();
  for (const p::IndexedEvent& e : page.events) events.push_back(p::event_json(e.event, e.position));
  json next = nullptr;
  if (page.more && !page.events.empty()) next = page.events.back().event.sequence();
  return json{{"events", events}, {"next_after", next}};
}

}  // namespace kassa::http::queries
