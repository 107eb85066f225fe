#include "http/command_support.h"

#include "domain/company_number.h"
#include "domain/structured_communication.h"
#include "projections/parties.h"

namespace kassa::http::commands {

namespace {

using CompanyBuilder = std::function<Result<d::CompanyCommand>(const json&)>;

Result<Reply> execute_company(const CommandDeps& deps, const RequestContext& ctx,
                              const std::string& number, const d::CompanyCommand& command) {
  auto date = business_date(deps, ctx.body);
  if (!date) return date.error();
  auto out = deps.companies->execute(number, command, *date, meta_for(deps, ctx));
  if (!out) return out.error();
  return outcome_reply("company_number", *out);
}

Result<Reply> register_company(const CommandDeps& deps, const RequestContext& ctx) {
  const json& b = ctx.body;
  KASSA_TRY(require_object(b));
  auto number_text = req_str(b, "company_number");
  if (!number_text) return number_text.error();
  auto number = d::CompanyNumber::parse(*number_text, "company_number");
  if (!number) return number.error();
  auto name = req_str(b, "name");
  if (!name) return name.error();
  auto form = req_str(b, "legal_form");
  if (!form) return form.error();
  auto incorporation = date_field(b, "incorporation");
  if (!incorporation) return incorporation.error();
  d::RegisterCompany cmd{*number, *name, *form, *incorporation, 0, {}};
  if (b.contains("directors")) {
    if (!b["directors"].is_array()) {
      return Error::invalid("directors", "DirectorsArray", "directors is an array of PartyIds");
    }
    for (const auto& dir : b["directors"]) {
      if (!dir.is_string()) {
        return Error::invalid("directors", "DirectorsArray", "directors is an array of PartyIds");
      }
      KASSA_TRY(require_person(deps, dir.get<std::string>(), "directors"));
      cmd.directors.push_back(dir.get<std::string>());
    }
  }
  const std::string key = number->digits();
  const std::string claim = "company:" + key;
  if (!deps.numbers->claim(claim)) {
    return Error::conflict("CompanyAlreadyRegistered", "this company is being registered",
                           "company_number");
  }
  ClaimGuard guard{deps.numbers, claim};
  auto member = deps.numbers->next();
  if (!member) return member.error();
  cmd.member_number = *member;
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
  router.add(Method::kPost, "/v1/companies", staff,
             idempotent(idem, [deps](const RequestContext& c) { return register_company(deps, c); },
                        finder));
  auto company = [&](const std::string& step, CompanyBuilder build) {
    router.add(Method::kPost, "/v1/companies/{company_number}/" + step, staff,
               idempotent(idem, [deps, build = std::move(build)](
                                    const RequestContext& ctx) -> Result<Reply> {
                 auto number = d::CompanyNumber::parse(ctx.params.at("company_number"),
                                                       "company_number");
                 if (!number) return number.error();
                 KASSA_TRY(require_object(ctx.body));
                 auto command = build(ctx.body);
                 if (!command) return command.error();
                 if (const auto* add = std::get_if<d::AddDirector>(&*command)) {
                   KASSA_TRY(require_person(deps, add->party, "party_id"));
                 }
                 return execute_company(deps, ctx, number->digits(), *command);
               }, finder));
  };
  using R = Result<d::CompanyCommand>;
  company("directors", [](const json& b) -> R {
    auto party = req_str(b, "party_id");
    if (!party) return party.error();
    auto from = date_field(b, "from");
    if (!from) return from.error();
    auto role = opt_str(b, "role");
    if (!role) return role.error();
    return d::CompanyCommand{d::AddDirector{*party, *from, role->value_or("director")}};
  });
  company("directors/removal", [](const json& b) -> R {
    auto party = req_str(b, "party_id");
    if (!party) return party.error();
    auto to = date_field(b, "to");
    if (!to) return to.error();
    return d::CompanyCommand{d::RemoveDirector{*party, *to}};
  });
  company("balance-sheets", [](const json& b) -> R {
    auto end = date_field(b, "financial_year_end");
    if (!end) return end.error();
    auto total = money_field(b, "total");
    if (!total) return total.error();
    return d::CompanyCommand{d::ReportBalanceSheet{*end, *total}};
  });
  company("payments", [](const json& b) -> R {
    auto amount = money_field(b, "amount");
    if (!amount) return amount.error();
    auto value_date = date_field(b, "value_date");
    if (!value_date) return value_date.error();
    auto ref = req_str(b, "bank_ref");
    if (!ref) return ref.error();
    d::RecordCompanyPayment p{*amount, *value_date, std::nullopt, *ref, s::PaymentChannel::Coda};
    auto comm = opt_str(b, "communication");
    if (!comm) return comm.error();
    if (comm->has_value()) {
      auto parsed = d::StructuredCommunication::parse(**comm, "communication");
      if (!parsed) return parsed.error();
      p.communication = *parsed;
    }
    return d::CompanyCommand{p};
  });
  company("late-surcharges", [](const json& b) -> R {
    auto year = year_field(b);
    if (!year) return year.error();
    auto as_of = date_field(b, "as_of");
    if (!as_of) return as_of.error();
    return d::CompanyCommand{d::ApplyCompanyLateSurcharge{*year, *as_of}};
  });
}

}  // namespace kassa::http::commands
