#include "http/query_support.h"

#include "domain/company_number.h"
#include "projections/company_account.h"
#include "projections/debt.h"
#include "projections/parties.h"

namespace kassa::http::queries {

void add_company_queries(Router& router, const std::shared_ptr<Ctx>& c) {
  const std::vector<Role> readers = {Role::kStaff, Role::kAuditor};
  const std::vector<Role> auditors = {Role::kAuditor};

  router.add(
      Method::kGet, "/v1/companies/{company_number}", readers,
      company_route(c, true,
                    [c](const RequestContext& req, const p::KvView& view, const std::string& key,
                        const p::AsOf&) -> Result<json> {
                      // Directors are persons: their PartyIds and personal
                      // outstanding are disclosed with a purpose, and logged.
                      KASSA_TRY(Ctx::require_purpose(req));
                      KASSA_ASSIGN_OR_RETURN(auto account, p::read_company(view, key));
                      const domain::CompanyView a = account.value_or(domain::CompanyView{});
                      std::vector<std::string> disclosed;
                      disclosed.reserve(a.directors.size());
                      for (const auto& d : a.directors) disclosed.push_back(d.party.str());
                      KASSA_TRY(c->audit_all(req, disclosed, "GET /v1/companies/{company_number}"));
                      auto live = c->deps.stores->get();
                      json directors = json::array();
                      for (const auto& d : a.directors) {
                        KASSA_ASSIGN_OR_RETURN(auto debt, p::read_debt(*live, d.party.str()));
                        directors.push_back(
                            {{"party_id", d.party.str()},
                             {"role", d.role},
                             {"from", date_of(d.from)},
                             {"to", date_of(d.to)},
                             {"current", !d.to.has_value()},
                             // The company answers for its directors' contributions.
                             {"personal_outstanding",
                              money_of(debt.has_value() ? (debt)->outstanding : domain::Money{})}});
                      }
                      json years = json::array();
                      for (const auto& y : a.years) {
                        years.push_back({{"year", y.year},
                                         {"band", y.band == s::CompanyBand::High ? "high" : "low"},
                                         {"contribution", money_of(y.contribution)},
                                         {"due_date", date_of(y.due)},
                                         {"communication", communication(y.communication)},
                                         {"paid", money_of(y.paid)},
                                         {"surcharges", money_of(y.surcharges)},
                                         {"surcharges_paid", money_of(y.surcharges_paid)},
                                         {"surcharge_months", y.surcharge_months},
                                         {"outstanding", money_of(y.outstanding)}});
                      }
                      json sheets = json::array();
                      for (const auto& b : a.balance_sheets) {
                        sheets.push_back({{"financial_year_end", date_of(b.financial_year_end)},
                                          {"total", money_of(b.total)},
                                          {"reported", date_of(b.reported)}});
                      }
                      return json{
                          {"name", a.name},
                          {"legal_form", a.legal_form},
                          {"incorporated", date_of(a.incorporation)},
                          {"registered", date_of(a.registered_on)},
                          {"outstanding", money_of(a.outstanding)},
                          {"credit", money_of(a.credit)},
                          {"balance", money_of(a.balance)},
                          // Directors answer jointly for this amount.
                          {"joint_liability", {{"directors_liable_for", money_of(a.outstanding)}}},
                          {"directors", directors},
                          {"balance_sheets", sheets},
                          {"contributions", years}};
                    }));

  router.add(
      Method::kGet, "/v1/companies/{company_number}/statement", readers,
      company_route(
          c, true,
          JsonOrCsv{[](const RequestContext& req, const p::KvView& view, const std::string& key,
                       const p::AsOf& as_of, JsonWriter& out) -> Status {
                      KASSA_ASSIGN_OR_RETURN(auto account, p::read_company(view, key));
                      return statement_of(req, view, s::AggregateKind::Company, key, as_of,
                                          notices_of(account), out);
                    },
                    [](const RequestContext& req, const p::KvView& view, const std::string& key,
                       const p::AsOf& as_of) -> Result<Reply> {
                      KASSA_ASSIGN_OR_RETURN(auto account, p::read_company(view, key));
                      return statement_csv_of(req, view, s::AggregateKind::Company, key, as_of,
                                              notices_of(account));
                    }}));

  router.add(Method::kGet, "/v1/companies/{company_number}/debt", readers,
             company_route(c, true,
                           [](const RequestContext&, const p::KvView& view, const std::string& key,
                              const p::AsOf&) -> Result<json> {
                             KASSA_ASSIGN_OR_RETURN(auto account, p::read_company(view, key));
                             const domain::CompanyView a = account.value_or(domain::CompanyView{});
                             json years = json::array();
                             for (const auto& y : a.years) {
                               years.push_back({{"year", y.year},
                                                {"due_date", date_of(y.due)},
                                                {"communication", communication(y.communication)},
                                                {"unpaid_contribution", money_of(y.open_principal)},
                                                {"unpaid_surcharges", money_of(y.open_surcharges)},
                                                {"outstanding", money_of(y.outstanding)}});
                             }
                             return json{{"outstanding", money_of(a.outstanding)},
                                         {"credit", money_of(a.credit)},
                                         {"balance", money_of(a.balance)},
                                         {"years", years}};
                           }));

  router.add(Method::kGet, "/v1/companies/{company_number}/events", auditors,
             company_route(c, false,
                           [](const RequestContext& req, const p::KvView& view,
                              const std::string& key, const p::AsOf&) {
                             return events_of(req, view, s::AggregateKind::Company, key);
                           }));
}

}  // namespace kassa::http::queries
