#include "http/query_support.h"

#include "domain/niss.h"
#include "projections/company_account.h"
#include "projections/debt.h"
#include "projections/niss_index.h"
#include "projections/parties.h"
#include "projections/statement.h"

namespace kassa::http::queries {

void add_person_queries(Router& router, const std::shared_ptr<Ctx>& c) {
  const std::vector<Role> readers = {Role::kStaff, Role::kAuditor};
  const std::vector<Role> auditors = {Role::kAuditor};

  // A NISS in a URL ends up in proxies' and browsers' logs: POST with the
  // NISS in the body is the way; GET stays for existing callers.
  auto lookup = [c](const RequestContext& req, const std::string& text,
                    const std::string& route) -> Result<Reply> {
    KASSA_ASSIGN_OR_RETURN(auto niss, domain::Niss::parse(text));
    KASSA_TRY(Ctx::require_purpose(req));
    auto store = c->deps.stores->get();
    KASSA_ASSIGN_OR_RETURN(auto found,
                           p::find_party_by_niss(*store, c->deps.niss_secret, niss.digits()));
    KASSA_TRY(c->audit(req, found.value_or(""), route));
    if (!found.has_value()) {
      return Error::not_found("PersonNotFound", "no person is registered with this NISS", "niss");
    }
    return Reply(200, json{{"party_id", *found}});
  };
  router.add(Method::kGet, "/v1/persons/lookup", readers,
             [lookup](const RequestContext& req) -> Result<Reply> {
               return lookup(req, req.query("niss").value_or(""), "GET /v1/persons/lookup");
             });
  router.add(Method::kPost, "/v1/persons/lookup", readers,
             [lookup](const RequestContext& req) -> Result<Reply> {
               if (!req.body.is_object() || !req.body.contains("niss") || !req.body["niss"].is_string()) {
                 return Error::invalid("niss", "NissRequired", "the body is {\"niss\": \"11 digits\"}");
               }
               return lookup(req, req.body["niss"].get<std::string>(), "POST /v1/persons/lookup");
             });

  router.add(Method::kGet, "/v1/persons/{party_id}", readers,
             person_route(c, "/v1/persons/{party_id}", true,
                          [c](const RequestContext&, const p::KvView& view, const std::string& party,
                              const p::AsOf&) -> Result<json> {
                            KASSA_ASSIGN_OR_RETURN(auto summary,
                                                   p::read_party(view, s::AggregateKind::Person, party));
                            const p::PartySummary ps = summary.value_or(p::PartySummary{});
                            KASSA_ASSIGN_OR_RETURN(auto debt, p::read_debt(view, party));
                            KASSA_ASSIGN_OR_RETURN(auto companies,
                                                   p::read_directorships(*c->deps.stores->get(), party));
                            json director_of = json::array();
                            for (const auto& d : companies) {
                              director_of.push_back({{"company_number", d.company_number},
                                                     {"from", date_or_null(d.from_days)},
                                                     {"to", date_or_null(d.to_days)}});
                            }
                            const domain::DebtView ds = debt.value_or(domain::DebtView{});
                            return json{
                                {"status", p::to_string(ps.status)},
                                {"category", std::string(category_name(ps.category))},
                                {"starter", std::string(starter_name(ps.starter))},
                                {"start_quarter", ps.start_quarter == 0 ? json(nullptr) : bucket(ps.start_quarter)},
                                {"end_quarter", ps.end_quarter == 0 ? json(nullptr) : bucket(ps.end_quarter)},
                                {"personal_data_erased", ps.personal_data_erased},
                                {"event_count", ps.event_count},
                                {"last_sequence", ps.last_sequence},
                                {"balance", money_of(ds.balance)},
                                {"outstanding", money_of(ds.outstanding)},
                                {"credit", money_of(ds.credit)},
                                {"collection_stage", std::string(domain::to_string(ds.stage))},
                                {"director_of", director_of}};
                          }));

  router.add(Method::kGet, "/v1/persons/{party_id}/statement", readers,
             person_route(c, "/v1/persons/{party_id}/statement", true,
                          [](const RequestContext& req, const p::KvView& view,
                             const std::string& party, const p::AsOf& as_of,
                             JsonWriter& out) -> Status {
                            KASSA_ASSIGN_OR_RETURN(auto debt, p::read_debt(view, party));
                            return statement_of(req, view, s::AggregateKind::Person, party, as_of,
                                                notices_of(debt), out);
                          }));

  router.add(Method::kGet, "/v1/persons/{party_id}/debt", readers,
             person_route(c, "/v1/persons/{party_id}/debt", true,
                          [](const RequestContext&, const p::KvView& view, const std::string& party,
                             const p::AsOf&, JsonWriter& out) -> Status {
                            KASSA_ASSIGN_OR_RETURN(auto debt, p::read_debt(view, party));
                            write_debt_fields(out, debt);
                            return {};
                          }));

  router.add(Method::kGet, "/v1/persons/{party_id}/career", readers,
             person_route(c, "/v1/persons/{party_id}/career", true,
                          [](const RequestContext&, const p::KvView& view, const std::string& party,
                             const p::AsOf&) -> Result<json> {
                            KASSA_ASSIGN_OR_RETURN(auto career, p::read_career(view, party));
                            return career_json(career);
                          }));

  router.add(Method::kGet, "/v1/persons/{party_id}/tax-certificate", readers,
             person_route(c, "/v1/persons/{party_id}/tax-certificate", true,
                          [](const RequestContext& req, const p::KvView& view,
                             const std::string& party, const p::AsOf&) -> Result<json> {
                            KASSA_ASSIGN_OR_RETURN(auto tax, p::read_tax(view, party));
                            const p::TaxRecord t = tax.value_or(p::TaxRecord{});
                            json years = json::array();
                            std::optional<int> only;
                            if (auto y = req.query("year"); y && !y->empty()) {
                              if (y->size() != 4 || y->find_first_not_of("0123456789") != std::string::npos) {
                                return Error::invalid("year", "YearFormat", "year must be like 2025");
                              }
                              only = std::stoi(*y);
                            }
                            for (const auto& [year, ty] : t) {
                              if (!only || *only == year) years.push_back(tax_year_json(year, ty));
                            }
                            if (only && years.empty()) years.push_back(tax_year_json(*only, domain::PaidInYear{}));
                            return json{{"certificates", years}};
                          }));

  router.add(Method::kGet, "/v1/persons/{party_id}/events", auditors,
             person_route(c, "/v1/persons/{party_id}/events", false,
                          [](const RequestContext& req, const p::KvView& view, const std::string& party,
                             const p::AsOf&) {
                            return events_of(req, view, s::AggregateKind::Person, party);
                          }));
}

}  // namespace kassa::http::queries
