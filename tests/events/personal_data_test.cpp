// Sealed personal data: round trip, binding to subject and event, and what
// erasure leaves readable.
#include <catch2/catch.hpp>

#include "log/chain_verifier.h"
#include "log/personal_data.h"
#include "sample_stream.h"

using namespace kassa::log;
namespace s = kassa::schemas;

namespace {

const std::string kAnna = "P" + std::string(32, 'a');
const std::string kBert = "P" + std::string(32, 'b');

s::PersonalDataT anna() {
  s::PersonalDataT p;
  p.niss = testing::kSampleNiss;
  p.first_name = "Anna";
  p.last_name = "Peeters";
  p.iban = "BE68539007547034";
  return p;
}

// Serializes a SealedT so open() can read it as a table.
struct SealedBuffer {
  flatbuffers::FlatBufferBuilder fbb;
  explicit SealedBuffer(const s::SealedT& sealed) { fbb.Finish(s::Sealed::Pack(fbb, &sealed)); }
  const s::Sealed& get() const { return *flatbuffers::GetRoot<s::Sealed>(fbb.GetBufferPointer()); }
};

}  // namespace

TEST_CASE("seal and open round-trip", "[personal]") {
  SeededRandom random(21);
  InMemoryKeyStore keys(random);
  REQUIRE(keys.create_key(kAnna).ok());
  const Uuid event_id = Uuid::v7(1'736'150'400'000, random);
  auto sealed = seal(keys, kAnna, event_id, anna(), random);
  REQUIRE(sealed.ok());
  CHECK(sealed->key_id == kAnna);
  CHECK(sealed->nonce.size() == 24);
  // The ciphertext never holds the plaintext.
  const std::string ct(sealed->ciphertext.begin(), sealed->ciphertext.end());
  CHECK(ct.find(testing::kSampleNiss) == std::string::npos);
  CHECK(ct.find("Peeters") == std::string::npos);

  SealedBuffer buf(*sealed);
  auto opened = open(keys, kAnna, event_id, buf.get());
  REQUIRE(opened.ok());
  CHECK(*opened == anna());
}

TEST_CASE("a sealed block opens only for its subject and its event", "[personal]") {
  SeededRandom random(22);
  InMemoryKeyStore keys(random);
  REQUIRE(keys.create_key(kAnna).ok());
  REQUIRE(keys.create_key(kBert).ok());
  const Uuid event_id = Uuid::v7(1'736'150'400'000, random);
  auto sealed = seal(keys, kAnna, event_id, anna(), random);
  REQUIRE(sealed.ok());

  SECTION("another subject") {
    SealedBuffer buf(*sealed);
    auto r = open(keys, kBert, event_id, buf.get());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().rule == rules::kSealedSubject);
  }
  SECTION("relabelled to another person: Bert's key does not open it") {
    s::SealedT moved = *sealed;
    moved.key_id = kBert;
    SealedBuffer buf(moved);
    auto r = open(keys, kBert, event_id, buf.get());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().rule == rules::kSealedOpenFailed);
  }
  SECTION("copied into another event") {
    SealedBuffer buf(*sealed);
    auto r = open(keys, kAnna, Uuid::v7(1'736'150'400'001, random), buf.get());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().rule == rules::kSealedOpenFailed);
  }
  SECTION("a tampered ciphertext") {
    s::SealedT tampered = *sealed;
    tampered.ciphertext[3] ^= 0x10;
    SealedBuffer buf(tampered);
    auto r = open(keys, kAnna, event_id, buf.get());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().rule == rules::kSealedOpenFailed);
  }
  SECTION("a subject without a key") {
    InMemoryKeyStore empty(random);
    CHECK(seal(empty, kAnna, event_id, anna(), random).error().rule == rules::kKeyNotFound);
  }
}

TEST_CASE("after erasure events verify, amounts read, personal data does not", "[personal]") {
  SeededRandom random(23);
  InMemoryKeyStore keys(random);
  auto stream = testing::build_sample_stream(keys, random);
  REQUIRE(keys.erase(stream.person).ok());

  ChainVerifier chain;
  std::size_t sealed_seen = 0;
  bool payment_checked = false;
  for (const auto& e : stream.events) {
    auto decoded = decode_event(e.frame);
    REQUIRE(decoded.ok());
    REQUIRE(chain.feed(*decoded).ok());
    if (decoded->aggregate_key() != stream.person) continue;
    for (const s::Sealed* block : sealed_blocks(decoded->envelope())) {
      auto r = open(keys, stream.person, decoded->event_id(), *block);
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().rule == rules::kKeyErased);
      CHECK(r.error().code == kassa::Errc::kNotFound);
      ++sealed_seen;
    }
    if (const auto* paid = decoded->body_as<s::PaymentReceived>()) {
      CHECK(paid->amount_cents() == 100'000);
      CHECK(paid->value_days() == testing::days(2025, 3, 20));
      CHECK(paid->structured_communication()->str() == "312401398067");
      payment_checked = true;
    }
  }
  CHECK(sealed_seen == 5);  // registered, data changed, payment, benefit, refund
  CHECK(payment_checked);
  // Other subjects are untouched.
  CHECK(keys.get(testing::kCompanyNumber).ok());
}
