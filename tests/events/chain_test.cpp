// ChainVerifier: per-aggregate sequence and prev_hash linkage, exact names.
#include <catch2/catch.hpp>

#include "log/chain_verifier.h"
#include "sample_stream.h"

using namespace kassa::log;
namespace s = kassa::schemas;

namespace {

const std::string kAnna = "P" + std::string(32, 'a');
const std::string kBert = "P" + std::string(32, 'b');

DecodedEvent make(Random& random, const std::string& key, std::uint64_t sequence,
                  const Hash& prev) {
  EventHeader h;
  h.event_id = Uuid::v7(1'736'150'400'000 + static_cast<std::int64_t>(sequence), random);
  h.aggregate_key = key;
  h.sequence = sequence;
  h.recorded_at_us = 1'736'150'400'000'000;
  h.actor = "batch:reminders";
  h.prev_hash = prev;
  s::ReminderSentT e;
  e.amount_due_cents = 1000;
  auto encoded = encode_event(h, testing::body(std::move(e)));
  REQUIRE(encoded.ok());
  auto decoded = decode_event(encoded->frame);
  REQUIRE(decoded.ok());
  return std::move(decoded).value();
}

}  // namespace

TEST_CASE("the sample stream's chains verify", "[chain]") {
  SeededRandom random(5);
  InMemoryKeyStore keys(random);
  auto stream = testing::build_sample_stream(keys, random);
  ChainVerifier chain;
  for (const auto& e : stream.events) {
    auto decoded = decode_event(e.frame);
    REQUIRE(decoded.ok());
    auto status = chain.feed(*decoded);
    INFO((status.ok() ? std::string() : status.error().message));
    REQUIRE(status.ok());
  }
  CHECK(chain.aggregate_count() == 3);  // the person, the company, the fund
  auto tip = chain.tip(s::AggregateKind::Person, stream.person);
  REQUIRE(tip.has_value());
  CHECK(tip->sequence == 42);
  CHECK(tip->hash == stream.events[41].hash);
}

TEST_CASE("interleaved aggregates chain independently", "[chain]") {
  SeededRandom random(6);
  ChainVerifier chain;
  auto a1 = make(random, kAnna, 1, Hash{});
  auto b1 = make(random, kBert, 1, Hash{});
  auto a2 = make(random, kAnna, 2, a1.hash());
  auto b2 = make(random, kBert, 2, b1.hash());
  for (auto* e : {&a1, &b1, &a2, &b2}) REQUIRE(chain.feed(*e).ok());
  // Same key under another aggregate kind is another chain.
  CHECK_FALSE(chain.tip(s::AggregateKind::Company, kAnna).has_value());
}

TEST_CASE("a valid event with a wrong prev_hash is named", "[chain]") {
  SeededRandom random(7);
  ChainVerifier chain;
  auto a1 = make(random, kAnna, 1, Hash{});
  auto a2 = make(random, kAnna, 2, a1.hash());
  Hash forged = a1.hash();
  forged[31] ^= 0x01;
  auto a3 = make(random, kAnna, 3, forged);
  REQUIRE(chain.feed(a1).ok());
  REQUIRE(chain.feed(a2).ok());
  auto status = chain.feed(a3);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().rule == rules::kPrevHashMismatch);
  CHECK(status.error().code == kassa::Errc::kCorrupt);
  CHECK_THAT(status.error().message, Catch::Contains(a3.event_id().to_string()));
  CHECK_THAT(status.error().message, Catch::Contains(kAnna + " #3"));
  // The tip did not move: the right event 3 is still accepted.
  CHECK(chain.tip(s::AggregateKind::Person, kAnna)->sequence == 2);
  auto good3 = make(random, kAnna, 3, a2.hash());
  CHECK(chain.feed(good3).ok());
}

TEST_CASE("sequence gaps and repeats are named", "[chain]") {
  SeededRandom random(8);
  ChainVerifier chain;
  auto a1 = make(random, kAnna, 1, Hash{});
  auto a2 = make(random, kAnna, 2, a1.hash());
  auto a3 = make(random, kAnna, 3, a2.hash());
  REQUIRE(chain.feed(a1).ok());

  auto gap = chain.feed(a3);
  REQUIRE_FALSE(gap.ok());
  CHECK(gap.error().rule == rules::kSequenceGap);
  CHECK_THAT(gap.error().message, Catch::Contains(a3.event_id().to_string()));

  REQUIRE(chain.feed(a2).ok());
  auto duplicate = chain.feed(a2);
  REQUIRE_FALSE(duplicate.ok());
  CHECK(duplicate.error().rule == rules::kDuplicateEvent);
  CHECK(classify_failure(duplicate.error()) == FailureAction::kSkip);

  auto other2 = make(random, kAnna, 2, a1.hash());  // another event claiming #2
  auto repeat = chain.feed(other2);
  REQUIRE_FALSE(repeat.ok());
  CHECK(repeat.error().rule == rules::kSequenceRepeat);
  CHECK(classify_failure(repeat.error()) == FailureAction::kQuarantine);
  CHECK_THAT(repeat.error().message, Catch::Contains(other2.event_id().to_string()));
  auto old = chain.feed(a1);
  REQUIRE_FALSE(old.ok());
  CHECK(old.error().rule == rules::kSequenceRepeat);

  SECTION("a first event that is not sequence 1 is a gap") {
    ChainVerifier fresh;
    auto r = fresh.feed(a2);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().rule == rules::kSequenceGap);
  }
  SECTION("a checkpointed tip resumes the chain") {
    ChainVerifier resumed;
    resumed.set_tip(s::AggregateKind::Person, kAnna, ChainTip{2, a2.hash()});
    CHECK(resumed.feed(a3).ok());
  }
}
