#include "log/event_codec.h"

#include <sodium.h>

#include <algorithm>

#include "domain/party_id.h"
#include "domain/quarter.h"

namespace kassa::log {

namespace s = kassa::schemas;

namespace {

constexpr std::array<std::uint8_t, 4> kFrameMagic = {'K', 'E', 'F', '1'};

Error corrupt(const char* rule, std::string message) {
  return Error::corrupt(rule, std::move(message));
}

bool is_zero(const Hash& h) {
  return std::all_of(h.begin(), h.end(), [](std::uint8_t b) { return b == 0; });
}

bool is_lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// A run of exactly 11 digits could be a national number: never in an actor
// id. (Longer runs, such as a batch timestamp, are fine.)
bool has_niss_like_run(std::string_view s) {
  std::size_t run = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      ++run;
    } else {
      if (run == 11) return true;
      run = 0;
    }
  }
  return false;
}

std::string describe(const s::Envelope& env) {
  return "event " + Uuid::from_schema(env.event_id()).to_string() + " (" +
         s::EnumNameAggregateKind(env.aggregate_kind()) + " " +
         std::string(env.aggregate_key() ? env.aggregate_key()->string_view() : "") + " #" +
         std::to_string(env.sequence()) + ")";
}

// Person and Company events seal under their own aggregate key; Fund events
// (suspense items) under "S" + the hex id of the suspense item.
bool subject_allowed(const s::Envelope& env, std::string_view key_id) {
  if (env.aggregate_kind() == s::AggregateKind::Fund) {
    return key_id.size() == 33 && key_id[0] == 'S' && is_lower_hex(key_id.substr(1));
  }
  return key_id == env.aggregate_key()->string_view();
}

}  // namespace

FailureAction classify_failure(const Error& error) {
  if (error.rule == rules::kUnknownEventType || error.rule == rules::kUnsupportedSchemaVersion) {
    return FailureAction::kHalt;
  }
  if (error.rule == rules::kDuplicateEvent) return FailureAction::kSkip;
  return FailureAction::kQuarantine;
}

Hash hash_bytes(std::span<const std::uint8_t> bytes) {
  ensure_sodium();
  Hash h{};
  crypto_generichash(h.data(), h.size(), bytes.data(), bytes.size(), nullptr, 0);
  return h;
}

Status validate_aggregate_key(s::AggregateKind kind, std::string_view key) {
  switch (kind) {
    case s::AggregateKind::Person:
      KASSA_TRY(domain::PartyId::parse(key, "aggregate_key"));
      return {};
    case s::AggregateKind::Company:
      if (key.size() == 10 && (key[0] == '0' || key[0] == '1') &&
          std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return {};
      }
      return Error::invalid("aggregate_key", "CompanyKeyFormat",
                            "a company's aggregate key is its 10-digit company number");
    case s::AggregateKind::Fund:
      if (key == "fund") return {};
      return Error::invalid("aggregate_key", "FundKeyFormat",
                            "the fund's aggregate key is \"fund\"");
  }
  return Error::invalid("aggregate_kind", "AggregateKindUnknown", "unknown aggregate kind");
}

std::string suspense_subject(const Uuid& event_id) { return "S" + event_id.hex(); }

std::string_view event_type_name(s::EventBody type) { return s::EnumNameEventBody(type); }

std::string_view EncodedEvent::type_name() const { return event_type_name(type); }

std::vector<const s::Sealed*> sealed_blocks(const s::Envelope& env) {
  // Every body field of type Sealed. A new event with personal data adds its
  // field here; tests/events checks the list against the schema.
  std::vector<const s::Sealed*> out;
  auto add = [&out](const s::Sealed* sealed) {
    if (sealed != nullptr) out.push_back(sealed);
  };
  switch (env.body_type()) {
    case s::EventBody::PersonRegistered: add(env.body_as_PersonRegistered()->personal()); break;
    case s::EventBody::PersonalDataChanged:
      add(env.body_as_PersonalDataChanged()->personal());
      break;
    case s::EventBody::PaymentReceived: add(env.body_as_PaymentReceived()->payer()); break;
    case s::EventBody::RefundIssued: add(env.body_as_RefundIssued()->account()); break;
    case s::EventBody::SuspenseItemRecorded:
      add(env.body_as_SuspenseItemRecorded()->counterparty());
      break;
    case s::EventBody::BenefitPaid: add(env.body_as_BenefitPaid()->account()); break;
    default: break;
  }
  return out;
}

