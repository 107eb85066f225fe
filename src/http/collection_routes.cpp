#include "http/command_support.h"

#include "domain/structured_communication.h"

namespace kassa::http::commands {

void add_collection_routes(Router& router, const CommandDeps& deps) {
  PersonSteps steps(router, deps);
  using R = Result<d::PersonCommand>;

  steps.add("payments", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto amount, money_field(b, "amount"));
    KASSA_ASSIGN_OR_RETURN(auto value_date, date_field(b, "value_date"));
    KASSA_ASSIGN_OR_RETURN(auto ref, req_str(b, "bank_ref"));
    KASSA_ASSIGN_OR_RETURN(auto channel,
                           enum_field(b, "channel", s::PaymentChannel::Coda,
                                      s::EnumValuesPaymentChannel(), s::EnumNamePaymentChannel));
    KASSA_ASSIGN_OR_RETURN(auto on_purpose, opt_bool(b, "book_on_this_member", false));
    d::RecordPayment p{amount, value_date, std::nullopt, ref, channel, std::nullopt, on_purpose};
    KASSA_ASSIGN_OR_RETURN(auto comm, opt_str(b, "communication"));
    if (comm.has_value()) {
      KASSA_ASSIGN_OR_RETURN(auto parsed,
                             d::StructuredCommunication::parse(*comm, "communication"));
      p.communication = parsed;
    }
    return d::PersonCommand{p};
  });
  steps.add("refunds", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto amount, money_field(b, "amount"));
    KASSA_ASSIGN_OR_RETURN(auto reason,
                           enum_field(b, "reason", s::RefundReason::OnRequest,
                                      s::EnumValuesRefundReason(), s::EnumNameRefundReason));
    KASSA_ASSIGN_OR_RETURN(auto ref, req_str(b, "refund_ref"));
    KASSA_ASSIGN_OR_RETURN(auto account, opt_iban(b, "iban"));
    return d::PersonCommand{d::IssueRefund{amount, reason, ref, account}};
  });
  steps.add("contraintes", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto on, date_field(b, "served_on"));
    KASSA_ASSIGN_OR_RETURN(auto bailiff, req_str(b, "bailiff_ref"));
    return d::PersonCommand{d::ServeContrainte{on, bailiff}};
  });
  steps.add("personal-contacts", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto on, date_field(b, "on"));
    KASSA_ASSIGN_OR_RETURN(auto channel,
                           enum_field(b, "channel", s::ContactChannel::Phone,
                                      s::EnumValuesContactChannel(), s::EnumNameContactChannel));
    KASSA_ASSIGN_OR_RETURN(auto reached, opt_bool(b, "reached", true));
    KASSA_ASSIGN_OR_RETURN(auto notes, opt_str(b, "notes_ref"));
    return d::PersonCommand{d::RecordPersonalContact{on, channel, reached, notes.value_or("")}};
  });
  steps.add("payment-plans", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto qs, quarters_field(b));
    KASSA_ASSIGN_OR_RETURN(auto n, req_int(b, "instalments", 1, 60));
    return d::PersonCommand{d::RequestPaymentPlan{qs, static_cast<std::uint16_t>(n)}};
  });
  steps.add("payment-plans/grant", [](const json& b, const d::PartyId&) -> R {
    d::GrantPaymentPlan g;
    KASSA_ASSIGN_OR_RETURN(auto ref, req_str(b, "plan_ref"));
    g.plan_ref = ref;
    if (!b.contains("instalments") || !b["instalments"].is_array() || b["instalments"].empty()) {
      return Error::invalid("instalments", "InstalmentsRequired",
                            "instalments is a non-empty array of {\"due\", \"amount\"}");
    }
    for (const auto& i : b["instalments"]) {
      if (!i.is_object()) {
        return Error::invalid("instalments", "InstalmentsRequired", "each instalment is an object");
      }
      KASSA_ASSIGN_OR_RETURN(auto due, date_field(i, "due"));
      KASSA_ASSIGN_OR_RETURN(auto amount, money_field(i, "amount"));
      g.instalments.push_back({due, amount});
    }
    return d::PersonCommand{g};
  });
  steps.add("payment-plans/refuse", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto a, appeal_field(b));
    return d::PersonCommand{d::RefusePaymentPlan{a}};
  });
  steps.add("payment-plans/breach", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto ref, req_str(b, "plan_ref"));
    KASSA_ASSIGN_OR_RETURN(auto due, date_field(b, "missed_due"));
    KASSA_ASSIGN_OR_RETURN(auto amount, money_field(b, "missed_amount"));
    return d::PersonCommand{d::BreachPaymentPlan{ref, due, amount}};
  });
  steps.add("contests", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto qs, quarters_field(b));
    KASSA_ASSIGN_OR_RETURN(auto amount, money_field(b, "amount"));
    KASSA_ASSIGN_OR_RETURN(auto forum, req_str(b, "forum"));
    KASSA_ASSIGN_OR_RETURN(auto ref, req_str(b, "case_ref"));
    return d::PersonCommand{d::FileContest{qs, amount, forum, ref}};
  });
  steps.add("contests/decision", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto ref, req_str(b, "case_ref"));
    KASSA_ASSIGN_OR_RETURN(auto outcome,
                           enum_field(b, "outcome", s::ContestOutcome::Rejected,
                                      s::EnumValuesContestOutcome(), s::EnumNameContestOutcome));
    KASSA_ASSIGN_OR_RETURN(auto cancelled, opt_money(b, "cancelled"));
    return d::PersonCommand{
        d::DecideContest{ref, outcome, cancelled.value_or(d::Money::from_cents(0))}};
  });
  steps.add("waivers", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto qs, quarters_field(b));
    KASSA_ASSIGN_OR_RETURN(auto ground,
                           enum_field(b, "ground", s::WaiverGround::GoodFaith,
                                      s::EnumValuesWaiverGround(), s::EnumNameWaiverGround));
    return d::PersonCommand{d::RequestWaiver{qs, ground}};
  });
  steps.add("waivers/grant", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto qs, quarters_field(b));
    KASSA_ASSIGN_OR_RETURN(auto ref, req_str(b, "decision_ref"));
    std::uint32_t share = 10000;
    if (b.contains("share_bp")) {
      KASSA_ASSIGN_OR_RETURN(auto bp, req_int(b, "share_bp", 1, 10000));
      share = static_cast<std::uint32_t>(bp);
    }
    return d::PersonCommand{d::GrantWaiver{qs, ref, share}};
  });
  steps.add("waivers/refuse", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto qs, quarters_field(b));
    KASSA_ASSIGN_OR_RETURN(auto ref, req_str(b, "decision_ref"));
    KASSA_ASSIGN_OR_RETURN(auto a, appeal_field(b));
    return d::PersonCommand{d::RefuseWaiver{qs, ref, a}};
  });
  steps.add("dispenses", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto qs, quarters_field(b));
    return d::PersonCommand{d::RequestDispense{qs}};
  });
  steps.add("dispenses/grant", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto qs, quarters_field(b));
    KASSA_ASSIGN_OR_RETURN(auto ref, req_str(b, "decision_ref"));
    return d::PersonCommand{d::GrantDispense{qs, ref}};
  });
  steps.add("dispenses/refuse", [](const json& b, const d::PartyId&) -> R {
    KASSA_ASSIGN_OR_RETURN(auto qs, quarters_field(b));
    KASSA_ASSIGN_OR_RETURN(auto ref, req_str(b, "decision_ref"));
    KASSA_ASSIGN_OR_RETURN(auto a, appeal_field(b));
    return d::PersonCommand{d::RefuseDispense{qs, ref, a}};
  });
}

}  // namespace kassa::http::commands
