// The event codec: every event type round-trips, every byte is covered by a
// check, and each failure has its named rule.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "log/event_codec.h"
#include "sample_stream.h"

using namespace kassa::log;
namespace s = kassa::schemas;

namespace {

testing::SampleStream make_stream() {
  static SeededRandom random(7);
  static InMemoryKeyStore keys(random);
  static testing::SampleStream stream = testing::build_sample_stream(keys, random);
  return stream;
}

// A hand-made envelope (bypassing encode_event's checks), framed correctly.
std::vector<std::uint8_t> hand_made(std::uint16_t version, s::EventBody type,
                                    std::uint64_t sequence = 1) {
  SeededRandom random(1);
  flatbuffers::FlatBufferBuilder fbb;
  const s::Uuid id = Uuid::v7(1'736'150'400'000, random).to_schema();
  const auto key = fbb.CreateString("P" + std::string(32, 'a'));
  const auto actor = fbb.CreateString("staff:u1");
  const std::vector<std::uint8_t> zeros(32, 0);
  const auto prev = fbb.CreateVector(zeros);
  const auto died = s::CreatePersonDied(fbb, 20000, 20254, 20001);
  const auto env = s::CreateEnvelope(fbb, &id, s::AggregateKind::Person, key, sequence, version, 0,
                                     0, 0, nullptr, nullptr, actor, prev, type, died.Union());
  s::FinishEnvelopeBuffer(fbb, env);
  return frame_envelope(std::span<const std::uint8_t>(fbb.GetBufferPointer(), fbb.GetSize()));
}

EventHeader first_header(Random& random) {
  EventHeader h;
  h.event_id = Uuid::v7(1'736'150'400'000, random);
  h.aggregate_key = "P" + std::string(32, 'b');
  h.sequence = 1;
  h.recorded_at_us = 1'736'150'400'000'000;
  h.actor = "staff:u0042";
  return h;
}

s::EventBodyUnion died_body() {
  s::PersonDiedT e;
  e.death_days = 20000;
  return testing::body(std::move(e));
}

}  // namespace

TEST_CASE("the sample stream holds every event type", "[codec]") {
  std::set<s::EventBody> seen;
  for (const auto& e : make_stream().events) seen.insert(e.type);
  for (auto type : s::EnumValuesEventBody()) {
    if (type == s::EventBody::NONE) continue;
    INFO(s::EnumNameEventBody(type));
    CHECK(seen.count(type) == 1);
  }
}

TEST_CASE("every event type encodes, decodes and re-encodes to the same bytes", "[codec]") {
  for (const auto& encoded : make_stream().events) {
    INFO(encoded.type_name());
    auto decoded = decode_event(encoded.frame);
    REQUIRE(decoded.ok());
    CHECK(decoded->type() == encoded.type);
    CHECK(decoded->type_name() == encoded.type_name());
    CHECK(decoded->hash() == encoded.hash);
    CHECK(decoded->schema_version() == kSchemaVersion);
    CHECK(decoded->event_id().version() == 7);
    CHECK(hash_bytes(decoded->envelope_bytes()) == encoded.hash);
    // The encoder hands over the event it built and verified, the same
    // bytes: the writer evolves from it without decoding the frame again.
    CHECK(std::equal(encoded.event.frame().begin(), encoded.event.frame().end(),
                     encoded.frame.begin(), encoded.frame.end()));
    CHECK(encoded.event.hash() == encoded.hash);
    CHECK(encoded.event.type() == encoded.type);

    // Unpack to the object API and build again from it.
    const s::EnvelopeT env = decoded->unpack();
    EventHeader h;
    h.event_id = Uuid::from_schema(env.event_id.get());
    h.aggregate_kind = env.aggregate_kind;
    h.aggregate_key = env.aggregate_key;
    h.sequence = env.sequence;
    h.recorded_at_us = env.recorded_at_us;
    h.effective_days = env.effective_days;
    h.effective_quarter = env.effective_quarter;
    h.causation_id = Uuid::from_schema(env.causation_id.get());
    h.correlation_id = Uuid::from_schema(env.correlation_id.get());
    h.actor = env.actor;
    std::copy(env.prev_hash.begin(), env.prev_hash.end(), h.prev_hash.begin());
    auto again = encode_event(h, env.body);
    REQUIRE(again.ok());
    CHECK(again->frame == encoded.frame);
  }
}

