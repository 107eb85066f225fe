#include "write/event_factory.h"

#include <chrono>

namespace kassa::write {

Clock system_clock() {
  return [] {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
}

Status EventFactory::seal_personal(schemas::AggregateKind kind, const std::string& key,
                                   const log::Uuid& id, domain::NewEvent& event) {
  if (!event.personal) return {};
  auto* slot = log::sealed_slot(event.body);
  if (slot == nullptr) {
    return Error::internal("personal data given for an event that has no place for it");
  }
  // The data subject: the person, or for an unmatched bank line its own
  // subject, so it can be erased on its own.
  const std::string subject =
      kind == schemas::AggregateKind::Fund ? log::suspense_subject(id) : key;
  const bool new_subject = event.body.type == schemas::EventBody::PersonRegistered ||
                           event.body.type == schemas::EventBody::SuspenseItemRecorded;
  if (new_subject) {
    // Durable before the append (make_keys_durable), with the other keys
    // of the command or run chunk: one sync for all of them.
    auto created = keys_.create_key_unsynced(subject);
    if (!created && created.error().rule != log::rules::kKeyExists) return created.error();
  }
  auto sealed = log::seal(keys_, subject, id, *event.personal, random_);
  if (!sealed) {
    if (sealed.error().rule == log::rules::kKeyErased) {
      return Error::violation("PersonalDataErased",
                              "this person's personal data was erased; none can be recorded");
    }
    return sealed.error();
  }
  *slot = std::make_unique<schemas::SealedT>(std::move(sealed).value());
  event.personal.reset();
  return {};
}

Result<std::vector<log::EncodedEvent>> EventFactory::build(
    schemas::AggregateKind kind, const std::string& key, log::ChainTip& tip,
    std::vector<domain::NewEvent>& events, const CommandMeta& meta, domain::Date decided) {
  std::vector<log::EncodedEvent> out;
  out.reserve(events.size());
  log::ChainTip next = tip;
  const std::int64_t recorded_at = clock_();
  const log::Uuid causation =
      meta.causation_id.is_nil() ? log::Uuid::v7(recorded_at / 1000, random_) : meta.causation_id;
  for (auto& event : events) {
    log::EventHeader header;
    header.event_id = log::Uuid::v7(recorded_at / 1000, random_);
    header.aggregate_kind = kind;
    header.aggregate_key = key;
    header.sequence = next.sequence + 1;
    header.recorded_at_us = recorded_at;
    header.effective_days = event.effective.to_days();
    header.effective_quarter = event.quarter ? domain::quarter_code(*event.quarter) : 0;
    header.decided_days = decided.to_days();
    header.causation_id = causation;
    header.correlation_id = meta.correlation_id;
    header.actor = meta.actor;
    header.prev_hash = next.hash;
    KASSA_TRY(seal_personal(kind, key, header.event_id, event));
    KASSA_ASSIGN_OR_RETURN(auto encoded, log::encode_event(header, event.body));
    next.sequence = header.sequence;
    next.hash = encoded.hash;
    out.push_back(std::move(encoded));
  }
  tip = next;
  return out;
}

}  // namespace kassa::write
