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
  auto niss_text = req_str(b, "niss");
  if (!niss_text) return niss_text.error();
  auto niss = d::Niss::parse(*niss_text, "niss");
  if (!niss) return niss.error();
  auto first = req_str(b, "first_name");
  if (!first) return first.error();
  auto last = req_str(b, "last_name");
  if (!last) return last.error();
  auto start = date_field(b, "start");
  if (!start) return start.error();
  d::RegisterPerson cmd{*niss, *first, *last, std::nullopt, std::nullopt, std::nullopt, *start,
                        d::Category::kMain, s::StarterStatus::NotStarter, false, 0, "",
                        std::nullopt};
  auto category = req_str(b, "category");
  if (!category) return category.error();
  auto cat = category_field(*category, "category");
  if (!cat) return cat.error();
  cmd.category = *cat;
  auto starter = enum_field(b, "starter", s::StarterStatus::NotStarter, s::EnumValuesStarterStatus(),
                            s::EnumNameStarterStatus);
  if (!starter) return starter.error();
  cmd.starter = *starter;
  auto iban = opt_iban(b, "iban");
  if (!iban) return iban.error();
  cmd.iban = *iban;
  auto birth = opt_date(b, "birth_date");
  if (!birth) return birth.error();
  cmd.birth_date = *birth;
  auto before = opt_bool(b, "affiliated_before_start", false);
  if (!before) return before.error();
  cmd.affiliated_before_start = *before;
  auto previous = opt_str(b, "previous_fund");
  if (!previous) return previous.error();
  cmd.previous_fund = previous->value_or("");
  auto assess_from = opt_quarter(b, "assess_from");
  if (!assess_from) return assess_from.error();
  cmd.assess_from = *assess_from;
  auto date = business_date(deps, b);
  if (!date) return date.error();

  // One NISS, one person: the in-process claim covers registrations not yet
  // projected; the NISS index (caught up) covers every earlier one.
  const std::string claim = "niss:" + projections::niss_hash(deps.niss_secret, niss->digits());
  if (!deps.numbers->claim(claim)) {
    return Error::conflict("PersonAlreadyRegistered",
                           "a person with this NISS is being registered", "niss");
  }
  ClaimGuard guard{deps.numbers, claim};
  KASSA_TRY(wait_for_projections(deps));
  auto existing =
      projections::find_party_by_niss(*deps.stores->get(), deps.niss_secret, niss->digits());
  if (!existing) return existing.error();
  if (existing->has_value()) {
    return Error::conflict("PersonAlreadyRegistered", "a person with this NISS is registered",
                           "niss");
  }
  auto number = deps.numbers->next();
  if (!number) return number.error();
  cmd.member_number = *number;
  if (ctx.idempotent != nullptr) ctx.idempotent->remember("member_number", cmd.member_number);
  const std::string party = "P" + log::Uuid::v7(now(deps) / 1000, *deps.random).hex();
  auto out = deps.persons->execute(party, d::PersonCommand{cmd}, *date, meta_for(deps, ctx));
  if (!out) return out.error();
  // Hold the claim until the NISS index knows the person: a second
  // registration right after this one must see it.
  if (auto p = deps.projector(); p && !out->events.empty()) {
    p->wait_until(log::Topic::kPersonEvents, out->events.back().partition,
                  out->events.back().offset, deps.max_wait);
  }
  Reply reply = outcome_reply("party_id", *out);
  reply.body["member_number"] = cmd.member_number;
  return reply;
}

// Erasing a person shreds the keys of the suspense items matched to them
// (write::matched_suspense_subjects). The fund's state is the writer's
// (current) when cached, else the projected one.
Status erase_matched_suspense(const CommandDeps& deps, const std::string& party) {
  std::optional<write::FundState> fund = deps.fund->cached(write::kFundKey);
  if (!fund) {
    auto store = deps.stores->get();
    auto loaded = load_fund(*store);
    if (!loaded) return loaded.error();
    if (!loaded->has_value()) return {};
    fund = std::move((*loaded)->state);
  }
  for (const std::string& subject :
       write::matched_suspense_subjects(*fund, s::AggregateKind::Person, party)) {
    KASSA_TRY(deps.keys->erase(subject));
  }
  return {};
}

}  // namespace

