#include "http/query_routes.h"

#include <flatbuffers/minireflect.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "domain/company_number.h"
#include "domain/date.h"
#include "domain/money.h"
#include "domain/niss.h"
#include "domain/quarter.h"
#include "projections/as_of.h"
#include "projections/career.h"
#include "projections/company_account.h"
#include "projections/debt.h"
#include "projections/event_index.h"
#include "projections/niss_index.h"
#include "projections/parties.h"
#include "projections/statement.h"
#include "projections/statistics.h"
#include "projections/tax_certificate.h"

namespace kassa::http {

namespace p = kassa::projections;
namespace s = kassa::schemas;
using nlohmann::json;

namespace {

constexpr const char* kPurposeHeader = "X-Kassa-Purpose";

std::string money(std::int64_t cents) { return domain::Money::from_cents(cents).format(); }

std::string date(std::int32_t days) {
  return days == 0 ? std::string() : domain::Date::from_days(days).format();
}
json date_or_null(std::int32_t days) { return days == 0 ? json(nullptr) : json(date(days)); }

// 20252 -> "2025-Q2"; 20250 -> "2025" (a yearly debt); 0 -> null.
json quarter(std::uint16_t code) {
  if (code == 0) return nullptr;
  if (code % 10 == 0) return std::to_string(code / 10);
  return std::to_string(code / 10) + "-Q" + std::to_string(code % 10);
}

Result<std::uint16_t> parse_quarter_code(const std::string& text) {
  auto q = domain::Quarter::parse(text);
  if (!q.ok()) return q.error();
  return static_cast<std::uint16_t>(q->year() * 10 + q->number());
}

Result<std::optional<std::int32_t>> date_param(const RequestContext& ctx, const std::string& name) {
  auto v = ctx.query(name);
  if (!v || v->empty()) return std::optional<std::int32_t>();
  auto d = domain::Date::parse(*v, name);
  if (!d.ok()) return d.error();
  return std::optional<std::int32_t>(d->to_days());
}

// Microseconds since the epoch, or "2025-05-10T12:00:00Z" / "2025-05-10T12:00:00.123456Z".
Result<std::int64_t> parse_timestamp(const std::string& text, const std::string& field) {
  auto bad = [&] {
    return Error::invalid(field, "TimestampFormat",
                          field + " must be UTC like 2025-05-10T12:00:00Z or microseconds");
  };
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
    if (text.size() > 18) return bad();
    return std::stoll(text);
  }
  if (text.size() < 20 || text[10] != 'T' || text.back() != 'Z') return bad();
  auto d = domain::Date::parse(text.substr(0, 10), field);
  if (!d.ok()) return bad();
  int h = 0, m = 0, sec = 0;
  if (std::sscanf(text.c_str() + 11, "%2d:%2d:%2d", &h, &m, &sec) != 3 || h > 23 || m > 59 ||
      sec > 60) {
    return bad();
  }
  std::int64_t micros = 0;
  if (text.size() > 20 && text[19] == '.') {
    std::string frac = text.substr(20, text.size() - 21);
    if (frac.empty() || frac.size() > 6 || frac.find_first_not_of("0123456789") != std::string::npos) {
      return bad();
    }
    frac.resize(6, '0');
    micros = std::stoll(frac);
  }
  return (std::int64_t{d->to_days()} * 86400 + h * 3600 + m * 60 + sec) * 1'000'000 + micros;
}

Result<p::AsOf> as_of_params(const RequestContext& ctx) {
  p::AsOf as_of;
  auto at = date_param(ctx, "at");
  if (!at.ok()) return at.error();
  as_of.effective_up_to_days = *at;
  if (auto known = ctx.query("known_at"); known && !known->empty()) {
    auto ts = parse_timestamp(*known, "known_at");
    if (!ts.ok()) return ts.error();
    as_of.recorded_up_to_us = *ts;
  }
  return as_of;
}

json as_of_json(const p::AsOf& a) {
  json j = json::object();
  if (a.effective_up_to_days) j["at"] = date(*a.effective_up_to_days);
  if (a.recorded_up_to_us) j["known_at_us"] = *a.recorded_up_to_us;
  return j;
}

// ---- JSON of each read model ---------------------------------------------------

json statement_json(const std::vector<p::StatementLine>& lines,
                    const std::optional<p::StatementHeader>& header) {
  json out = json::array();
  for (const auto& l : lines) {
    out.push_back({{"sequence", l.sequence},
                   {"date", date_or_null(l.date_days)},
                   {"quarter", quarter(l.quarter)},
                   {"kind", p::to_string(l.kind)},
                   {"reference", l.reference},
                   {"debit", money(l.debit_cents)},
                   {"credit", money(l.credit_cents)},
                   {"balance", money(l.balance_cents)}});
  }
  return {{"balance", money(header ? header->balance_cents : 0)},
          {"total_debit", money(header ? header->total_debit_cents : 0)},
          {"total_credit", money(header ? header->total_credit_cents : 0)},
          {"lines", out}};
}

json debt_json(const std::optional<p::DebtStatus>& debt) {
  p::DebtStatus d = debt.value_or(p::DebtStatus{});
  json quarters = json::array();
  for (const auto& [code, q] : d.quarters) {
    quarters.push_back({{"quarter", quarter(code)},
                        {"due_date", date_or_null(q.due_days)},
                        {"principal", money(q.principal())},
                        {"principal_paid", money(q.principal_paid_cents)},
                        {"unpaid_principal", money(q.unpaid_principal())},
                        {"unpaid_surcharges", money(q.unpaid_surcharges())},
                        {"unpaid_costs", money(q.unpaid_costs())},
                        {"outstanding", money(q.outstanding())},
                        {"stage", p::to_string(q.stage)},
                        {"stage_date", date_or_null(q.stage_days)},
                        {"dispense", p::to_string(q.dispense)}});
  }
  return {{"outstanding", money(d.outstanding())},
          {"credit", money(d.credit_cents)},
          {"stage", p::to_string(d.stage())},
          {"payment_plan",
           {{"state", p::to_string(d.plan)},
            {"reference", d.plan_ref},
            {"date", date_or_null(d.plan_days)},
            {"total", money(d.plan_total_cents)}}},
          {"contests_pending", d.contests_pending},
          {"contest_cancelled", money(d.contest_cancelled_cents)},
          {"personal_contact", d.personal_contact},
          {"contraintes_served", d.contraintes_served},
          {"last_formal_notice", date_or_null(d.last_formal_notice_days)},
          {"quarters", quarters}};
}

json career_json(const std::optional<p::Career>& career) {
  json years = json::array();
  if (!career) return {{"years", years}};
  int current_year = -1;
  for (const auto& [code, e] : career->quarters) {
    if (code % 10 == 0) continue;
    if (code / 10 != current_year) {
      current_year = code / 10;
      years.push_back({{"year", current_year}, {"quarters", json::array()}});
    }
    json q = {{"quarter", quarter(code)},
              {"category", domain::to_string(static_cast<domain::Category>(e.category))},
              {"contribution_due", money(e.contribution_due_cents)},
              {"contribution_paid", money(e.contribution_paid_cents)}};
    if (e.status_known) {
      q["status"] = domain::to_string(static_cast<domain::CareerStatus>(e.status));
      q["reason"] = domain::to_string(static_cast<domain::CareerReason>(e.reason));
    } else {
      q["status"] = "unknown";
      q["reason"] = "year_not_in_rulebook";
    }
    years.back()["quarters"].push_back(std::move(q));
  }
  return {{"years", years}};
}

json tax_year_json(int year, const p::TaxYear& y) {
  return {{"year", year},
          {"contributions", money(y.contributions_cents)},
          {"fees", money(y.fees_cents)},
          {"regularisation", money(y.regularisation_cents)},
          {"refunded", money(y.refunded_cents)},
          {"deductible_total", money(y.deductible_cents())},
          {"surcharges_not_deductible", money(y.surcharges_cents)},
          {"costs_not_deductible", money(y.costs_cents)}};
}

json stats_json(std::uint16_t code, const p::QuarterStats& x) {
  static const char* names[5] = {"main", "secondary", "helping-spouse", "student", "pensioner"};
  json by_category = json::object();
  for (std::size_t i = 0; i < 5; ++i) by_category[names[i]] = x.assessments_by_category[i];
  return {{"quarter", quarter(code)},
          {"assessments_by_category", by_category},
          {"cancellations", x.cancellations},
          {"assessed_contributions", money(x.contribution_cents)},
          {"assessed_fees", money(x.fees_cents)},
          {"cancelled", money(x.cancelled_cents)},
          {"collected", money(x.collected_cents)},
          {"payments", x.payments},
          {"principal_allocated", money(x.principal_allocated_cents)},
          {"outstanding", money(x.outstanding_cents())},
          {"surcharges", money(x.surcharges_cents)},
          {"surcharges_cancelled", money(x.surcharges_cancelled_cents)},
          {"dispensed_quarters", x.dispensed_quarters},
          {"dispensed", money(x.dispensed_cents)}};
}

// Rewrites FlatBuffers text-as-JSON for people: ids as UUID strings, amounts
// as "1234.56" next to their cents, Sealed blocks masked.
void polish(json& j) {
  if (j.is_array()) {
    for (auto& e : j) polish(e);
    return;
  }
  if (!j.is_object()) return;
  if (j.contains("ciphertext") && j.contains("nonce")) {
    j = {{"sealed", true}, {"key_id", j.value("key_id", "")}};
    return;
  }
  if (j.size() == 1 && j.contains("bytes") && j["bytes"].is_array() && j["bytes"].size() == 16) {
    std::array<std::uint8_t, 16> b{};
    for (std::size_t i = 0; i < 16; ++i) b[i] = j["bytes"][i].get<std::uint8_t>();
    j = log::Uuid(b).to_string();
    return;
  }
  json extra = json::object();
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    if (k.size() > 6 && k.compare(k.size() - 6, 6, "_cents") == 0 && it->is_number_integer()) {
      extra[k.substr(0, k.size() - 6)] = money(it->get<std::int64_t>());
    } else {
      polish(*it);
    }
  }
  for (auto it = extra.begin(); it != extra.end(); ++it) j[it.key()] = *it;
}

