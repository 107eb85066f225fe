#pragma once
// decide() for a person: a command against the state -> the events to record,
// or a named rejection. Pure: no clock, no store; the business date, the
// rulebook and the fund's policy come in the DecisionContext.
//
// Batch commands are idempotent: running AssessQuarter, RecordPayment (same
// bank reference), ApplyQuarterEndSurcharges, ApplyYearEndSurcharge or
// RunReminders again after their events were recorded yields no events.
//
// Rejections: Error::code kRuleViolation (the law or our policy forbids it),
// kConflict (contradicts what is recorded: PersonAlreadyRegistered, ...),
// kInvalidArgument (malformed command fields), kNotFound (PersonNotRegistered,
// UnknownClaim, ...); Error::rule names the rule (see person_rules).
//
// Thread-safety: pure functions.

#include <cstdint>
#include <optional>
#include <vector>

#include "domain/aggregate.h"
#include "domain/person_commands.h"
#include "domain/person_state.h"
#include "domain/result.h"
#include "domain/structured_communication.h"

namespace kassa::domain {

Result<std::vector<NewEvent>> decide(const PersonState& state, const PersonCommand& command,
                                     const DecisionContext& context);

// The structured communication of a person's n-th payment notice:
// base = member_number (7 digits) * 1000 + counter (3 digits, 1..999),
// then StructuredCommunication::generate (check digits = base mod 97, 97 for
// 0). Rules "MemberNumberRange", "NoticeCounterExhausted".
Result<StructuredCommunication> notice_communication(std::uint32_t member_number,
                                                     std::uint32_t counter);
// Its inverse: the member number a notice's communication carries (base /
// 1000), or nullopt when the base names no member number (0 or > 7 digits).
std::optional<std::uint32_t> notice_member_number(const StructuredCommunication& communication);

// How many of `events` assess a quarter after its normal due date (an
// AssessQuarter decision's catch-up): what a run tells operations.
std::size_t quarters_assessed_late(const std::vector<NewEvent>& events);

// Quarters with paid (or dispensed, or contribution-free) contributions: what
// the bridging right's duration depends on.
int quarters_of_contributions(const PersonState& state);

// Bridging right months for a number of quarters of contributions: 12 for
// 60, 6 for 20, 3 for 8, else 0.
int bridging_right_months(int quarters);

// 1 March 2022 monthly bridging-right amounts (DOMAIN §9).
inline constexpr Money kBridgingMonthly = Money::from_cents(139'817);
inline constexpr Money kBridgingMonthlyFamily = Money::from_cents(174'716);
inline constexpr std::uint16_t kMaternityServiceVouchers = 105;

}  // namespace kassa::domain
