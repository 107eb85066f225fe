#include "log/event_verifier.h"

namespace kassa::log {

namespace {

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string where(const StoredRecord& r) {
  return std::string(topic_suffix(r.topic)) + "/" + std::to_string(r.partition) + "@" +
         std::to_string(r.offset);
}

}  // namespace

Result<DecodedEvent> verify_record(const StoredRecord& record, ChainVerifier& chains) {
  KASSA_ASSIGN_OR_RETURN(auto event, decode_event(bytes_of(record.value)));
  if (event.aggregate_key() != record.key) {
    return Error::corrupt("RecordKeyMismatch", "record " + where(record) +
                                                   " is keyed otherwise than its event " +
                                                   event.event_id().to_string());
  }
  if (event.type_name() != record.event_type || event.schema_version() != record.schema_version) {
    return Error::corrupt("RecordHeaderMismatch",
                          "record " + where(record) + " headers (" + record.event_type + " v" +
                              std::to_string(record.schema_version) + ") disagree with event " +
                              event.event_id().to_string());
  }
  const bool company_topic = record.topic == Topic::kCompanyEvents;
  const bool company_event = event.aggregate_kind() != schemas::AggregateKind::Person;
  if (company_topic != company_event) {
    return Error::corrupt("TopicMismatch", "event " + event.event_id().to_string() +
                                               " belongs to another topic than " + where(record));
  }
  KASSA_TRY(chains.feed(event));
  return event;
}

VerifierOf<DecodedEvent> make_event_verifier(ChainVerifier& chains) {
  return [&chains](const StoredRecord& record) { return verify_record(record, chains); };
}

}  // namespace kassa::log