json event_json(const p::IndexedEvent& e) {
  const auto& env = e.event.envelope();
  json out = {{"sequence", e.event.sequence()},
              {"event_id", e.event.event_id().to_string()},
              {"type", std::string(e.event.type_name())},
              {"schema_version", e.event.schema_version()},
              {"recorded_at_us", env.recorded_at_us()},
              {"effective_date", date_or_null(env.effective_days())},
              {"effective_quarter", quarter(env.effective_quarter())},
              {"actor", env.actor() != nullptr ? env.actor()->str() : ""},
              {"hash", log::to_hex(e.event.hash().data(), e.event.hash().size())},
              {"topic", std::string(log::topic_suffix(e.position.topic))},
              {"partition", e.position.partition},
              {"offset", e.position.offset}};
  const auto bytes = e.event.envelope_bytes();
  flatbuffers::ToStringVisitor visitor(" ", true, "", true);
  flatbuffers::IterateFlatBuffer(bytes.data(), s::EnvelopeTypeTable(), &visitor);
  json full = json::parse(visitor.s, nullptr, false);
  if (!full.is_discarded() && full.contains("body")) {
    json body = full["body"];
    polish(body);
    out["body"] = body;
  }
  return out;
}

// ---- the routes -------------------------------------------------------------------

struct Ctx {
  QueryDeps deps;

