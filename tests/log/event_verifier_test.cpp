// The real verifier (codec + hash chain) behind a VerifyingReader, on the
// embedded journal (unit) and on the real broker (integration): corrupted
// bytes, an unknown event type and a broken chain land in the quarantine
// with their reason and original offset, and the reader goes on.

#include <catch2/catch.hpp>

#include <map>

#include "log/event_verifier.h"
#include "log_fixtures.h"
#include "sample_stream.h"

#if defined(KASSA_LOG_TEST_KAFKA)
#define KASSA_LOG_FIXTURES KafkaFixture
#else
#define KASSA_LOG_FIXTURES JournalFixture
#endif

using namespace kassa::log;
namespace schemas = kassa::schemas;
using namespace kassa::log::testing;

namespace {

std::string text_of(const std::vector<std::uint8_t>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

Record record_of(const EncodedEvent& e) {
  return Record{text_of(e.frame), std::string(e.type_name()), e.schema_version};
}

schemas::EventBodyUnion reminder(std::int64_t cents) {
  schemas::ReminderSentT r;
  r.quarters = {20251};
  r.amount_due_cents = cents;
  r.sent_days = days(2025, 4, 15);
  return body(std::move(r));
}

// An envelope with a union type this build does not know, correctly framed
// (its hash is right): what a newer Kassa could write.
std::string unknown_type_frame(const std::string& key) {
  flatbuffers::FlatBufferBuilder fbb;
  const std::array<uint8_t, 16> id_bytes{0x01, 0x93, 0x00, 0x00, 0x00, 0x00, 0x70, 0x00,
                                         0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01};
  const schemas::Uuid id{flatbuffers::span<const uint8_t, 16>(id_bytes)};
  auto key_off = fbb.CreateString(key);
  auto actor = fbb.CreateString("batch");
  std::vector<uint8_t> zeros(32, 0);
  auto prev = fbb.CreateVector(zeros);
  schemas::ReminderSentBuilder rb(fbb);
  rb.add_amount_due_cents(100);
  auto body_off = rb.Finish();
  auto env = schemas::CreateEnvelope(fbb, &id, schemas::AggregateKind::Person, key_off, 1, 1, 1, 0,
                                     0, nullptr, nullptr, actor, prev,
                                     static_cast<schemas::EventBody>(200), body_off.Union());
  fbb.Finish(env, schemas::EnvelopeIdentifier());
  return text_of(frame_envelope({fbb.GetBufferPointer(), fbb.GetSize()}));
}

}  // namespace

TEMPLATE_TEST_CASE(
    "the event verifier quarantines corrupt, unknown and out-of-chain events and "
    "the reader goes on",
    "[verifier]", KASSA_LOG_FIXTURES) {
  TestType fx;
  EventLog& log = *fx.log;
  SeededRandom random(7);
  StreamWriter writer(random, 1'735'689'600'000'000);  // 2025-01-01 UTC
  const std::string alice = "P" + std::string(32, 'a');
  const std::string bob = "P" + std::string(32, 'b');
  const std::string carol = "P" + std::string(32, 'c');

  for (int i = 1; i <= 4; ++i) {
    writer.append(schemas::AggregateKind::Person, alice, days(2025, 4, 15), 20251,
                  [&](const Uuid&) { return reminder(i * 100); });
  }
  writer.append(schemas::AggregateKind::Person, bob, days(2025, 4, 15), 20251,
                [&](const Uuid&) { return reminder(999); });
  std::vector<EncodedEvent> events = writer.take();

  // alice 1 and 2 are fine; alice 3 is corrupted on its way; alice 4 is a
  // valid event whose predecessor never arrived; carol's event has a type
  // from the future; bob's is fine.
  auto a12 = std::vector<Record>{record_of(events[0]), record_of(events[1])};
  (void)must(log.append(Topic::kPersonEvents, alice, a12));
  std::string corrupted = text_of(events[2].frame);
  corrupted[corrupted.size() / 2] = static_cast<char>(corrupted[corrupted.size() / 2] ^ 0x20);
  fx.inject_raw(Topic::kPersonEvents, alice, corrupted);
  auto a4 = std::vector<Record>{record_of(events[3])};
  (void)must(log.append(Topic::kPersonEvents, alice, a4));
  auto c1 = std::vector<Record>{Record{unknown_type_frame(carol), "Future", 1}};
  (void)must(log.append(Topic::kPersonEvents, carol, c1));
  auto b1 = std::vector<Record>{record_of(events[4])};
  (void)must(log.append(Topic::kPersonEvents, bob, b1));

  std::vector<Position> from;
  for (int32_t p = 0; p < log.partition_count(Topic::kPersonEvents); ++p) {
    from.push_back({Topic::kPersonEvents, p, 0});
  }
  ChainVerifier chains;
  VerifyingReaderOf<DecodedEvent> reader(log, must(log.subscribe(from)),
                                         make_event_verifier(chains));
  std::vector<Verified<DecodedEvent>> delivered;
  for (int attempt = 0; attempt < 50 && delivered.size() < 3; ++attempt) {
    auto batch = must(reader.poll(100, std::chrono::milliseconds(200)));
    for (auto& v : batch) delivered.push_back(std::move(v));
  }
  // Drain whatever else is there, so every bad record has been seen.
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto batch = must(reader.poll(100, std::chrono::milliseconds(100)));
    for (auto& v : batch) delivered.push_back(std::move(v));
  }

  std::map<std::string, int> delivered_per_key;
  for (const auto& v : delivered) {
    ++delivered_per_key[v.record.key];
    // Each record comes with the event its verifier decoded from it.
    CHECK(v.verdict.aggregate_key() == v.record.key);
    CHECK(v.verdict.type_name() == v.record.event_type);
  }
  CHECK(delivered_per_key[alice] == 2);
  CHECK(delivered_per_key[bob] == 1);
  CHECK(delivered_per_key[carol] == 0);
  CHECK(reader.quarantined_count() == 3);

  auto quarantined = must(read_quarantine(log));
  REQUIRE(quarantined.size() == 3);
  std::map<std::string, const StoredRecord*> by_rule;
  for (const auto& q : quarantined) {
    REQUIRE(q.quarantine.has_value());
    const std::string rule = q.quarantine->reason.substr(0, q.quarantine->reason.find(':'));
    by_rule[rule] = &q;
  }
  REQUIRE(by_rule.count("HashMismatch") == 1);
  // A quarantine record is keyed by where the original stood.
  CHECK(by_rule["HashMismatch"]->quarantine->source_partition ==
        log.partition_for(Topic::kPersonEvents, alice));
  CHECK(by_rule["HashMismatch"]->quarantine->source_offset == 2);  // alice's third record
  CHECK(by_rule["HashMismatch"]->value == corrupted);              // kept, byte for byte
  REQUIRE(by_rule.count("SequenceGap") == 1);
  CHECK(by_rule["SequenceGap"]->quarantine->source_offset == 3);
  REQUIRE(by_rule.count("UnknownEventType") == 1);
  CHECK(by_rule["UnknownEventType"]->quarantine->source_partition ==
        log.partition_for(Topic::kPersonEvents, carol));
}
