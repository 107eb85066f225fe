#include "http/command_support.h"

namespace kassa::http::commands {

void add_benefit_routes(Router& router, const CommandDeps& deps) {
  PersonSteps steps(router, deps);
  using R = Result<d::PersonCommand>;

  steps.add("benefits", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(
        auto kind, enum_field(b, "kind", s::BenefitKind::BridgingRight, s::EnumValuesBenefitKind(),
                              s::EnumNameBenefitKind));
    KASSA_ASSIGN_OR_RETURN(auto ground,
                           enum_field(b, "ground", s::BridgingGround::NotApplicable,
                                      s::EnumValuesBridgingGround(), s::EnumNameBridgingGround));
    KASSA_ASSIGN_OR_RETURN(auto event_date, opt_date(b, "event_date"));
    KASSA_ASSIGN_OR_RETURN(auto ref, req_str(b, "claim_ref"));
    return d::PersonCommand{d::ClaimBenefit{kind, ground, event_date, ref}};
  });
  steps.add("benefits/grant", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto ref, req_str(b, "claim_ref"));
    KASSA_ASSIGN_OR_RETURN(auto start, date_field(b, "start"));
    KASSA_ASSIGN_OR_RETURN(auto family, opt_bool(b, "family_charge", false));
    KASSA_ASSIGN_OR_RETURN(auto monthly, opt_money(b, "monthly_amount"));
    return d::PersonCommand{d::GrantBenefit{ref, start, family, monthly}};
  });
  steps.add("benefits/refuse", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto ref, req_str(b, "claim_ref"));
    KASSA_ASSIGN_OR_RETURN(auto a, appeal_field(b));
    return d::PersonCommand{d::RefuseBenefit{ref, a}};
  });
  steps.add("benefits/payments", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto ref, req_str(b, "claim_ref"));
    KASSA_ASSIGN_OR_RETURN(auto from, date_field(b, "period_start"));
    KASSA_ASSIGN_OR_RETURN(auto to, date_field(b, "period_end"));
    KASSA_ASSIGN_OR_RETURN(auto amount, money_field(b, "amount"));
    KASSA_ASSIGN_OR_RETURN(auto pref, req_str(b, "payment_ref"));
    KASSA_ASSIGN_OR_RETURN(auto account, opt_iban(b, "iban"));
    return d::PersonCommand{d::PayBenefit{ref, from, to, amount, pref, account}};
  });
  steps.add("overpayments", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(
        auto kind, enum_field(b, "kind", s::BenefitKind::BridgingRight, s::EnumValuesBenefitKind(),
                              s::EnumNameBenefitKind));
    KASSA_ASSIGN_OR_RETURN(auto from, date_field(b, "period_start"));
    KASSA_ASSIGN_OR_RETURN(auto to, date_field(b, "period_end"));
    KASSA_ASSIGN_OR_RETURN(auto amount, money_field(b, "amount"));
    KASSA_ASSIGN_OR_RETURN(auto a, appeal_field(b));
    return d::PersonCommand{d::ClaimOverpayment{kind, from, to, amount, a}};
  });
}

}  // namespace kassa::http::commands