std::unique_ptr<s::SealedT>* sealed_slot(s::EventBodyUnion& body) {
  switch (body.type) {
    case s::EventBody::PersonRegistered: return &body.AsPersonRegistered()->personal;
    case s::EventBody::PersonalDataChanged: return &body.AsPersonalDataChanged()->personal;
    case s::EventBody::PaymentReceived: return &body.AsPaymentReceived()->payer;
    case s::EventBody::RefundIssued: return &body.AsRefundIssued()->account;
    case s::EventBody::SuspenseItemRecorded: return &body.AsSuspenseItemRecorded()->counterparty;
    case s::EventBody::BenefitPaid: return &body.AsBenefitPaid()->account;
    default: return nullptr;
  }
}

// ---- DecodedEvent -----------------------------------------------------------

std::span<const std::uint8_t> DecodedEvent::envelope_bytes() const {
  return std::span<const std::uint8_t>(frame_).subspan(kFrameHeaderSize);
}

const s::Envelope& DecodedEvent::envelope() const {
  return *s::GetEnvelope(frame_.data() + kFrameHeaderSize);
}

s::EnvelopeT DecodedEvent::unpack() const {
  s::EnvelopeT out;
  envelope().UnPackTo(&out);
  return out;
}

Hash DecodedEvent::prev_hash() const {
  Hash h{};
  const auto* v = envelope().prev_hash();
  std::copy(v->begin(), v->end(), h.begin());
  return h;
}

std::string_view DecodedEvent::aggregate_key() const {
  return envelope().aggregate_key()->string_view();
}

std::string_view DecodedEvent::type_name() const { return event_type_name(type()); }

// ---- decode -----------------------------------------------------------------

Result<DecodedEvent> decode_event(std::span<const std::uint8_t> frame) {
  if (frame.size() < kFrameHeaderSize + 8) {
    return corrupt(rules::kBufferInvalid, "frame of " + std::to_string(frame.size()) +
                                              " bytes is shorter than the minimum");
  }
  if (!std::equal(kFrameMagic.begin(), kFrameMagic.end(), frame.begin())) {
    return corrupt(rules::kBufferInvalid, "frame magic is not \"KEF1\"");
  }
  std::uint32_t n = 0;
  for (std::size_t i = 0; i < 4; ++i) n |= static_cast<std::uint32_t>(frame[4 + i]) << (8 * i);
  if (n != frame.size() - kFrameHeaderSize || n > kMaxEnvelopeSize) {
    return corrupt(rules::kBufferInvalid, "frame length field " + std::to_string(n) +
                                              " does not match the " +
                                              std::to_string(frame.size()) + "-byte frame");
  }

  DecodedEvent ev;
  // Copy: the caller's bytes (a Kafka payload, a RocksDB slice) may be
  // unaligned, and FlatBuffers reads scalars in place.
  ev.frame_.assign(frame.begin(), frame.end());
  std::copy_n(ev.frame_.begin() + 8, 32, ev.hash_.begin());
  const auto body_bytes = ev.envelope_bytes();
  if (hash_bytes(body_bytes) != ev.hash_) {
    return corrupt(rules::kHashMismatch,
                   "BLAKE2b-256 of the envelope bytes differs from the "
                   "frame's hash");
  }

  flatbuffers::Verifier verifier(body_bytes.data(), body_bytes.size());
  if (!s::VerifyEnvelopeBuffer(verifier)) {
    return corrupt(rules::kBufferInvalid, "the FlatBuffers verifier rejected the envelope");
  }
  const s::Envelope& env = ev.envelope();
  if (env.prev_hash()->size() != 32) {
    return corrupt(rules::kBufferInvalid, describe(env) + ": prev_hash is not 32 bytes");
  }
  if (env.sequence() == 0) {
    return corrupt(rules::kBufferInvalid, describe(env) + ": sequence is 0");
  }
  if (env.schema_version() == 0 || env.schema_version() > kSchemaVersion) {
    return corrupt(rules::kUnsupportedSchemaVersion,
                   describe(env) + ": schema_version " + std::to_string(env.schema_version()) +
                       " (this build reads 1.." + std::to_string(kSchemaVersion) + ")");
  }
  if (env.body_type() == s::EventBody::NONE || env.body_type() > s::EventBody::MAX) {
    return corrupt(rules::kUnknownEventType, describe(env) + ": event type " +
                                                 std::to_string(static_cast<int>(env.body_type())) +
                                                 " is unknown to this build");
  }
  if (env.body() == nullptr) {
    return corrupt(rules::kBufferInvalid, describe(env) + ": the event body is missing");
  }
  return ev;
}