void add_person_routes(Router& router, const CommandDeps& deps) {
  PersonSteps steps(router, deps);
  using R = Result<d::PersonCommand>;

  router.add(Method::kPost, "/v1/persons", {Role::kStaff},
             idempotent(
                 deps.idempotency,
                 [deps](const RequestContext& c) { return register_person(deps, c); },
                 steps.finder()));

  steps.add("category", [](const json& b, const std::string&) -> R {
    auto to = req_str(b, "category");
    if (!to) return to.error();
    auto cat = category_field(*to, "category");
    if (!cat) return cat.error();
    auto from = quarter_field(b, "from");
    if (!from) return from.error();
    auto code = opt_str(b, "reason_code");
    if (!code) return code.error();
    auto correction = opt_bool(b, "correction", false);
    if (!correction) return correction.error();
    return d::PersonCommand{d::ChangeCategory{*cat, *from, code->value_or(""), *correction}};
  });
  steps.add("cessation", [](const json& b, const std::string&) -> R {
    auto end = date_field(b, "end");
    if (!end) return end.error();
    auto reason = enum_field(b, "reason", s::CessationReason::Stopped,
                             s::EnumValuesCessationReason(), s::EnumNameCessationReason);
    if (!reason) return reason.error();
    return d::PersonCommand{d::CeaseActivity{*end, *reason}};
  });
  steps.add("death", [](const json& b, const std::string&) -> R {
    auto on = date_field(b, "death");
    if (!on) return on.error();
    return d::PersonCommand{d::RecordDeath{*on}};
  });
  steps.add("income", [](const json& b, const std::string&) -> R {
    auto year = year_field(b);
    if (!year) return year.error();
    auto income = money_field(b, "net_income");
    if (!income) return income.error();
    auto source = enum_field(b, "source", s::IncomeSource::TaxAuthority,
                             s::EnumValuesIncomeSource(), s::EnumNameIncomeSource);
    if (!source) return source.error();
    return d::PersonCommand{d::NotifyIncome{*year, *income, *source}};
  });
  steps.add("provisional-base", [](const json& b, const std::string&) -> R {
    auto year = year_field(b);
    if (!year) return year.error();
    auto base = money_field(b, "base");
    if (!base) return base.error();
    auto basis = enum_field(b, "basis", s::ProvisionalBasis::ChosenHigher,
                            s::EnumValuesProvisionalBasis(), s::EnumNameProvisionalBasis);
    if (!basis) return basis.error();
    auto code = opt_str(b, "reason_code");
    if (!code) return code.error();
    return d::PersonCommand{d::ChangeProvisionalBase{*year, *base, *basis, code->value_or("")}};
  });
  steps.add("free-quarters", [](const json& b, const std::string&) -> R {
    auto q = quarter_field(b, "quarter");
    if (!q) return q.error();
    auto reason = enum_field(b, "reason", s::FreeQuarterReason::Sickness,
                             s::EnumValuesFreeQuarterReason(), s::EnumNameFreeQuarterReason);
    if (!reason) return reason.error();
    return d::PersonCommand{d::GrantContributionFreeQuarter{*q, *reason}};
  });
  steps.add("births", [](const json& b, const std::string&) -> R {
    auto on = date_field(b, "birth");
    if (!on) return on.error();
    auto multiple = opt_bool(b, "multiple", false);
    if (!multiple) return multiple.error();
    return d::PersonCommand{d::RecordBirth{*on, *multiple}};
  });

  // Erasure (GDPR art. 17): the event records that it happened; the
  // person's data key is destroyed once the event is durable, so every
  // sealed block of this person becomes unreadable while the chain still
  // verifies, and so are the keys of the bank lines staff matched to them
  // (the payer's name, IBAN and free text). A retry after a failed key
  // erasure erases again.
  router.add(Method::kPost, "/v1/persons/{party_id}/erasure", {Role::kAdmin},
             idempotent(deps.idempotency, [deps](const RequestContext& ctx) -> Result<Reply> {
               const std::string& party = ctx.params.at("party_id");
               if (!valid_party_id(party)) {
                 return Error::invalid("party_id", "PartyIdFormat",
                                       "a PartyId is P followed by 32 hex digits");
               }
               KASSA_TRY(require_object(ctx.body));
               auto basis = req_str(ctx.body, "legal_basis");
               if (!basis) return basis.error();
               auto reply = execute_person(deps, ctx, party,
                                           d::PersonCommand{d::EraseRegistrationData{party, *basis}});
               if (!reply) return reply;
               KASSA_TRY(deps.keys->erase(party));
               KASSA_TRY(erase_matched_suspense(deps, party));
               return reply;
             }));
}

}  // namespace kassa::http::commands
