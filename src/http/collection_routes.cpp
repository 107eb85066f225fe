#include "http/command_support.h"

#include "domain/structured_communication.h"

namespace kassa::http::commands {

void add_collection_routes(Router& router, const CommandDeps& deps) {
  PersonSteps steps(router, deps);
  using R = Result<d::PersonCommand>;

  steps.add("payments", [](const json& b, const std::string&) -> R {
    auto amount = money_field(b, "amount");
    if (!amount) return amount.error();
    auto value_date = date_field(b, "value_date");
    if (!value_date) return value_date.error();
    auto ref = req_str(b, "bank_ref");
    if (!ref) return ref.error();
    auto channel = enum_field(b, "channel", s::PaymentChannel::Coda, s::EnumValuesPaymentChannel(),
                              s::EnumNamePaymentChannel);
    if (!channel) return channel.error();
    auto on_purpose = opt_bool(b, "book_on_this_member", false);
    if (!on_purpose) return on_purpose.error();
    d::RecordPayment p{*amount, *value_date, std::nullopt, *ref, *channel, std::nullopt, *on_purpose};
    auto comm = opt_str(b, "communication");
    if (!comm) return comm.error();
    if (comm->has_value()) {
      auto parsed = d::StructuredCommunication::parse(**comm, "communication");
      if (!parsed) return parsed.error();
      p.communication = *parsed;
    }
    return d::PersonCommand{p};
  });
  steps.add("refunds", [](const json& b, const std::string&) -> R {
    auto amount = money_field(b, "amount");
    if (!amount) return amount.error();
    auto reason = enum_field(b, "reason", s::RefundReason::OnRequest, s::EnumValuesRefundReason(),
                             s::EnumNameRefundReason);
    if (!reason) return reason.error();
    auto ref = req_str(b, "refund_ref");
    if (!ref) return ref.error();
    auto account = opt_iban(b, "iban");
    if (!account) return account.error();
    return d::PersonCommand{d::IssueRefund{*amount, *reason, *ref, *account}};
  });
  steps.add("contraintes", [](const json& b, const std::string&) -> R {
    auto on = date_field(b, "served_on");
    if (!on) return on.error();
    auto bailiff = req_str(b, "bailiff_ref");
    if (!bailiff) return bailiff.error();
    return d::PersonCommand{d::ServeContrainte{*on, *bailiff}};
  });
  steps.add("personal-contacts", [](const json& b, const std::string&) -> R {
    auto on = date_field(b, "on");
    if (!on) return on.error();
    auto channel = enum_field(b, "channel", s::ContactChannel::Phone, s::EnumValuesContactChannel(),
                              s::EnumNameContactChannel);
    if (!channel) return channel.error();
    auto reached = opt_bool(b, "reached", true);
    if (!reached) return reached.error();
    auto notes = opt_str(b, "notes_ref");
    if (!notes) return notes.error();
    return d::PersonCommand{d::RecordPersonalContact{*on, *channel, *reached, notes->value_or("")}};
  });
  steps.add("payment-plans", [](const json& b, const std::string&) -> R {
    auto qs = quarters_field(b);
    if (!qs) return qs.error();
    auto n = req_int(b, "instalments", 1, 60);
    if (!n) return n.error();
    return d::PersonCommand{d::RequestPaymentPlan{*qs, static_cast<std::uint16_t>(*n)}};
  });
  steps.add("payment-plans/grant", [](const json& b, const std::string&) -> R {
    d::GrantPaymentPlan g;
    auto ref = req_str(b, "plan_ref");
    if (!ref) return ref.error();
    g.plan_ref = *ref;
    if (!b.contains("instalments") || !b["instalments"].is_array() || b["instalments"].empty()) {
      return Error::invalid("instalments", "InstalmentsRequired",
                            "instalments is a non-empty array of {\"due\", \"amount\"}");
    }
    for (const auto& i : b["instalments"]) {
      if (!i.is_object()) {
        return Error::invalid("instalments", "InstalmentsRequired", "each instalment is an object");
      }
      auto due = date_field(i, "due");
      if (!due) return due.error();
      auto amount = money_field(i, "amount");
      if (!amount) return amount.error();
      g.instalments.push_back({*due, *amount});
    }
    return d::PersonCommand{g};
  });
  steps.add("payment-plans/refuse", [](const json& b, const std::string&) -> R {
    auto a = appeal_field(b);
    if (!a) return a.error();
    return d::PersonCommand{d::RefusePaymentPlan{*a}};
  });
  steps.add("payment-plans/breach", [](const json& b, const std::string&) -> R {
    auto ref = req_str(b, "plan_ref");
    if (!ref) return ref.error();
    auto due = date_field(b, "missed_due");
    if (!due) return due.error();
    auto amount = money_field(b, "missed_amount");
    if (!amount) return amount.error();
    return d::PersonCommand{d::BreachPaymentPlan{*ref, *due, *amount}};
  });
  steps.add("contests", [](const json& b, const std::string&) -> R {
    auto qs = quarters_field(b);
    if (!qs) return qs.error();
    auto amount = money_field(b, "amount");
    if (!amount) return amount.error();
    auto forum = req_str(b, "forum");
    if (!forum) return forum.error();
    auto ref = req_str(b, "case_ref");
    if (!ref) return ref.error();
    return d::PersonCommand{d::FileContest{*qs, *amount, *forum, *ref}};
  });
  steps.add("contests/decision", [](const json& b, const std::string&) -> R {
    auto ref = req_str(b, "case_ref");
    if (!ref) return ref.error();
    auto outcome = enum_field(b, "outcome", s::ContestOutcome::Rejected,
                              s::EnumValuesContestOutcome(), s::EnumNameContestOutcome);
    if (!outcome) return outcome.error();
    auto cancelled = opt_money(b, "cancelled");
    if (!cancelled) return cancelled.error();
    return d::PersonCommand{
        d::DecideContest{*ref, *outcome, cancelled->value_or(d::Money::from_cents(0))}};
  });
  steps.add("waivers", [](const json& b, const std::string&) -> R {
    auto qs = quarters_field(b);
    if (!qs) return qs.error();
    auto ground = enum_field(b, "ground", s::WaiverGround::GoodFaith, s::EnumValuesWaiverGround(),
                             s::EnumNameWaiverGround);
    if (!ground) return ground.error();
    return d::PersonCommand{d::RequestWaiver{*qs, *ground}};
  });
  steps.add("waivers/grant", [](const json& b, const std::string&) -> R {
    auto qs = quarters_field(b);
    if (!qs) return qs.error();
    auto ref = req_str(b, "decision_ref");
    if (!ref) return ref.error();
    std::uint32_t share = 10000;
    if (b.contains("share_bp")) {
      auto bp = req_int(b, "share_bp", 1, 10000);
      if (!bp) return bp.error();
      share = static_cast<std::uint32_t>(*bp);
    }
    return d::PersonCommand{d::GrantWaiver{*qs, *ref, share}};
  });
  steps.add("waivers/refuse", [](const json& b, const std::string&) -> R {
    auto qs = quarters_field(b);
    if (!qs) return qs.error();
    auto ref = req_str(b, "decision_ref");
    if (!ref) return ref.error();
    auto a = appeal_field(b);
    if (!a) return a.error();
    return d::PersonCommand{d::RefuseWaiver{*qs, *ref, *a}};
  });
  steps.add("dispenses", [](const json& b, const std::string&) -> R {
    auto qs = quarters_field(b);
    if (!qs) return qs.error();
    return d::PersonCommand{d::RequestDispense{*qs}};
  });
  steps.add("dispenses/grant", [](const json& b, const std::string&) -> R {
    auto qs = quarters_field(b);
    if (!qs) return qs.error();
    auto ref = req_str(b, "decision_ref");
    if (!ref) return ref.error();
    return d::PersonCommand{d::GrantDispense{*qs, *ref}};
  });
  steps.add("dispenses/refuse", [](const json& b, const std::string&) -> R {
    auto qs = quarters_field(b);
    if (!qs) return qs.error();
    auto ref = req_str(b, "decision_ref");
    if (!ref) return ref.error();
    auto a = appeal_field(b);
    if (!a) return a.error();
    return d::PersonCommand{d::RefuseDispense{*qs, *ref, *a}};
  });
}

}  // namespace kassa::http::commands
