#include "http/command_support.h"

namespace kassa::http::commands {

void add_benefit_routes(Router& router, const CommandDeps& deps) {
  PersonSteps steps(router, deps);
  using R = Result<d::PersonCommand>;

  steps.add("benefits", [](const json& b, const std::string&) -> R {
    auto kind = enum_field(b, "kind", s::BenefitKind::BridgingRight, s::EnumValuesBenefitKind(),
                           s::EnumNameBenefitKind);
    if (!kind) return kind.error();
    auto ground = enum_field(b, "ground", s::BridgingGround::NotApplicable,
                             s::EnumValuesBridgingGround(), s::EnumNameBridgingGround);
    if (!ground) return ground.error();
    auto event_date = opt_date(b, "event_date");
    if (!event_date) return event_date.error();
    auto ref = req_str(b, "claim_ref");
    if (!ref) return ref.error();
    return d::PersonCommand{d::ClaimBenefit{*kind, *ground, *event_date, *ref}};
  });
  steps.add("benefits/grant", [](const json& b, const std::string&) -> R {
    auto ref = req_str(b, "claim_ref");
    if (!ref) return ref.error();
    auto start = date_field(b, "start");
    if (!start) return start.error();
    auto family = opt_bool(b, "family_charge", false);
    if (!family) return family.error();
    auto monthly = opt_money(b, "monthly_amount");
    if (!monthly) return monthly.error();
    return d::PersonCommand{d::GrantBenefit{*ref, *start, *family, *monthly}};
  });
  steps.add("benefits/refuse", [](const json& b, const std::string&) -> R {
    auto ref = req_str(b, "claim_ref");
    if (!ref) return ref.error();
    auto a = appeal_field(b);
    if (!a) return a.error();
    return d::PersonCommand{d::RefuseBenefit{*ref, *a}};
  });
  steps.add("benefits/payments", [](const json& b, const std::string&) -> R {
    auto ref = req_str(b, "claim_ref");
    if (!ref) return ref.error();
    auto from = date_field(b, "period_start");
    if (!from) return from.error();
    auto to = date_field(b, "period_end");
    if (!to) return to.error();
    auto amount = money_field(b, "amount");
    if (!amount) return amount.error();
    auto pref = req_str(b, "payment_ref");
    if (!pref) return pref.error();
    auto account = opt_iban(b, "iban");
    if (!account) return account.error();
    return d::PersonCommand{d::PayBenefit{*ref, *from, *to, *amount, *pref, *account}};
  });
  steps.add("overpayments", [](const json& b, const std::string&) -> R {
    auto kind = enum_field(b, "kind", s::BenefitKind::BridgingRight, s::EnumValuesBenefitKind(),
                           s::EnumNameBenefitKind);
    if (!kind) return kind.error();
    auto from = date_field(b, "period_start");
    if (!from) return from.error();
    auto to = date_field(b, "period_end");
    if (!to) return to.error();
    auto amount = money_field(b, "amount");
    if (!amount) return amount.error();
    auto a = appeal_field(b);
    if (!a) return a.error();
    return d::PersonCommand{d::ClaimOverpayment{*kind, *from, *to, *amount, *a}};
  });
}

}  // namespace kassa::http::commands
