#include "http/query_support.h"

#include "domain/name_words.h"
#include "domain/niss.h"
#include "http/body_fields.h"
#include "projections/company_account.h"
#include "projections/debt.h"
#include "projections/niss_index.h"
#include "projections/parties.h"
#include "projections/person_search.h"
#include "projections/state.h"
#include "projections/statement.h"

namespace kassa::http::queries {

namespace {

// The words of a name search, within the limits staff need.
Result<std::vector<std::string>> search_words(const std::string& name) {
  auto words = domain::name_words(name);
  if (words.empty()) {
    return Error::invalid("name", "NameWords", "name: at least one word of letters or digits");
  }
  if (words.size() > domain::kMaxSearchWords) {
    return Error::invalid("name", "NameTooManyWords",
                          "name: at most " + std::to_string(domain::kMaxSearchWords) + " words");
  }
  for (const auto& w : words) {
    if (w.size() > domain::kMaxWordBytes) {
      return Error::invalid(
          "name", "NameWordTooLong",
          "name: a word of at most " + std::to_string(domain::kMaxWordBytes) + " bytes");
    }
  }
  return words;
}

json text_or_null(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

json member_number_json(const p::Identity& id) {
  return id.member_number == 0 ? json(nullptr) : json(id.member_number);
}

// A person's identity as staff read it (personal data, decrypted: the
// answer is never cached, router.cpp). `erased` is the person's own record
// of the erasure (PartySummary), not a block that failed to open.
json identity_json(const p::Identity& id, bool erased) {
  json out = {{"member_number", member_number_json(id)}, {"personal_data_erased", erased}};
  if (!id.data.has_value()) return out;
  const auto& d = *id.data;
  out["niss"] = text_or_null(d.niss);
  out["first_name"] = text_or_null(d.first_name);
  out["last_name"] = text_or_null(d.last_name);
  out["birth_date"] = d.has_birth_days ? json(date(d.birth_days)) : json(nullptr);
  out["email"] = text_or_null(d.email);
  out["phone"] = text_or_null(d.phone);
  out["iban"] = text_or_null(d.iban);
  out["bic"] = text_or_null(d.bic);
  if (d.address != nullptr) {
    const auto& a = *d.address;
    out["address"] = {
        {"street", text_or_null(a.street)}, {"number", text_or_null(a.number)},
        {"box", text_or_null(a.box)},       {"postal_code", text_or_null(a.postal_code)},
        {"city", text_or_null(a.city)},     {"country", text_or_null(a.country)}};
  } else {
    out["address"] = nullptr;
  }
  return out;
}

// A search's row: what tells homonyms apart, and no more (the file has the rest).
json search_row(const std::string& party, const p::Identity& id, const p::PartySummary& ps) {
  const s::PersonalDataT* d = id.data ? &*id.data : nullptr;
  return {
      {"party_id", party},
      {"member_number", member_number_json(id)},
      {"first_name", d != nullptr ? text_or_null(d->first_name) : json(nullptr)},
      {"last_name", d != nullptr ? text_or_null(d->last_name) : json(nullptr)},
      {"birth_date", d != nullptr && d->has_birth_days ? json(date(d->birth_days)) : json(nullptr)},
      {"status", p::to_string(ps.status)},
      {"personal_data_erased", ps.personal_data_erased}};
}

const log::KeyStore* keys_of(const Ctx& c) { return c.deps.projection_deps.keys; }

}  // namespace

void add_person_queries(Router& router, const std::shared_ptr<Ctx>& c) {
  const std::vector<Role> readers = {Role::kStaff, Role::kAuditor};
  // Names, NISS, address and account in clear: the staff who serve the
  // member. An auditor's work (access log, events, statements as of a date)
  // needs none of it (CONSOLE.md, least privilege).
  const std::vector<Role> staff = {Role::kStaff};
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
  router.add(
      Method::kPost, "/v1/persons/lookup", readers,
      [lookup](const RequestContext& req) -> Result<Reply> {
        if (!req.body.is_object() || !req.body.contains("niss") || !req.body["niss"].is_string()) {
          return Error::invalid("niss", "NissRequired", "the body is {\"niss\": \"11 digits\"}");
        }
        return lookup(req, req.body["niss"].get<std::string>(), "POST /v1/persons/lookup");
      });

  // Staff find a file by member number or by name (after a phone call, a
  // letter): POST, so a name never travels in a URL. Every person the answer
  // shows is written to the access log with the purpose.
  router.add(
      Method::kPost, "/v1/persons/search", staff, [c](const RequestContext& req) -> Result<Reply> {
        const json& b = req.body;
        KASSA_TRY(fields::require_object(b));
        const bool by_name = b.contains("name");
        if (by_name == b.contains("member_number")) {
          return Error::invalid("name", "SearchByOne", "give either name or member_number");
        }
        std::size_t limit = 20;
        if (b.contains("limit")) {
          KASSA_ASSIGN_OR_RETURN(auto n, fields::req_int(b, "limit", 1, 50));
          limit = static_cast<std::size_t>(n);
        }
        std::vector<std::string> parties;
        bool more = false;
        auto store = c->deps.stores->get();
        if (by_name) {
          KASSA_ASSIGN_OR_RETURN(auto name, fields::req_str(b, "name"));
          KASSA_ASSIGN_OR_RETURN(auto words, search_words(name));
          KASSA_TRY(Ctx::require_purpose(req));
          KASSA_ASSIGN_OR_RETURN(
              auto found, p::find_parties_by_name(*store, c->deps.niss_secret, words, limit));
          parties = std::move(found.parties);
          more = found.more;
        } else {
          KASSA_ASSIGN_OR_RETURN(auto number, fields::req_int(b, "member_number", 1, 9'999'999));
          KASSA_TRY(Ctx::require_purpose(req));
          KASSA_ASSIGN_OR_RETURN(auto found,
                                 p::find_member(*store, static_cast<std::uint32_t>(number)));
          if (found.has_value() && found->kind == s::AggregateKind::Person) {
            parties.push_back(found->key);
          }
        }
        if (keys_of(*c) == nullptr) {
          return Error::unavailable("KeysUnavailable", "the key store is not open");
        }
        json persons = json::array();
        for (const auto& party : parties) {
          KASSA_ASSIGN_OR_RETURN(auto id, p::read_identity(*store, *keys_of(*c), party));
          KASSA_ASSIGN_OR_RETURN(auto summary,
                                 p::read_party(*store, s::AggregateKind::Person, party));
          persons.push_back(
              search_row(party, id.value_or(p::Identity{}), summary.value_or(p::PartySummary{})));
        }
        KASSA_TRY(c->audit_all(req, parties, "POST /v1/persons/search"));
        return Reply(200, json{{"persons", persons}, {"more", more}});
      });

  router.add(
      Method::kGet, "/v1/persons/{party_id}/identity", staff,
      person_route(c, "/v1/persons/{party_id}/identity", false,
                   [c](const RequestContext&, const p::KvView& view, const std::string& party,
                       const p::AsOf&) -> Result<json> {
                     if (keys_of(*c) == nullptr) {
                       return Error::unavailable("KeysUnavailable", "the key store is not open");
                     }
                     KASSA_ASSIGN_OR_RETURN(auto id, p::read_identity(view, *keys_of(*c), party));
                     KASSA_ASSIGN_OR_RETURN(auto summary,
                                            p::read_party(view, s::AggregateKind::Person, party));
                     return identity_json(id.value_or(p::Identity{}),
                                          summary.has_value() && summary->personal_data_erased);
                   }));

  router.add(
      Method::kGet, "/v1/persons/{party_id}", readers,
      person_route(
          c, "/v1/persons/{party_id}", true,
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

  // JSON, or with Accept: text/csv the period's lines for a spreadsheet.
  router.add(
      Method::kGet, "/v1/persons/{party_id}/statement", readers,
      person_route(
          c, "/v1/persons/{party_id}/statement", true,
          JsonOrCsv{[](const RequestContext& req, const p::KvView& view, const std::string& party,
                       const p::AsOf& as_of, JsonWriter& out) -> Status {
                      KASSA_ASSIGN_OR_RETURN(auto debt, p::read_debt(view, party));
                      return statement_of(req, view, s::AggregateKind::Person, party, as_of,
                                          notices_of(debt), out);
                    },
                    [](const RequestContext& req, const p::KvView& view, const std::string& party,
                       const p::AsOf& as_of) -> Result<Reply> {
                      KASSA_ASSIGN_OR_RETURN(auto debt, p::read_debt(view, party));
                      return statement_csv_of(req, view, s::AggregateKind::Person, party, as_of,
                                              notices_of(debt));
                    }}));

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
                              if (y->size() != 4 ||
                                  y->find_first_not_of("0123456789") != std::string::npos) {
                                return Error::invalid("year", "YearFormat",
                                                      "year must be like 2025");
                              }
                              only = std::stoi(*y);
                            }
                            for (const auto& [year, ty] : t) {
                              if (!only || *only == year) years.push_back(tax_year_json(year, ty));
                            }
                            if (only && years.empty())
                              years.push_back(tax_year_json(*only, domain::PaidInYear{}));
                            return json{{"certificates", years}};
                          }));

  // Requests (plans, waivers, dispenses, contests, benefits) and what was
  // decided, each refusal with its reason and appeal: a view of the
  // person's folded state, as of now or of a date.
  router.add(
      Method::kGet, "/v1/persons/{party_id}/requests", readers,
      person_route(c, "/v1/persons/{party_id}/requests", true,
                   [](const RequestContext&, const p::KvView& view, const std::string& party,
                      const p::AsOf&) -> Result<json> {
                     KASSA_ASSIGN_OR_RETURN(auto state, p::read_person_state(view, party));
                     return json{
                         {"requests", requests_json(state ? domain::requests_view(*state)
                                                          : std::vector<domain::RequestView>{})}};
                   }));

  router.add(Method::kGet, "/v1/persons/{party_id}/events", auditors,
             person_route(c, "/v1/persons/{party_id}/events", false,
                          [](const RequestContext& req, const p::KvView& view,
                             const std::string& party, const p::AsOf&) {
                            return events_of(req, view, s::AggregateKind::Person, party);
                          }));
}

}  // namespace kassa::http::queries
