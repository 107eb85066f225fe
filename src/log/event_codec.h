#pragma once
// The event codec: builds one event (envelope + body) into its stored bytes
// and reads stored bytes back, verifying everything before anyone touches
// them. Used by the write side (encode), the journal and Kafka adapters (the
// bytes and the type/version headers), the projector and replay (decode).
//
// Stored bytes of one event ("frame", all integers little-endian):
//
//   0        4        8                               40            40+N
//   +--------+--------+-------------------------------+-------------+
//   | "KEF1" |   N    | hash: BLAKE2b-256 (32 bytes)  | envelope    |
//   | magic  | u32 LE | = crypto_generichash(32,      | N bytes:    |
//   |        |        |   envelope bytes, no key)     | FlatBuffer  |
//   +--------+--------+-------------------------------+ root Envelope,
//                                                       id "KEV1"
// The hash covers exactly the N stored envelope bytes (never re-serialized
// bytes), so every byte of the frame is checked: magic and N structurally
// (N must equal frame size - 40), the hash by comparison, the envelope by the
// hash. The envelope carries prev_hash = the hash of the previous event of the
// same aggregate (32 zero bytes for sequence 1); personal data inside it is
// ciphertext, so erasing a key never breaks the chain. See schemas/README.md.
//
// Thread-safety: free functions are reentrant; DecodedEvent is a value.

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"
#include "log/uuid.h"
#include "schemas/envelope_generated.h"

namespace kassa::log {

using Hash = std::array<std::uint8_t, 32>;

inline constexpr std::uint16_t kSchemaVersion = 1;   // what this build writes
inline constexpr std::size_t kFrameHeaderSize = 40;  // magic + length + hash
inline constexpr std::size_t kMaxEnvelopeSize = 1u << 20;

// Error rules (Error::rule) of decode_event / encode_event / ChainVerifier.
namespace rules {
inline constexpr const char* kBufferInvalid = "BufferInvalid";
inline constexpr const char* kHashMismatch = "HashMismatch";
inline constexpr const char* kUnknownEventType = "UnknownEventType";
inline constexpr const char* kUnsupportedSchemaVersion = "UnsupportedSchemaVersion";
inline constexpr const char* kSequenceGap = "SequenceGap";
inline constexpr const char* kSequenceRepeat = "SequenceRepeat";
inline constexpr const char* kPrevHashMismatch = "PrevHashMismatch";
inline constexpr const char* kDuplicateEvent = "DuplicateEvent";
}  // namespace rules

// What a consumer does with an event that failed decode or chain checks.
enum class FailureAction {
  kQuarantine,  // corrupt: send to kassa.quarantine with the reason, go on;
                // later events of the same aggregate fail the chain and
                // follow it (the aggregate is held, never half-applied)
  kHalt,        // written by a newer Kassa: stop consuming, upgrade, resume
  kSkip,        // an exact redelivery of the aggregate's last event: drop it
};
FailureAction classify_failure(const Error& error);

// The envelope fields the writer supplies; the codec adds schema_version.
struct EventHeader {
  Uuid event_id;  // Uuid::v7(recorded_at_us / 1000, rng)
  schemas::AggregateKind aggregate_kind = schemas::AggregateKind::Person;
  std::string aggregate_key;            // see validate_aggregate_key
  std::uint64_t sequence = 0;           // 1-based within the aggregate
  std::int64_t recorded_at_us = 0;      // UTC microseconds
  std::int32_t effective_days = 0;      // days since 1970-01-01
  std::uint16_t effective_quarter = 0;  // year*10+q, 0 = none
  std::int32_t decided_days = 0;        // the business date of the decision; 0 = none
  Uuid causation_id;                    // nil = none
  Uuid correlation_id;                  // nil = none
  std::string actor;                    // principal id, never personal data
  Hash prev_hash{};                     // zeros iff sequence == 1
};

// A verified event. Owns an aligned copy of the frame; envelope() and
// body_as<T>() point into it and live as long as this object.
class DecodedEvent {
 public:
  const schemas::Envelope& envelope() const;
  template <typename T>
  const T* body_as() const {
    return envelope().body_as<T>();
  }
  schemas::EnvelopeT unpack() const;  // an owned, mutable copy

