#pragma once
// Given / when / then for the aggregates. `Given` wraps NewEvents in
// verified-looking envelopes (sequence, key, actor, effective date) exactly as
// the write pipeline would, packs them with the FlatBuffers object API and
// folds them with evolve(); `when` runs decide() on the resulting state.

#include <catch2/catch.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../test_support.h"
#include "domain/aggregate.h"
#include "domain/person_state.h"
#include "domain/schema_convert.h"
#include "schemas/envelope_generated.h"

namespace kassa::domain::test {

inline const std::string kParty = "P0190f0e8a1b27c3d4e5f60718293a4b5";

// Packs one event as the pipeline would; the bytes live in `out`.
// `decided`: the business date of the decision (default: the event's
// effective date).
inline const schemas::Envelope& pack_envelope(const NewEvent& event, std::uint64_t sequence,
                                              const std::string& key, schemas::AggregateKind kind,
                                              std::vector<std::uint8_t>& out,
                                              std::optional<Date> decided = std::nullopt) {
  schemas::EnvelopeT env;
  std::array<std::uint8_t, 16> id{};
  id[0] = 0x01;
  id[15] = static_cast<std::uint8_t>(sequence & 0xffu);
  id[14] = static_cast<std::uint8_t>((sequence >> 8) & 0xffu);
  env.event_id = std::make_unique<schemas::Uuid>(flatbuffers::span<const std::uint8_t, 16>(id));
  env.aggregate_kind = kind;
  env.aggregate_key = key;
  env.sequence = sequence;
  env.schema_version = 1;
  env.recorded_at_us = 1'700'000'000'000'000;
  env.effective_days = event.effective.to_days();
  env.effective_quarter = event.quarter ? quarter_code(*event.quarter) : 0;
  env.decided_days = decided.value_or(event.effective).to_days();
  env.actor = "test:given";
  env.prev_hash.assign(32, 0);
  env.body = event.body;
  flatbuffers::FlatBufferBuilder fbb;
  fbb.Finish(schemas::Envelope::Pack(fbb, &env), schemas::EnvelopeIdentifier());
  out.assign(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
  flatbuffers::Verifier verifier(out.data(), out.size());
  REQUIRE(schemas::VerifyEnvelopeBuffer(verifier));
  return *schemas::GetEnvelope(out.data());
}

// A history of one person: every event is evolved as it is given.
struct PersonHistory {
  PersonState state;
  std::string key = kParty;

  Status apply(const NewEvent& event) {
    std::vector<std::uint8_t> bytes;
    const auto& env =
        pack_envelope(event, state.last_sequence + 1, key, schemas::AggregateKind::Person, bytes);
    return evolve(state, env);
  }
  PersonHistory& given(const std::vector<NewEvent>& events) {
    for (const auto& e : events) {
      auto status = apply(e);
      INFO((status.ok() ? std::string() : status.error().rule + ": " + status.error().message));
      REQUIRE(status.ok());
    }
    return *this;
  }
};

// Builds a NewEvent from an object-API body.
template <typename T>
NewEvent event(Date effective, T body, std::optional<Quarter> quarter = std::nullopt) {
  NewEvent e{effective, quarter, {}, std::nullopt};
  e.body.Set(std::move(body));
  return e;
}

inline std::uint16_t qc(const char* text) { return quarter_code(q(text)); }

// Typical facts, with DOMAIN.md amounts.
inline NewEvent registered(const char* start, schemas::Category category = schemas::Category::Main,
                           schemas::StarterStatus starter = schemas::StarterStatus::NotStarter,
                           std::uint32_t member_number = 1234567,
                           bool affiliated_before_start = false) {
  schemas::PersonRegisteredT b;
  b.category = category;
  b.start_days = d(start).to_days();
  b.start_quarter = quarter_code(Quarter::containing(d(start)));
  b.starter = starter;
  b.affiliated_before_start = affiliated_before_start;
  b.member_number = member_number;
  return event(d(start), std::move(b));
}

inline NewEvent assessed(const char* quarter, std::int64_t contribution, std::int64_t fees,
                         std::int64_t base = 4'000'000) {
  schemas::ContributionAssessedT b;
  auto qq = q(quarter);
  b.quarter = quarter_code(qq);
  b.category = schemas::Category::Main;
  b.kind = schemas::AssessmentKind::Provisional;
  b.rulebook_year = static_cast<std::uint16_t>(qq.year());
  b.base_cents = base;
  b.contribution_cents = contribution;
  b.fees_rate_bp = 395;
  b.fees_cents = fees;
  b.due_days = qq.due_date().to_days();
  return event(qq.first_day(), std::move(b), qq);
}

inline NewEvent notice(const char* quarter, const char* communication, std::int64_t amount) {
  schemas::PaymentNoticeIssuedT b;
  auto qq = q(quarter);
  b.kind = schemas::NoticeKind::Quarterly;
  b.quarter = quarter_code(qq);
  b.year = static_cast<std::uint16_t>(qq.year());
  b.structured_communication = communication;
  b.amount_cents = amount;
  b.sent_days = qq.first_day().to_days();
  b.due_days = qq.due_date().to_days();
  return event(qq.first_day(), std::move(b), qq);
}

inline NewEvent received(const char* value_date, std::int64_t amount, const char* bank_ref,
                         const char* communication = "") {
  schemas::PaymentReceivedT b;
  b.bank_ref = bank_ref;
  b.amount_cents = amount;
  b.value_days = d(value_date).to_days();
  b.structured_communication = communication;
  return event(d(value_date), std::move(b));
}

inline NewEvent allocated(const char* value_date, std::vector<schemas::AllocationLine> lines,
                          std::int64_t credit = 0) {
  schemas::PaymentAllocatedT b;
  b.lines = std::move(lines);
  b.credit_cents = credit;
  b.policy = "communication-then-oldest.v1";
  return event(d(value_date), std::move(b));
}

}  // namespace kassa::domain::test