  std::int64_t now() const {
    if (deps.now_us) return deps.now_us();
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  Status wait_min_offset(const RequestContext& req, log::Topic topic, std::string_view key) const {
    auto v = req.query("min_offset");
    if (!v || v->empty()) return {};
    if (v->find_first_not_of("0123456789") != std::string::npos || v->size() > 18) {
      return Error::invalid("min_offset", "OffsetFormat", "min_offset must be a log offset");
    }
    if (deps.projector == nullptr || deps.log == nullptr) return {};
    const std::int64_t offset = std::stoll(*v);
    const std::int32_t partition = deps.log->partition_for(topic, key);
    if (!deps.projector->wait_until(topic, partition, offset, deps.max_wait)) {
      return Error::unavailable("NotYetProjected",
                                "the projections have not reached offset " + *v + " yet; retry");
    }
    return {};
  }

  Status audit(const RequestContext& req, const std::string& party, const std::string& route) const {
    p::AccessRecord r{now(), req.principal.name, to_string(req.principal.role), party, route,
                      req.header(kPurposeHeader).value_or("")};
    Status written = deps.access_log->record(r);
    if (!written.ok()) {
      spdlog::error("access log write failed party={} route={} error={}", party, route,
                    written.error().message);
      return Error::unavailable("AccessLogUnavailable",
                                "the access could not be logged, so it is refused; retry");
    }
    return {};
  }

  static Status require_purpose(const RequestContext& req) {
    auto purpose = req.header(kPurposeHeader);
    if (!purpose || purpose->empty()) {
      return Error::invalid(kPurposeHeader, "PurposeRequired",
                            "reading a person's data needs the reason in the X-Kassa-Purpose header");
    }
    if (purpose->size() > 200) {
      return Error::invalid(kPurposeHeader, "PurposeTooLong", "X-Kassa-Purpose is at most 200 characters");
    }
    return {};
  }
};

using ViewHandler = std::function<Result<json>(const RequestContext&, const p::KvView& view,
                                               const std::string& key, const p::AsOf& as_of)>;

Handler person_route(std::shared_ptr<Ctx> c, std::string route, bool as_of_allowed,
                     ViewHandler handler) {
  return [c, route, as_of_allowed, handler](const RequestContext& req) -> Result<Reply> {
    const std::string party = req.params.at("party_id");
    KASSA_TRY(log::validate_aggregate_key(s::AggregateKind::Person, party));
    KASSA_TRY(Ctx::require_purpose(req));
    auto as_of = as_of_params(req);
    if (!as_of.ok()) return as_of.error();
    if (as_of->active() && !as_of_allowed) {
      return Error::invalid("at", "AsOfNotSupported", "this route does not answer as of a date");
    }
    KASSA_TRY(c->wait_min_offset(req, log::Topic::kPersonEvents, party));
    KASSA_TRY(c->audit(req, party, "GET " + route));
    auto store = c->deps.stores->get();
    auto snap = store->snapshot();
    auto summary = p::read_party(*snap, s::AggregateKind::Person, party);
    if (!summary.ok()) return summary.error();
    if (!summary->has_value()) {
      return Error::not_found("PartyNotFound", "no person with this PartyId", "party_id");
    }
    std::unique_ptr<p::MemKv> folded;
    const p::KvView* view = snap.get();
    if (as_of->active()) {
      auto f = p::fold_aggregate(*snap, c->deps.projection_deps, s::AggregateKind::Person, party,
                                 *as_of);
      if (!f.ok()) return f.error();
      folded = std::move(f).value();
      view = folded.get();
    }
    auto body = handler(req, *view, party, *as_of);
    if (!body.ok()) return body.error();
    json out = std::move(body).value();
    out["party_id"] = party;
    if (as_of->active()) out["as_of"] = as_of_json(*as_of);
    return Reply(200, std::move(out));
  };
}

Handler company_route(std::shared_ptr<Ctx> c, bool as_of_allowed, ViewHandler handler) {
  return [c, as_of_allowed, handler](const RequestContext& req) -> Result<Reply> {
    auto number = domain::CompanyNumber::parse(req.params.at("company_number"));
    if (!number.ok()) return number.error();
    const std::string key = number->digits();
    auto as_of = as_of_params(req);
    if (!as_of.ok()) return as_of.error();
    if (as_of->active() && !as_of_allowed) {
      return Error::invalid("at", "AsOfNotSupported", "this route does not answer as of a date");
    }
    KASSA_TRY(c->wait_min_offset(req, log::Topic::kCompanyEvents, key));
    auto store = c->deps.stores->get();
    auto snap = store->snapshot();
    auto summary = p::read_party(*snap, s::AggregateKind::Company, key);
    if (!summary.ok()) return summary.error();
    if (!summary->has_value()) {
      return Error::not_found("CompanyNotFound", "no company with this number", "company_number");
    }
    std::unique_ptr<p::MemKv> folded;
    const p::KvView* view = snap.get();
    if (as_of->active()) {
      auto f = p::fold_aggregate(*snap, c->deps.projection_deps, s::AggregateKind::Company, key,
                                 *as_of);
      if (!f.ok()) return f.error();
      folded = std::move(f).value();
      view = folded.get();
    }
    auto body = handler(req, *view, key, *as_of);
    if (!body.ok()) return body.error();
    json out = std::move(body).value();
    out["company_number"] = key;
    if (as_of->active()) out["as_of"] = as_of_json(*as_of);
    return Reply(200, std::move(out));
  };
}

Result<json> statement_of(const RequestContext& req, const p::KvView& view, s::AggregateKind kind,
                          const std::string& key) {
  auto from = date_param(req, "from");
  if (!from.ok()) return from.error();
  auto to = date_param(req, "to");
  if (!to.ok()) return to.error();
  auto lines = p::read_statement_lines(view, kind, key, *from, *to);
  if (!lines.ok()) return lines.error();
  auto header = p::read_statement_header(view, kind, key);
  if (!header.ok()) return header.error();
  return statement_json(*lines, *header);
}

Result<json> events_of(const p::KvView& view, s::AggregateKind kind, const std::string& key) {
  json events = json::array();
  KASSA_TRY(p::for_each_indexed_event(view, kind, key, [&](const p::IndexedEvent& e) -> Status {
    events.push_back(event_json(e));
    return {};
  }));
  return json{{"events", events}};
}

}  // namespace