  const Hash& hash() const { return hash_; }
  Hash prev_hash() const;
  Uuid event_id() const { return Uuid::from_schema(envelope().event_id()); }
  schemas::AggregateKind aggregate_kind() const { return envelope().aggregate_kind(); }
  std::string_view aggregate_key() const;
  std::uint64_t sequence() const { return envelope().sequence(); }
  std::uint16_t schema_version() const { return envelope().schema_version(); }
  schemas::EventBody type() const { return envelope().body_type(); }
  std::string_view type_name() const;
  std::span<const std::uint8_t> frame() const { return frame_; }
  std::span<const std::uint8_t> envelope_bytes() const;

 private:
  friend Result<DecodedEvent> decode_event(std::span<const std::uint8_t> frame);
  std::vector<std::uint8_t> frame_;
  Hash hash_{};
};

struct EncodedEvent {
  std::vector<std::uint8_t> frame;  // the bytes to store / produce
  Hash hash{};                      // the next event's prev_hash
  schemas::EventBody type = schemas::EventBody::NONE;
  std::uint16_t schema_version = kSchemaVersion;
  // The same event as encode_event's self-check decoded it: the writer
  // evolves its state from this, not from the frame decoded a second time.
  DecodedEvent event;
  std::string_view type_name() const;  // Kafka header "kassa.event_type"
};

// Builds and frames one event. Fails (kInvalidArgument) on a malformed
// header: bad aggregate key, sequence 0, prev_hash zero iff sequence > 1,
// empty actor or one with an 11-digit run, effective_quarter not year*10+q,
// no body, a Sealed block whose key_id is not the
// aggregate key (for a Fund event: "S" + 32 hex, a suspense subject).
// The result is decoded once before it is returned (self-check, kept in
// EncodedEvent::event).
Result<EncodedEvent> encode_event(const EventHeader& header, const schemas::EventBodyUnion& body);

// Verifies and decodes stored bytes. Checks, in this order:
//   frame magic and length              -> BufferInvalid
//   BLAKE2b-256 of the envelope bytes   -> HashMismatch
//   flatbuffers::Verifier + identifier, required fields, event_id present,
//   prev_hash 32 bytes, sequence >= 1, body present -> BufferInvalid
//   schema_version in 1..kSchemaVersion -> UnsupportedSchemaVersion
//   body type known to this build       -> UnknownEventType
// Every error is Errc::kCorrupt and its message names the event id when it
// could be read.
Result<DecodedEvent> decode_event(std::span<const std::uint8_t> frame);

// Wraps already-serialized envelope bytes in a frame (magic, length, hash).
// encode_event uses it; so do archive import and tests that need a frame
// around a hand-made envelope. It does not validate the envelope.
std::vector<std::uint8_t> frame_envelope(std::span<const std::uint8_t> envelope_bytes);

// BLAKE2b-256 (crypto_generichash, 32-byte output, no key) of bytes.
Hash hash_bytes(std::span<const std::uint8_t> bytes);

// Aggregate keys: Person a PartyId (domain/party_id.h, field "aggregate_key");
// Company the 10-digit company number (no dots, no BE); Fund "fund".
Status validate_aggregate_key(schemas::AggregateKind kind, std::string_view key);

// The Sealed key_id expected for a suspense item recorded with this event id.
std::string suspense_subject(const Uuid& event_id);

// "PaymentReceived" etc. (from EnumNameEventBody); "" for unknown values.
std::string_view event_type_name(schemas::EventBody type);

// Every Sealed block in an event body (empty for events without personal data).
std::vector<const schemas::Sealed*> sealed_blocks(const schemas::Envelope& envelope);

// The one field of an unpacked body that holds its personal data, where the
// writer puts the Sealed block; nullptr for a body without personal data.
// Keep in step with sealed_blocks.
std::unique_ptr<schemas::SealedT>* sealed_slot(schemas::EventBodyUnion& body);

}  // namespace kassa::log
