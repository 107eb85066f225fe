#include "http/command_support.h"

#include <spdlog/spdlog.h>

#include "domain/niss.h"
#include "projections/niss_index.h"
#include "projections/parties.h"

namespace kassa::http::commands {

namespace {

Result<Reply> register_person(const CommandDeps& deps, const RequestContext& ctx) {
  const json& b = ctx.body;
  KASSA_TRY(require_object(b));
  KASSA_ASSIGN_OR_RETURN(auto niss_text, req_str(b, "niss"));
  KASSA_ASSIGN_OR_RETURN(auto niss, d::Niss::parse(niss_text, "niss"));
  KASSA_ASSIGN_OR_RETURN(auto first, req_str(b, "first_name"));
  KASSA_ASSIGN_OR_RETURN(auto last, req_str(b, "last_name"));
  KASSA_ASSIGN_OR_RETURN(auto start, date_field(b, "start"));
  d::RegisterPerson cmd{niss,
                        first,
                        last,
                        std::nullopt,
                        std::nullopt,
                        std::nullopt,
                        start,
                        d::Category::kMain,
                        s::StarterStatus::NotStarter,
                        false,
                        0,
                        "",
                        std::nullopt};
  KASSA_ASSIGN_OR_RETURN(auto category, req_str(b, "category"));
  KASSA_ASSIGN_OR_RETURN(auto cat, category_field(category, "category"));
  cmd.category = cat;
  KASSA_ASSIGN_OR_RETURN(auto starter,
                         enum_field(b, "starter", s::StarterStatus::NotStarter,
                                    s::EnumValuesStarterStatus(), s::EnumNameStarterStatus));
  cmd.starter = starter;
  KASSA_ASSIGN_OR_RETURN(auto iban, opt_iban(b, "iban"));
  cmd.iban = iban;
  KASSA_ASSIGN_OR_RETURN(auto birth, opt_date(b, "birth_date"));
  cmd.birth_date = birth;
  KASSA_ASSIGN_OR_RETURN(auto before, opt_bool(b, "affiliated_before_start", false));
  cmd.affiliated_before_start = before;
  KASSA_ASSIGN_OR_RETURN(auto previous, opt_str(b, "previous_fund"));
  cmd.previous_fund = previous.value_or("");
  KASSA_ASSIGN_OR_RETURN(auto assess_from, opt_quarter(b, "assess_from"));
  cmd.assess_from = assess_from;
  KASSA_ASSIGN_OR_RETURN(auto date, business_date(deps, b));

  // One NISS, one person: the in-process claim covers registrations not yet
  // projected; the NISS index (caught up) covers every earlier one.
  const std::string claim = "niss:" + projections::niss_hash(deps.niss_secret, niss.digits());
  if (!deps.numbers->claim(claim)) {
    return Error::conflict("PersonAlreadyRegistered", "a person with this NISS is being registered",
                           "niss");
  }
  ClaimGuard guard{deps.numbers, claim};
  KASSA_TRY(wait_for_projections(deps));
  auto existing =
      projections::find_party_by_niss(*deps.stores->get(), deps.niss_secret, niss.digits());
  if (!existing) return existing.error();
  if (existing->has_value()) {
    return Error::conflict("PersonAlreadyRegistered", "a person with this NISS is registered",
                           "niss");
  }
  KASSA_ASSIGN_OR_RETURN(auto number, deps.numbers->next());
  cmd.member_number = number;
  if (ctx.idempotent != nullptr) ctx.idempotent->remember("member_number", cmd.member_number);
  const d::PartyId party =
      d::PartyId::of_uuid(log::Uuid::v7(now(deps) / 1000, *deps.random).bytes());
  KASSA_ASSIGN_OR_RETURN(auto out, deps.persons->execute(party.str(), d::PersonCommand{cmd}, date,
                                                         meta_for(deps, ctx)));
  // Hold the claim until the NISS index knows the person: a second
  // registration right after this one must see it.
  if (auto p = deps.projector(); p && !out.events.empty()) {
    p->wait_until(log::Topic::kPersonEvents, out.events.back().partition, out.events.back().offset,
                  deps.max_wait);
  }
  Reply reply = outcome_reply("party_id", out);
  reply.body["member_number"] = cmd.member_number;
  return reply;
}

// Erasing a person shreds the keys of the suspense items matched to them
// (write::matched_suspense_subjects). The fund's state is the writer's
// (current) when cached, else the projected one.
Status erase_matched_suspense(const CommandDeps& deps, const d::PartyId& party) {
  std::optional<write::FundState> fund = deps.fund->cached(write::kFundKey);
  if (!fund) {
    auto store = deps.stores->get();
    KASSA_ASSIGN_OR_RETURN(auto loaded, load_fund(*store));
    if (!loaded.has_value()) return {};
    fund = std::move((loaded)->state);
  }
  for (const std::string& subject :
       write::matched_suspense_subjects(*fund, s::AggregateKind::Person, party.str())) {
    KASSA_TRY(deps.keys->erase(subject));
  }
  return {};
}

}  // namespace

void add_person_routes(Router& router, const CommandDeps& deps) {
  PersonSteps steps(router, deps);
  using R = Result<d::PersonCommand>;

  router.add(
      Method::kPost, "/v1/persons", {Role::kStaff},
      idempotent(
          deps.idempotency, [deps](const RequestContext& c) { return register_person(deps, c); },
          steps.finder()));

  steps.add("category", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto to, req_str(b, "category"));
    KASSA_ASSIGN_OR_RETURN(auto cat, category_field(to, "category"));
    KASSA_ASSIGN_OR_RETURN(auto from, quarter_field(b, "from"));
    KASSA_ASSIGN_OR_RETURN(auto code, opt_str(b, "reason_code"));
    KASSA_ASSIGN_OR_RETURN(auto correction, opt_bool(b, "correction", false));
    return d::PersonCommand{d::ChangeCategory{cat, from, code.value_or(""), correction}};
  });
  steps.add("personal-data", [](const json& b, const d::PartyId&) -> R {
    d::ChangePersonalData cmd;
    KASSA_ASSIGN_OR_RETURN(cmd.first_name, opt_str(b, "first_name"));
    KASSA_ASSIGN_OR_RETURN(cmd.last_name, opt_str(b, "last_name"));
    KASSA_ASSIGN_OR_RETURN(cmd.address, opt_address(b, "address"));
    KASSA_ASSIGN_OR_RETURN(cmd.iban, opt_iban(b, "iban"));
    KASSA_ASSIGN_OR_RETURN(cmd.email, opt_str(b, "email"));
    KASSA_ASSIGN_OR_RETURN(cmd.phone, opt_str(b, "phone"));
    return d::PersonCommand{std::move(cmd)};
  });
  steps.add("cessation", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto end, date_field(b, "end"));
    KASSA_ASSIGN_OR_RETURN(auto reason,
                           enum_field(b, "reason", s::CessationReason::Stopped,
                                      s::EnumValuesCessationReason(), s::EnumNameCessationReason));
    return d::PersonCommand{d::CeaseActivity{end, reason}};
  });
  steps.add("death", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto on, date_field(b, "death"));
    return d::PersonCommand{d::RecordDeath{on}};
  });
  steps.add("income", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto year, year_field(b));
    KASSA_ASSIGN_OR_RETURN(auto income, money_field(b, "net_income"));
    KASSA_ASSIGN_OR_RETURN(auto source,
                           enum_field(b, "source", s::IncomeSource::TaxAuthority,
                                      s::EnumValuesIncomeSource(), s::EnumNameIncomeSource));
    return d::PersonCommand{d::NotifyIncome{year, income, source}};
  });
  steps.add("provisional-base", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto year, year_field(b));
    KASSA_ASSIGN_OR_RETURN(auto base, money_field(b, "base"));
    KASSA_ASSIGN_OR_RETURN(
        auto basis, enum_field(b, "basis", s::ProvisionalBasis::ChosenHigher,
                               s::EnumValuesProvisionalBasis(), s::EnumNameProvisionalBasis));
    KASSA_ASSIGN_OR_RETURN(auto code, opt_str(b, "reason_code"));
    return d::PersonCommand{d::ChangeProvisionalBase{year, base, basis, code.value_or("")}};
  });
  steps.add("free-quarters", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto q, quarter_field(b, "quarter"));
    KASSA_ASSIGN_OR_RETURN(
        auto reason, enum_field(b, "reason", s::FreeQuarterReason::Sickness,
                                s::EnumValuesFreeQuarterReason(), s::EnumNameFreeQuarterReason));
    return d::PersonCommand{d::GrantContributionFreeQuarter{q, reason}};
  });
  steps.add("births", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto on, date_field(b, "birth"));
    KASSA_ASSIGN_OR_RETURN(auto multiple, opt_bool(b, "multiple", false));
    return d::PersonCommand{d::RecordBirth{on, multiple}};
  });

  // Erasure (GDPR art. 17): the event records that it happened; the
  // person's data key is destroyed once the event is durable, so every
  // sealed block of this person becomes unreadable while the chain still
  // verifies, and so are the keys of the bank lines staff matched to them
  // (the payer's name, IBAN and free text). A retry after a failed key
  // erasure erases again.
  router.add(Method::kPost, "/v1/persons/{party_id}/erasure", {Role::kAdmin},
             idempotent(deps.idempotency, [deps](const RequestContext& ctx) -> Result<Reply> {
               KASSA_ASSIGN_OR_RETURN(auto party, party_param(ctx));
               KASSA_TRY(require_object(ctx.body));
               KASSA_ASSIGN_OR_RETURN(auto basis, req_str(ctx.body, "legal_basis"));
               auto reply =
                   execute_person(deps, ctx, party,
                                  d::PersonCommand{d::EraseRegistrationData{party.str(), basis}});
               if (!reply) return reply;
               KASSA_TRY(deps.keys->erase(party.str()));
               KASSA_TRY(erase_matched_suspense(deps, party));
               return reply;
             }));
}

}  // namespace kassa::http::commands