TEST_CASE("flipping any byte of a stored event is detected", "[codec]") {
  std::size_t checked = 0;
  for (const auto& encoded : make_stream().events) {
    for (std::size_t pos = 0; pos < encoded.frame.size(); ++pos) {
      for (std::uint8_t mask : {std::uint8_t{0x01}, std::uint8_t{0x80}}) {
        auto bytes = encoded.frame;
        bytes[pos] = static_cast<std::uint8_t>(bytes[pos] ^ mask);
        auto decoded = decode_event(bytes);
        if (decoded.ok())
          FAIL("flip at byte " << pos << " of " << encoded.type_name() << " undetected");
        CHECK(decoded.error().code == kassa::Errc::kCorrupt);
        if (pos < 8) {
          CHECK(decoded.error().rule == rules::kBufferInvalid);
        } else {
          CHECK(decoded.error().rule == rules::kHashMismatch);
        }
        ++checked;
      }
    }
  }
  CHECK(checked > 20'000);
}

TEST_CASE("truncated, extended or foreign bytes are BufferInvalid", "[codec]") {
  const auto frame = make_stream().events.front().frame;
  std::vector<std::uint8_t> shorter(frame.begin(), frame.end() - 1);
  std::vector<std::uint8_t> longer(frame.size() + 1, 0);
  std::copy(frame.begin(), frame.end(), longer.begin());
  std::vector<std::uint8_t> empty;
  for (const auto* bytes : {&shorter, &longer, &empty}) {
    auto decoded = decode_event(*bytes);
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.error().rule == rules::kBufferInvalid);
  }
  // A correct hash over garbage: the FlatBuffers verifier is the next guard.
  std::vector<std::uint8_t> garbage(200);
  for (std::size_t i = 0; i < garbage.size(); ++i)
    garbage[i] = static_cast<std::uint8_t>(i * 37 + 11);
  auto decoded = decode_event(frame_envelope(garbage));
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.error().rule == rules::kBufferInvalid);
}

TEST_CASE("schema version and event type are checked after the hash", "[codec]") {
  REQUIRE(decode_event(hand_made(1, s::EventBody::PersonDied)).ok());

  auto newer = decode_event(hand_made(kSchemaVersion + 1, s::EventBody::PersonDied));
  REQUIRE_FALSE(newer.ok());
  CHECK(newer.error().rule == rules::kUnsupportedSchemaVersion);
  CHECK(classify_failure(newer.error()) == FailureAction::kHalt);

  auto zero = decode_event(hand_made(0, s::EventBody::PersonDied));
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.error().rule == rules::kUnsupportedSchemaVersion);

  const auto future_type = static_cast<s::EventBody>(static_cast<int>(s::EventBody::MAX) + 1);
  auto unknown = decode_event(hand_made(1, future_type));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().rule == rules::kUnknownEventType);
  CHECK(classify_failure(unknown.error()) == FailureAction::kHalt);

  auto no_sequence = decode_event(hand_made(1, s::EventBody::PersonDied, 0));
  REQUIRE_FALSE(no_sequence.ok());
  CHECK(no_sequence.error().rule == rules::kBufferInvalid);
  CHECK(classify_failure(no_sequence.error()) == FailureAction::kQuarantine);
}

