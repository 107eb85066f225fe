// The fund's suspense account: decide and evolve (see aggregates.h).

#include "write/aggregates.h"

#include "log/uuid.h"

namespace kassa::write {

Result<std::vector<domain::NewEvent>> FundAggregate::decide(const State& state,
                                                            const Command& command,
                                                            const domain::DecisionContext& ctx) {
  const auto& c = std::get<RecordSuspenseItem>(command);
  std::vector<domain::NewEvent> out;
  if (c.bank_ref.empty()) return Error::invalid("bank_ref", "BankRefRequired", "bank_ref is empty");
  if (c.amount_cents <= 0) {
    return Error::invalid("amount", "AmountPositive", "a suspense item is a credit (> 0)");
  }
  if (state.bank_refs.count(c.bank_ref) != 0) return out;  // already held: idempotent
  schemas::SuspenseItemRecordedT body;
  body.bank_ref = c.bank_ref;
  body.amount_cents = c.amount_cents;
  body.value_days = c.value_date.to_days();
  body.structured_communication = c.structured_communication;
  body.channel = c.channel;
  schemas::PersonalDataT counterparty;
  counterparty.counterparty_name = c.counterparty_name;
  counterparty.iban = c.counterparty_iban;
  counterparty.free_communication = c.free_communication;
  domain::NewEvent e{ctx.business_date, std::nullopt, {}, std::move(counterparty)};
  e.body.Set(std::move(body));
  out.push_back(std::move(e));
  return out;
}

Status FundAggregate::evolve(State& state, const schemas::Envelope& env) {
  switch (env.body_type()) {
    case schemas::EventBody::SuspenseItemRecorded: {
      const auto* b = env.body_as_SuspenseItemRecorded();
      SuspenseItem item;
      item.event_id_hex = log::Uuid::from_schema(env.event_id()).hex();
      item.bank_ref = b->bank_ref() ? b->bank_ref()->str() : "";
      item.amount_cents = b->amount_cents();
      item.value_days = b->value_days();
      item.structured_communication =
          b->structured_communication() ? b->structured_communication()->str() : "";
      state.bank_refs.insert(item.bank_ref);
      state.items.push_back(std::move(item));
      return {};
    }
    case schemas::EventBody::SuspenseItemMatched: {
      const auto id = log::Uuid::from_schema(env.body_as_SuspenseItemMatched()->suspense_event_id());
      for (auto& item : state.items) {
        if (item.event_id_hex == id.hex()) item.matched = true;
      }
      return {};
    }
    default:
      return {};  // other fund facts do not change the suspense account
  }
}

}  // namespace kassa::write