void add_query_routes(Router& router, QueryDeps deps) {
  KASSA_ASSERT(deps.stores != nullptr && deps.access_log != nullptr,
               "query routes need the store and the access log");
  auto c = std::make_shared<Ctx>(Ctx{std::move(deps)});
  const std::vector<Role> readers = {Role::kStaff, Role::kAuditor};
  const std::vector<Role> auditors = {Role::kAuditor};

  router.add(Method::kGet, "/v1/persons/lookup", readers,
             [c](const RequestContext& req) -> Result<Reply> {
               auto niss = domain::Niss::parse(req.query("niss").value_or(""));
               if (!niss.ok()) return niss.error();
               KASSA_TRY(Ctx::require_purpose(req));
               auto store = c->deps.stores->get();
               auto found = p::find_party_by_niss(*store, c->deps.niss_secret, niss->digits());
               if (!found.ok()) return found.error();
               KASSA_TRY(c->audit(req, found->value_or(""), "GET /v1/persons/lookup"));
               if (!found->has_value()) {
                 return Error::not_found("PersonNotFound", "no person is registered with this NISS",
                                         "niss");
               }
               return Reply(200, json{{"party_id", **found}});
             });

  router.add(Method::kGet, "/v1/persons/{party_id}", readers,
             person_route(c, "/v1/persons/{party_id}", true,
                          [c](const RequestContext&, const p::KvView& view, const std::string& party,
                              const p::AsOf&) -> Result<json> {
                            auto summary = p::read_party(view, s::AggregateKind::Person, party);
                            if (!summary.ok()) return summary.error();
                            const p::PartySummary ps = summary->value_or(p::PartySummary{});
                            auto header = p::read_statement_header(view, s::AggregateKind::Person, party);
                            if (!header.ok()) return header.error();
                            auto debt = p::read_debt(view, s::AggregateKind::Person, party);
                            if (!debt.ok()) return debt.error();
                            auto companies = p::read_directorships(*c->deps.stores->get(), party);
                            if (!companies.ok()) return companies.error();
                            json director_of = json::array();
                            for (const auto& d : *companies) {
                              director_of.push_back({{"company_number", d.company_number},
                                                     {"from", date_or_null(d.from_days)},
                                                     {"to", date_or_null(d.to_days)}});
                            }
                            const p::DebtStatus ds = debt->value_or(p::DebtStatus{});
                            return json{
                                {"status", p::to_string(ps.status)},
                                {"category", s::EnumNameCategory(static_cast<s::Category>(ps.category))},
                                {"starter", s::EnumNameStarterStatus(static_cast<s::StarterStatus>(ps.starter))},
                                {"start_quarter", quarter(ps.start_quarter)},
                                {"end_quarter", quarter(ps.end_quarter)},
                                {"personal_data_erased", ps.personal_data_erased},
                                {"event_count", ps.event_count},
                                {"last_sequence", ps.last_sequence},
                                {"balance", money(header->has_value() ? (*header)->balance_cents : 0)},
                                {"outstanding", money(ds.outstanding())},
                                {"collection_stage", p::to_string(ds.stage())},
                                {"director_of", director_of}};
                          }));

  router.add(Method::kGet, "/v1/persons/{party_id}/statement", readers,
             person_route(c, "/v1/persons/{party_id}/statement", true,
                          [](const RequestContext& req, const p::KvView& view,
                             const std::string& party, const p::AsOf&) {
                            return statement_of(req, view, s::AggregateKind::Person, party);
                          }));

  router.add(Method::kGet, "/v1/persons/{party_id}/debt", readers,
             person_route(c, "/v1/persons/{party_id}/debt", true,
                          [](const RequestContext&, const p::KvView& view, const std::string& party,
                             const p::AsOf&) -> Result<json> {
                            auto debt = p::read_debt(view, s::AggregateKind::Person, party);
                            if (!debt.ok()) return debt.error();
                            return debt_json(*debt);
                          }));

  router.add(Method::kGet, "/v1/persons/{party_id}/career", readers,
             person_route(c, "/v1/persons/{party_id}/career", true,
                          [](const RequestContext&, const p::KvView& view, const std::string& party,
                             const p::AsOf&) -> Result<json> {
                            auto career = p::read_career(view, party);
                            if (!career.ok()) return career.error();
                            return career_json(*career);
                          }));

  router.add(Method::kGet, "/v1/persons/{party_id}/tax-certificate", readers,
             person_route(c, "/v1/persons/{party_id}/tax-certificate", true,
                          [](const RequestContext& req, const p::KvView& view,
                             const std::string& party, const p::AsOf&) -> Result<json> {
                            auto tax = p::read_tax(view, party);
                            if (!tax.ok()) return tax.error();
                            const p::TaxRecord t = tax->value_or(p::TaxRecord{});
                            json years = json::array();
                            std::optional<int> only;
                            if (auto y = req.query("year"); y && !y->empty()) {
                              if (y->size() != 4 || y->find_first_not_of("0123456789") != std::string::npos) {
                                return Error::invalid("year", "YearFormat", "year must be like 2025");
                              }
                              only = std::stoi(*y);
                            }
                            for (const auto& [year, ty] : t.years) {
                              if (!only || *only == year) years.push_back(tax_year_json(year, ty));
                            }
                            if (only && years.empty()) years.push_back(tax_year_json(*only, p::TaxYear{}));
                            return json{{"certificates", years}};
                          }));

  router.add(Method::kGet, "/v1/persons/{party_id}/events", auditors,
             person_route(c, "/v1/persons/{party_id}/events", false,
                          [](const RequestContext&, const p::KvView& view, const std::string& party,
                             const p::AsOf&) {
                            return events_of(view, s::AggregateKind::Person, party);
                          }));

  router.add(Method::kGet, "/v1/companies/{company_number}", readers,
             company_route(c, true,
                           [c](const RequestContext&, const p::KvView& view, const std::string& key,
                               const p::AsOf&) -> Result<json> {
                             auto account = p::read_company(view, key);
                             if (!account.ok()) return account.error();
                             const p::CompanyAccount a = account->value_or(p::CompanyAccount{});
                             auto live = c->deps.stores->get();
                             json directors = json::array();
                             for (const auto& [party, d] : a.directors) {
                               auto debt = p::read_debt(*live, s::AggregateKind::Person, party);
                               if (!debt.ok()) return debt.error();
                               directors.push_back(
                                   {{"party_id", party},
                                    {"role", d.role},
                                    {"from", date_or_null(d.from_days)},
                                    {"to", date_or_null(d.to_days)},
                                    {"current", d.to_days == 0},
                                    // The company answers for its directors' contributions.
                                    {"personal_outstanding",
                                     money(debt->has_value() ? (*debt)->outstanding() : 0)}});
                             }
                             json years = json::array();
                             for (const auto& [year, y] : a.years) {
                               years.push_back({{"year", year},
                                                {"band", s::EnumNameCompanyBand(static_cast<s::CompanyBand>(y.band))},
                                                {"due", money(y.due_cents)},
                                                {"due_date", date_or_null(y.due_days)},
                                                {"paid", money(y.paid_cents)},
                                                {"surcharges", money(y.surcharges_cents)},
                                                {"surcharges_paid", money(y.surcharges_paid_cents)},
                                                {"outstanding", money(y.outstanding())}});
                             }
                             json sheets = json::array();
                             for (const auto& [days, total] : a.balance_sheets) {
                               sheets.push_back({{"financial_year_end", date(days)}, {"total", money(total)}});
                             }
                             return json{{"name", a.name},
                                         {"legal_form", a.legal_form},
                                         {"incorporated", date_or_null(a.incorporation_days)},
                                         {"registered", date_or_null(a.registered_days)},
                                         {"outstanding", money(a.outstanding())},
                                         {"credit", money(a.credit_cents)},
                                         // Directors answer jointly for this amount.
                                         {"joint_liability", {{"directors_liable_for", money(a.outstanding())}}},
                                         {"directors", directors},
                                         {"balance_sheets", sheets},
                                         {"contributions", years}};
                           }));

  router.add(Method::kGet, "/v1/companies/{company_number}/statement", readers,
             company_route(c, true,
                           [](const RequestContext& req, const p::KvView& view, const std::string& key,
                              const p::AsOf&) {
                             return statement_of(req, view, s::AggregateKind::Company, key);
                           }));

  router.add(Method::kGet, "/v1/companies/{company_number}/debt", readers,
             company_route(c, true,
                           [](const RequestContext&, const p::KvView& view, const std::string& key,
                              const p::AsOf&) -> Result<json> {
                             auto account = p::read_company(view, key);
                             if (!account.ok()) return account.error();
                             const p::CompanyAccount a = account->value_or(p::CompanyAccount{});
                             json years = json::array();
                             for (const auto& [year, y] : a.years) {
                               years.push_back({{"year", year},
                                                {"unpaid_contribution", money(std::max<std::int64_t>(0, y.due_cents - y.paid_cents))},
                                                {"unpaid_surcharges", money(std::max<std::int64_t>(0, y.surcharges_cents - y.surcharges_paid_cents))},
                                                {"outstanding", money(y.outstanding())}});
                             }
                             return json{{"outstanding", money(a.outstanding())},
                                         {"credit", money(a.credit_cents)},
                                         {"years", years}};
                           }));

  router.add(Method::kGet, "/v1/companies/{company_number}/events", auditors,
             company_route(c, false,
                           [](const RequestContext&, const p::KvView& view, const std::string& key,
                              const p::AsOf&) { return events_of(view, s::AggregateKind::Company, key); }));

  router.add(Method::kGet, "/v1/collection/work-list", {Role::kStaff},
             [c](const RequestContext& req) -> Result<Reply> {
               const std::string stage = req.query("stage").value_or("");
               p::Stage wanted = p::Stage::kNone;
               bool eligible_only = false;
               if (stage == "notice") wanted = p::Stage::kNotice;
               else if (stage == "reminder") wanted = p::Stage::kReminder;
               else if (stage == "formal-notice") wanted = p::Stage::kFormalNotice;
               else if (stage == "contrainte-eligible") { wanted = p::Stage::kFormalNotice; eligible_only = true; }
               else if (stage == "contrainte-served") wanted = p::Stage::kContrainteServed;
               else if (!stage.empty()) {
                 return Error::invalid("stage", "StageUnknown",
                                       "stage is notice, reminder, formal-notice, contrainte-eligible "
                                       "or contrainte-served");
               }
               auto on = date_param(req, "date");
               if (!on.ok()) return on.error();
               const std::int32_t today =
                   on->value_or(static_cast<std::int32_t>(c->now() / 86'400'000'000));
               std::size_t limit = 1000;
               if (auto l = req.query("limit"); l && !l->empty()) {
                 if (l->size() > 6 || l->find_first_not_of("0123456789") != std::string::npos) {
                   return Error::invalid("limit", "LimitFormat", "limit is a number up to 999999");
                 }
                 limit = std::stoul(*l);
               }
               auto items = p::read_work_list(*c->deps.stores->get(), wanted, eligible_only ? SIZE_MAX : limit);
               if (!items.ok()) return items.error();
               json out = json::array();
               for (const auto& it : *items) {
                 const bool eligible = p::contrainte_eligible(it, today);
                 if (eligible_only && !eligible) continue;
                 if (out.size() >= limit) break;
                 out.push_back({{"party_id", it.aggregate_key},
                                {"stage", p::to_string(it.stage)},
                                {"outstanding", money(it.outstanding_cents)},
                                {"last_formal_notice", date_or_null(it.last_formal_notice_days)},
                                {"payment_plan", p::to_string(it.plan)},
                                {"contests_pending", it.contests_pending},
                                {"personal_contact", it.personal_contact},
                                {"contrainte_eligible", eligible}});
               }
               return Reply(200, json{{"date", date(today)}, {"stage", stage.empty() ? "all" : stage},
                                      {"debtors", out}});
             });

  router.add(Method::kGet, "/v1/statistics", {Role::kStaff, Role::kAuditor},
             [c](const RequestContext& req) -> Result<Reply> {
               auto store = c->deps.stores->get();
               auto snap = store->snapshot();
               json out = json::array();
               if (auto q = req.query("quarter"); q && !q->empty()) {
                 auto code = parse_quarter_code(*q);
                 if (!code.ok()) return code.error();
                 auto st = p::read_stats(*snap, *code);
                 if (!st.ok()) return st.error();
                 out.push_back(stats_json(*code, st->value_or(p::QuarterStats{})));
               } else {
                 auto quarters = p::stats_quarters(*snap);
                 if (!quarters.ok()) return quarters.error();
                 for (std::uint16_t code : *quarters) {
                   auto st = p::read_stats(*snap, code);
                   if (!st.ok()) return st.error();
                   out.push_back(stats_json(code, st->value_or(p::QuarterStats{})));
                 }
               }
               return Reply(200, json{{"quarters", out}});
             });

  router.add(Method::kGet, "/v1/audit/access-log", auditors,
             [c](const RequestContext& req) -> Result<Reply> {
               std::optional<std::string> party;
               if (auto v = req.query("party_id"); v && !v->empty()) {
                 KASSA_TRY(log::validate_aggregate_key(s::AggregateKind::Person, *v));
                 party = *v;
               }
               std::int64_t from = 0;
               std::int64_t to = INT64_MAX;
               if (auto v = req.query("from"); v && !v->empty()) {
                 auto ts = parse_timestamp(v->size() == 10 ? *v + "T00:00:00Z" : *v, "from");
                 if (!ts.ok()) return ts.error();
                 from = *ts;
               }
               if (auto v = req.query("to"); v && !v->empty()) {
                 auto ts = parse_timestamp(v->size() == 10 ? *v + "T23:59:59.999999Z" : *v, "to");
                 if (!ts.ok()) return ts.error();
                 to = *ts;
               }
               auto records = c->deps.access_log->query(party, from, to, 10'000);
               if (!records.ok()) return records.error();
               json out = json::array();
               for (const auto& r : *records) {
                 out.push_back({{"at_us", r.at_us}, {"principal", r.principal}, {"role", r.role},
                                {"party_id", r.party_id}, {"route", r.route}, {"purpose", r.purpose}});
               }
               return Reply(200, json{{"records", out}});
             });

  router.add(Method::kGet, "/v1/projections/status", {Role::kStaff, Role::kAuditor},
             [c](const RequestContext&) -> Result<Reply> {
               json out = json::object();
               if (c->deps.projector == nullptr) return Reply(200, json{{"running", false}});
               json parts = json::array();
               for (const auto& pos : c->deps.projector->positions()) {
                 parts.push_back({{"topic", std::string(log::topic_suffix(pos.topic))},
                                  {"partition", pos.partition},
                                  {"last_applied_offset", pos.offset - 1}});
               }
               auto lag = c->deps.projector->lag();
               const auto st = c->deps.projector->stats();
               out = {{"running", true},
                      {"partitions", parts},
                      {"lag", lag.ok() ? json(*lag) : json(nullptr)},
                      {"applied", st.applied},
                      {"quarantined", st.quarantined},
                      {"skipped", st.skipped}};
               if (auto h = c->deps.projector->halted()) out["halted"] = h->rule + ": " + h->message;
               return Reply(200, out);
             });
}

}  // namespace kassa::http