TEST_CASE("encode_event rejects malformed headers", "[codec]") {
  SeededRandom random(3);
  EventHeader h = first_header(random);
  REQUIRE(encode_event(h, died_body()).ok());

  SECTION("a national number is never an aggregate key") {
    h.aggregate_key = "93051822361";
    CHECK(encode_event(h, died_body()).error().rule == "PartyIdFormat");
  }
  SECTION("company keys are 10 digits") {
    h.aggregate_kind = s::AggregateKind::Company;
    h.aggregate_key = "0566.988.259";
    CHECK(encode_event(h, died_body()).error().rule == "CompanyKeyFormat");
  }
  SECTION("an actor never holds a national number") {
    h.actor = "staff:93051822361";
    CHECK(encode_event(h, died_body()).error().rule == "ActorPrincipalId");
    h.actor = "";
    CHECK(encode_event(h, died_body()).error().rule == "ActorPrincipalId");
    h.actor = "batch:run-20250106093000";  // a timestamp is fine
    CHECK(encode_event(h, died_body()).ok());
  }
  SECTION("quarters are year * 10 + q") {
    h.effective_quarter = 20255;
    CHECK(encode_event(h, died_body()).error().rule == "QuarterEncoding");
    h.effective_quarter = 20254;
    CHECK(encode_event(h, died_body()).ok());
  }
  SECTION("sequence 1 has a zero prev_hash, later ones do not") {
    h.prev_hash[0] = 1;
    CHECK(encode_event(h, died_body()).error().rule == "PrevHashZeroIffFirst");
    h.prev_hash[0] = 0;
    h.sequence = 2;
    CHECK(encode_event(h, died_body()).error().rule == "PrevHashZeroIffFirst");
    h.sequence = 0;
    CHECK(encode_event(h, died_body()).error().rule == "SequenceFromOne");
  }
  SECTION("an event has an id and a body") {
    CHECK(encode_event(h, s::EventBodyUnion()).error().rule == "EventBodyRequired");
    h.event_id = Uuid();
    CHECK(encode_event(h, died_body()).error().rule == "EventIdRequired");
  }
  SECTION("sealed blocks belong to the aggregate's subject") {
    InMemoryKeyStore keys(random);
    const std::string other = "P" + std::string(32, 'c');
    REQUIRE(keys.create_key(other).ok());
    s::PersonalDataT data;
    data.iban = "BE68539007547034";
    auto sealed = seal(keys, other, h.event_id, data, random);
    REQUIRE(sealed.ok());
    s::PersonRegisteredT e;
    e.personal = std::make_unique<s::SealedT>(std::move(sealed).value());
    auto r = encode_event(h, testing::body(std::move(e)));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().rule == "SealedSubject");
  }
}

TEST_CASE("event type names come from the union", "[codec]") {
  CHECK(event_type_name(s::EventBody::PaymentReceived) == "PaymentReceived");
  CHECK(event_type_name(s::EventBody::CompanyContributionAssessed) ==
        "CompanyContributionAssessed");
  CHECK(event_type_name(static_cast<s::EventBody>(250)).empty());
}

TEST_CASE("sealed_blocks finds the personal data of every event that has some", "[codec]") {
  std::set<s::EventBody> with_personal;
  for (const auto& e : make_stream().events) {
    auto decoded = decode_event(e.frame);
    REQUIRE(decoded.ok());
    if (!sealed_blocks(decoded->envelope()).empty()) with_personal.insert(e.type);
  }
  // Cross-check with the schema: every body table with a field of type Sealed.
  std::set<s::EventBody> expected;
  const auto* union_table = s::EventBodyTypeTable();
  for (std::size_t i = 1; i < union_table->num_elems; ++i) {  // 0 is NONE
    const auto* body_table = union_table->type_refs[union_table->type_codes[i].sequence_ref]();
    for (std::size_t f = 0; f < body_table->num_elems; ++f) {
      const auto& code = body_table->type_codes[f];
      if (code.base_type == flatbuffers::ET_SEQUENCE &&
          body_table->type_refs[code.sequence_ref] == s::SealedTypeTable) {
        expected.insert(static_cast<s::EventBody>(i));
      }
    }
  }
  CHECK(with_personal == expected);
  CHECK(expected.count(s::EventBody::PersonRegistered) == 1);
}

TEST_CASE("UUIDv7 carries the time, version and variant", "[uuid]") {
  SeededRandom random(9);
  const Uuid a = Uuid::v7(1'736'150'400'123, random);
  const Uuid b = Uuid::v7(1'736'150'400'124, random);
  CHECK(a.version() == 7);
  CHECK((a.bytes()[8] & 0xC0) == 0x80);
  CHECK(a.unix_ms() == 1'736'150'400'123);
  CHECK(a < b);
  auto parsed = Uuid::parse(a.to_string());
  REQUIRE(parsed.ok());
  CHECK(*parsed == a);
  CHECK_FALSE(Uuid::parse("not-a-uuid").ok());
  CHECK(Uuid::from_schema(nullptr).is_nil());
  const s::Uuid wire = a.to_schema();
  CHECK(Uuid::from_schema(&wire) == a);
}

TEST_CASE("SeededRandom is reproducible", "[uuid]") {
  SeededRandom x(42), y(42), z(43);
  std::array<std::uint8_t, 24> a{}, b{}, c{};
  x.fill(a);
  y.fill(b);
  z.fill(c);
  CHECK(a == b);
  CHECK(a != c);
}