// ---- encode -----------------------------------------------------------------

std::vector<std::uint8_t> frame_envelope(std::span<const std::uint8_t> envelope_bytes) {
  const std::size_t n = envelope_bytes.size();
  KASSA_ASSERT(n <= kMaxEnvelopeSize, "envelope larger than kMaxEnvelopeSize");
  const Hash hash = hash_bytes(envelope_bytes);
  std::vector<std::uint8_t> frame(kFrameHeaderSize + n);
  std::copy(kFrameMagic.begin(), kFrameMagic.end(), frame.begin());
  for (std::size_t i = 0; i < 4; ++i) frame[4 + i] = static_cast<std::uint8_t>(n >> (8 * i));
  std::copy(hash.begin(), hash.end(), frame.begin() + 8);
  std::copy(envelope_bytes.begin(), envelope_bytes.end(), frame.begin() + kFrameHeaderSize);
  return frame;
}

Result<EncodedEvent> encode_event(const EventHeader& h, const s::EventBodyUnion& body) {
  KASSA_TRY(validate_aggregate_key(h.aggregate_kind, h.aggregate_key));
  if (h.event_id.is_nil()) {
    return Error::invalid("event_id", "EventIdRequired", "event_id must be a UUIDv7, not nil");
  }
  if (h.sequence == 0) {
    return Error::invalid("sequence", "SequenceFromOne", "sequence starts at 1");
  }
  if ((h.sequence == 1) != is_zero(h.prev_hash)) {
    return Error::invalid("prev_hash", "PrevHashZeroIffFirst",
                          "prev_hash is 32 zero bytes exactly when sequence is 1");
  }
  if (h.actor.empty() || h.actor.size() > 128 || has_niss_like_run(h.actor)) {
    return Error::invalid("actor", "ActorPrincipalId",
                          "actor is a non-empty principal id of at most 128 characters "
                          "without a run of 11 digits (never a national number)");
  }
  if (h.effective_quarter != 0 && !domain::quarter_from_code(h.effective_quarter)) {
    return Error::invalid(
        "effective_quarter", "QuarterEncoding",
        "effective_quarter is a quarter's code, year * 10 + q with q in 1..4, or 0");
  }
  if (body.type == s::EventBody::NONE || body.value == nullptr) {
    return Error::invalid("body", "EventBodyRequired", "an event needs a body");
  }

  flatbuffers::FlatBufferBuilder fbb(512);
  const s::Uuid event_id = h.event_id.to_schema();
  const s::Uuid causation = h.causation_id.to_schema();
  const s::Uuid correlation = h.correlation_id.to_schema();
  const auto key = fbb.CreateString(h.aggregate_key);
  const auto actor = fbb.CreateString(h.actor);
  const auto prev = fbb.CreateVector(h.prev_hash.data(), h.prev_hash.size());
  const auto body_offset = body.Pack(fbb);
  const auto root = s::CreateEnvelope(
      fbb, &event_id, h.aggregate_kind, key, h.sequence, kSchemaVersion, h.recorded_at_us,
      h.effective_days, h.effective_quarter, h.causation_id.is_nil() ? nullptr : &causation,
      h.correlation_id.is_nil() ? nullptr : &correlation, actor, prev, body.type, body_offset,
      h.decided_days);
  s::FinishEnvelopeBuffer(fbb, root);

  EncodedEvent out;
  out.type = body.type;
  out.frame = frame_envelope(std::span<const std::uint8_t>(fbb.GetBufferPointer(), fbb.GetSize()));
  std::copy_n(out.frame.begin() + 8, 32, out.hash.begin());

  auto decoded = decode_event(out.frame);
  if (!decoded.ok()) {
    return Error::internal("encode_event produced an event that does not decode: " +
                           decoded.error().message);
  }
  for (const s::Sealed* sealed : sealed_blocks(decoded->envelope())) {
    if (sealed->key_id() == nullptr ||
        !subject_allowed(decoded->envelope(), sealed->key_id()->string_view())) {
      return Error::invalid("body", "SealedSubject",
                            "a Sealed block must be sealed under the aggregate's subject");
    }
  }
  out.event = std::move(decoded).value();
  return out;
}

}  // namespace kassa::log
