#include "http/command_support.h"

#include "domain/company_number.h"
#include "domain/structured_communication.h"
#include "projections/parties.h"

namespace kassa::http::commands {

namespace {

using CompanyBuilder = std::function<Result<d::CompanyCommand>(const json&)>;

Result<Reply> execute_company(const CommandDeps& deps, const RequestContext& ctx,
                              const std::string& number, const d::CompanyCommand& command) {
  KASSA_ASSIGN_OR_RETURN(auto date, business_date(deps, ctx.body));
  KASSA_ASSIGN_OR_RETURN(auto out,
                         deps.companies->execute(number, command, date, meta_for(deps, ctx)));
  return outcome_reply("company_number", out);
}

Result<Reply> register_company(const CommandDeps& deps, const RequestContext& ctx) {
  const json& b = ctx.body;
  KASSA_TRY(require_object(b));
  KASSA_ASSIGN_OR_RETURN(auto number_text, req_str(b, "company_number"));
  KASSA_ASSIGN_OR_RETURN(auto number, d::CompanyNumber::parse(number_text, "company_number"));
  KASSA_ASSIGN_OR_RETURN(auto name, req_str(b, "name"));
  KASSA_ASSIGN_OR_RETURN(auto form, req_str(b, "legal_form"));
  KASSA_ASSIGN_OR_RETURN(auto incorporation, date_field(b, "incorporation"));
  d::RegisterCompany cmd{number, name, form, incorporation, 0, {}};
  if (b.contains("directors")) {
    if (!b["directors"].is_array()) {
      return Error::invalid("directors", "DirectorsArray", "directors is an array of PartyIds");
    }
    for (const auto& dir : b["directors"]) {
      if (!dir.is_string()) {
        return Error::invalid("directors", "DirectorsArray", "directors is an array of PartyIds");
      }
      KASSA_ASSIGN_OR_RETURN(auto party, d::PartyId::parse(dir.get<std::string>(), "directors"));
      KASSA_TRY(require_person(deps, party, "directors"));
      cmd.directors.push_back(std::move(party));
    }
  }
  const std::string& key = number.digits();
  const std::string claim = "company:" + key;
  if (!deps.numbers->claim(claim)) {
    return Error::conflict("CompanyAlreadyRegistered", "this company is being registered",
                           "company_number");
  }
  ClaimGuard guard{deps.numbers, claim};
  KASSA_ASSIGN_OR_RETURN(auto member, deps.numbers->next());
  cmd.member_number = member;
  if (ctx.idempotent != nullptr) ctx.idempotent->remember("member_number", cmd.member_number);
  auto reply = execute_company(deps, ctx, key, d::CompanyCommand{cmd});
  if (!reply) return reply;
  reply->body["member_number"] = cmd.member_number;
  return reply;
}

}  // namespace

void add_company_routes(Router& router, const CommandDeps& deps) {
  const std::vector<Role> staff{Role::kStaff};
  auto* idem = deps.idempotency;
  auto finder = index_finder(deps);
  router.add(
      Method::kPost, "/v1/companies", staff,
      idempotent(
          idem, [deps](const RequestContext& c) { return register_company(deps, c); }, finder));
  auto company = [&](const std::string& step, CompanyBuilder build) {
    router.add(Method::kPost, "/v1/companies/{company_number}/" + step, staff,
               idempotent(
                   idem,
                   [deps, build = std::move(build)](const RequestContext& ctx) -> Result<Reply> {
                     KASSA_ASSIGN_OR_RETURN(auto number,
                                            d::CompanyNumber::parse(ctx.params.at("company_number"),
                                                                    "company_number"));
                     KASSA_TRY(require_object(ctx.body));
                     KASSA_ASSIGN_OR_RETURN(auto command, build(ctx.body));
                     if (const auto* add = std::get_if<d::AddDirector>(&command)) {
                       KASSA_TRY(require_person(deps, add->party, "party_id"));
                     }
                     return execute_company(deps, ctx, number.digits(), command);
                   },
                   finder));
  };
  using R = Result<d::CompanyCommand>;
  company("directors", [](const json& b) -> R {
    KASSA_ASSIGN_OR_RETURN(auto party, party_field(b, "party_id"));
    KASSA_ASSIGN_OR_RETURN(auto from, date_field(b, "from"));
    KASSA_ASSIGN_OR_RETURN(auto role, opt_str(b, "role"));
    return d::CompanyCommand{d::AddDirector{party, from, role.value_or("director")}};
  });
  company("directors/removal", [](const json& b) -> R {
    KASSA_ASSIGN_OR_RETURN(auto party, party_field(b, "party_id"));
    KASSA_ASSIGN_OR_RETURN(auto to, date_field(b, "to"));
    return d::CompanyCommand{d::RemoveDirector{party, to}};
  });
  company("balance-sheets", [](const json& b) -> R {
    KASSA_ASSIGN_OR_RETURN(auto end, date_field(b, "financial_year_end"));
    KASSA_ASSIGN_OR_RETURN(auto total, money_field(b, "total"));
    return d::CompanyCommand{d::ReportBalanceSheet{end, total}};
  });
  company("payments", [](const json& b) -> R {
    KASSA_ASSIGN_OR_RETURN(auto amount, money_field(b, "amount"));
    KASSA_ASSIGN_OR_RETURN(auto value_date, date_field(b, "value_date"));
    KASSA_ASSIGN_OR_RETURN(auto ref, req_str(b, "bank_ref"));
    d::RecordCompanyPayment p{amount, value_date, std::nullopt, ref, s::PaymentChannel::Coda};
    KASSA_ASSIGN_OR_RETURN(auto comm, opt_str(b, "communication"));
    if (comm.has_value()) {
      KASSA_ASSIGN_OR_RETURN(auto parsed,
                             d::StructuredCommunication::parse(*comm, "communication"));
      p.communication = parsed;
    }
    return d::CompanyCommand{p};
  });
  company("late-surcharges", [](const json& b) -> R {
    KASSA_ASSIGN_OR_RETURN(auto year, year_field(b));
    KASSA_ASSIGN_OR_RETURN(auto as_of, date_field(b, "as_of"));
    return d::CompanyCommand{d::ApplyCompanyLateSurcharge{year, as_of}};
  });
}

}  // namespace kassa::http::commands
