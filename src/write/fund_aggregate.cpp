// The fund's suspense account: decide and evolve (see aggregates.h).

#include "write/aggregates.h"

#include "log/event_codec.h"
#include "log/uuid.h"

namespace kassa::write {

const SuspenseItem* find_suspense_item(const FundState& state, std::string_view bank_ref) {
  for (const auto& item : state.items) {
    if (item.bank_ref == bank_ref) return &item;
  }
  return nullptr;
}

std::vector<std::string> matched_suspense_subjects(const FundState& state,
                                                   schemas::AggregateKind kind,
                                                   std::string_view key) {
  std::vector<std::string> out;
  for (const SuspenseItem& item : state.items) {
    if (item.matched && item.matched_kind == kind && item.matched_key == key) {
      out.push_back(log::suspense_subject(item.event_id));
    }
  }
  return out;
}

namespace {

Result<std::vector<domain::NewEvent>> decide_record(const FundState& state,
                                                    const RecordSuspenseItem& c,
                                                    const domain::DecisionContext& ctx) {
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
  body.reason = c.reason;
  body.refusal = c.refusal;
  schemas::PersonalDataT counterparty;
  counterparty.counterparty_name = c.counterparty_name;
  counterparty.iban = c.counterparty_iban;
  counterparty.free_communication = c.free_communication;
  domain::NewEvent e{ctx.business_date, std::nullopt, {}, std::move(counterparty)};
  e.body.Set(std::move(body));
  out.push_back(std::move(e));
  return out;
}

Result<std::vector<domain::NewEvent>> decide_match(const FundState& state,
                                                   const MatchSuspenseItem& c,
                                                   const domain::DecisionContext& ctx) {
  std::vector<domain::NewEvent> out;
  const SuspenseItem* item = find_suspense_item(state, c.bank_ref);
  if (item == nullptr) {
    return Error::not_found("SuspenseItemUnknown", "no suspense item for this bank line",
                            "bank_ref");
  }
  if (item->matched) {
    if (item->matched_kind == c.kind && item->matched_key == c.key) return out;  // a retry
    return Error::conflict("SuspenseItemAlreadyMatched",
                           "this bank line was already matched to another member", "bank_ref");
  }
  schemas::SuspenseItemMatchedT body;
  body.suspense_event_id = std::make_unique<schemas::Uuid>(item->event_id.to_schema());
  body.aggregate_kind = c.kind;
  body.aggregate_key = c.key;
  body.matched_days = ctx.business_date.to_days();
  domain::NewEvent e{ctx.business_date, std::nullopt, {}, std::nullopt};
  e.body.Set(std::move(body));
  out.push_back(std::move(e));
  return out;
}

}  // namespace

Result<std::vector<domain::NewEvent>> FundAggregate::decide(const State& state,
                                                            const Command& command,
                                                            const domain::DecisionContext& ctx) {
  if (const auto* record = std::get_if<RecordSuspenseItem>(&command)) {
    return decide_record(state, *record, ctx);
  }
  return decide_match(state, std::get<MatchSuspenseItem>(command), ctx);
}

Status FundAggregate::evolve(State& state, const schemas::Envelope& env) {
  switch (env.body_type()) {
    case schemas::EventBody::SuspenseItemRecorded: {
      const auto* b = env.body_as_SuspenseItemRecorded();
      SuspenseItem item;
      item.event_id = log::Uuid::from_schema(env.event_id());
      item.channel = b->channel();
      item.bank_ref = b->bank_ref() ? b->bank_ref()->str() : "";
      item.amount_cents = b->amount_cents();
      item.value_days = b->value_days();
      item.structured_communication =
          b->structured_communication() ? b->structured_communication()->str() : "";
      item.reason = b->reason();
      item.refusal = b->refusal() ? b->refusal()->str() : "";
      state.bank_refs.insert(item.bank_ref);
      state.items.push_back(std::move(item));
      return {};
    }
    case schemas::EventBody::SuspenseItemMatched: {
      const auto* b = env.body_as_SuspenseItemMatched();
      const auto id = log::Uuid::from_schema(b->suspense_event_id());
      for (auto& item : state.items) {
        if (item.event_id == id) {
          item.matched = true;
          item.matched_kind = b->aggregate_kind();
          item.matched_key = b->aggregate_key() ? b->aggregate_key()->str() : "";
        }
      }
      return {};
    }
    default: return {};  // other fund facts do not change the suspense account
  }
}

}  // namespace kassa::write
