#pragma once
// What every aggregate's decide() returns and receives: the contract between
// the pure domain and the write pipeline (src/write).
//
//   decide(state, command, context) -> Result<std::vector<NewEvent>>
//   evolve(state, envelope)         -> the state after one recorded event
//
// decide() is pure: it reads no clock and no store. Everything it needs to
// know about the world (the business date, the rulebook, the fund's policy,
// who acts) comes in the DecisionContext. A rejection is an Error whose rule
// names the rule enforced (QuarterAlreadyAssessed, ReasonRequired, ...).
//
// The write pipeline turns each NewEvent into a stored event: it adds the
// envelope (event id, sequence, prev_hash, recorded_at, actor, causation and
// correlation ids), seals `personal` with the data subject's key into the
// body's Sealed field, encodes, appends durably, and only then evolves its
// cached state.
//
// Thread-safety: values only.

#include <cstdint>
#include <optional>
#include <string>

#include "domain/date.h"
#include "domain/fund_config.h"
#include "domain/quarter.h"
#include "domain/rulebook.h"
#include "schemas/envelope_generated.h"

namespace kassa::domain {

struct NewEvent {
  Date effective;                  // the date the fact is about
  std::optional<Quarter> quarter;  // the quarter it is about, if any
  schemas::EventBodyUnion body;    // FlatBuffers object API
  // Plaintext personal data for the body's Sealed field (PersonRegistered's
  // `personal`, PaymentReceived's `payer`, RefundIssued's `account`, ...).
  // The pipeline seals it; decide() never sees a key.
  std::optional<schemas::PersonalDataT> personal;
};

struct DecisionContext {
  const Rulebook& rulebook;
  const FundConfig& fund;
  Date business_date;  // the command's date, never the clock
};

// The business date on which the fund decided a recorded event: its
// envelope's decided_days, or for events written before that field the UTC
// date of recorded_at. "As of DATE" keeps the events decided on or before
// DATE: an assessment exists from its notice's date, not from the first day
// of its quarter (its effective date).
inline Date decided_on(const schemas::Envelope& envelope) {
  if (envelope.decided_days() != 0) return Date::from_days(envelope.decided_days());
  const std::int64_t us = envelope.recorded_at_us();
  const std::int64_t day_us = std::int64_t{86'400} * 1'000'000;
  const std::int64_t days = us >= 0 ? us / day_us : -((-us + day_us - 1) / day_us);
  return Date::from_days(static_cast<std::int32_t>(days));
}

}  // namespace kassa::domain
