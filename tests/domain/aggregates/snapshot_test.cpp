// Snapshots: a state survives serialize/deserialize unchanged.
#include "domain/snapshot.h"

#include "rich_history.h"
#include "scenario.h"

namespace kassa::domain::test {
namespace {

TEST_CASE("snapshot: a rich person state round-trips byte for byte", "[snapshot]") {
  PersonHistory h;
  h.given(rich_history());
  auto bytes = serialize(h.state);
  auto back = deserialize_person(bytes);
  REQUIRE(back.ok());
  CHECK(serialize(*back) == bytes);
  CHECK(back->last_sequence == h.state.last_sequence);
  CHECK(back->total_open() == h.state.total_open());
  CHECK(back->credit == h.state.credit);
  CHECK(back->bank_refs == h.state.bank_refs);
  CHECK(back->category_in(q("2026-Q1")) == Category::kSecondary);
  const auto* q1 = back->find_line(DebtLineKind::kQuarterly, q("2025-Q1"));
  REQUIRE(q1 != nullptr);
  CHECK(q1->contrainte_served == d("2025-09-10"));
  CHECK(q1->principal_payments.size() == 1);

  // The restored state folds the next event like the original.
  PersonHistory restored;
  restored.state = *back;
  REQUIRE(restored.apply(received("2026-01-05", 1'000, "BANK-3")).ok());
  CHECK(restored.state.last_sequence == h.state.last_sequence + 1);
}

TEST_CASE("snapshot: a pending plan request is one of the requests, before and after",
          "[snapshot]") {
  // The request is held once (in `requests`, with the instalments asked
  // for); the snapshot still carries its own table, the bytes unchanged.
  auto s = with_unpaid_q1();
  s.run("2025-02-01", RequestPaymentPlan{{q("2025-Q1")}, 3});
  const RequestRecord* pending = s.state.pending_plan_request();
  REQUIRE(pending != nullptr);
  CHECK(pending->proposed_instalments == 3);
  CHECK(pending->quarters == std::vector<std::uint16_t>{quarter_code(q("2025-Q1"))});
  auto bytes = serialize(s.state);
  auto back = deserialize_person(bytes);
  REQUIRE(back.ok());
  CHECK(serialize(*back) == bytes);
  const RequestRecord* restored = back->pending_plan_request();
  REQUIRE(restored != nullptr);
  CHECK(restored->proposed_instalments == 3);
  CHECK(restored->amount == pending->amount);
  CHECK(restored->requested == d("2025-02-01"));
  // Granted on the restored state, the request is decided and none is pending.
  PersonScenario after;
  after.state = *back;
  after.run("2025-02-10", GrantPaymentPlan{"PLAN-9", {{d("2025-03-01"), restored->amount}}});
  CHECK(after.state.pending_plan_request() == nullptr);
  REQUIRE(after.state.requests.size() == 1);
  CHECK(after.state.requests[0].status == RequestStatus::kGranted);
  CHECK(after.rejection("2025-02-11", RefusePaymentPlan{appeal()}) == "NoPaymentPlanRequest");
}

TEST_CASE("snapshot: an empty state round-trips", "[snapshot]") {
  PersonState empty;
  auto back = deserialize_person(serialize(empty));
  REQUIRE(back.ok());
  CHECK_FALSE(back->registered);
  CHECK(back->last_sequence == 0);
}

TEST_CASE("snapshot: refuses bytes that are not a snapshot", "[snapshot]") {
  std::vector<std::uint8_t> junk(64, 0x5a);
  auto r = deserialize_person(junk);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().rule == "SnapshotInvalid");
  CHECK(deserialize_person({}).error().rule == "SnapshotInvalid");
  auto bytes = serialize(PersonState{});
  bytes.resize(bytes.size() / 2);
  CHECK_FALSE(deserialize_person(bytes).ok());
  // A registered person holds the PartyId every decision about them names.
  PersonState nameless;
  nameless.registered = true;
  auto refused = deserialize_person(serialize(nameless));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().rule == "SnapshotInvalid");
}

}  // namespace
}  // namespace kassa::domain::test
