#pragma once
// The traits that plug the domain's aggregates into AggregateWriter<A>:
// person and company (src/domain decide/evolve), and the fund's own small
// aggregate, which holds the bank lines nobody could be matched to
// (suspense items, key "fund", on the company topic).
//
// Thread-safety: stateless functions.

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/company_commands.h"
#include "domain/company_state.h"
#include "domain/person_decide.h"
#include "domain/person_state.h"
#include "log/event_log.h"
#include "log/uuid.h"

namespace kassa::write {

// An aggregate of the domain: its decide() and evolve() overloads.
template <typename S, typename C, schemas::AggregateKind K, log::Topic T>
struct DomainAggregate {
  using State = S;
  using Command = C;
  static constexpr schemas::AggregateKind kKind = K;
  static constexpr log::Topic kTopic = T;
  static Result<std::vector<domain::NewEvent>> decide(const State& s, const Command& c,
                                                      const domain::DecisionContext& ctx) {
    return domain::decide(s, c, ctx);
  }
  static Status evolve(State& s, const schemas::Envelope& e) { return domain::evolve(s, e); }
  // What a run tells operations: quarters a decision assessed late.
  static std::size_t quarters_assessed_late(const std::vector<domain::NewEvent>& events) {
    if constexpr (K == schemas::AggregateKind::Person) {
      return domain::quarters_assessed_late(events);
    } else {
      return 0;
    }
  }
};

using PersonAggregate = DomainAggregate<domain::PersonState, domain::PersonCommand,
                                        schemas::AggregateKind::Person, log::Topic::kPersonEvents>;
using CompanyAggregate =
    DomainAggregate<domain::CompanyState, domain::CompanyCommand, schemas::AggregateKind::Company,
                    log::Topic::kCompanyEvents>;

// ---- the fund's suspense account ----------------------------------------------

inline constexpr const char* kFundKey = "fund";

struct SuspenseItem {
  log::Uuid event_id;  // the SuspenseItemRecorded event
  std::string bank_ref;
  std::int64_t amount_cents = 0;
  std::int32_t value_days = 0;
  std::string structured_communication;
  schemas::PaymentChannel channel = schemas::PaymentChannel::Coda;
  bool matched = false;
  schemas::AggregateKind matched_kind = schemas::AggregateKind::Person;
  std::string matched_key;  // the member the staff identified
  schemas::SuspenseReason reason = schemas::SuspenseReason::Unspecified;
  std::string refusal;
};

struct FundState {
  std::vector<SuspenseItem> items;
  std::set<std::string> bank_refs;  // every bank line already held in suspense
};

// A credit bank line that matched no notice and no known account. Recording
// it twice (same bank_ref) yields no event: imports are idempotent.
struct RecordSuspenseItem {
  static constexpr std::string_view kName = "RecordSuspenseItem";
  std::string bank_ref;
  std::int64_t amount_cents = 0;
  domain::Date value_date;
  std::string structured_communication;
  schemas::PaymentChannel channel = schemas::PaymentChannel::Coda;
  std::string counterparty_name;   // sealed
  std::string counterparty_iban;   // sealed
  std::string free_communication;  // sealed
  schemas::SuspenseReason reason = schemas::SuspenseReason::Unspecified;
  std::string refusal;  // the rule, when the member's aggregate refused it
};
// Staff identified the payer of a suspense item: the fund records the match
// (SuspenseItemMatched), then the payment is recorded on the member's own
// aggregate with that event as its cause. The same match twice yields no
// event; a match to someone else is a conflict.
struct MatchSuspenseItem {
  static constexpr std::string_view kName = "MatchSuspenseItem";
  std::string bank_ref;
  schemas::AggregateKind kind = schemas::AggregateKind::Person;
  std::string key;  // PartyId or company number
};
using FundCommand = std::variant<RecordSuspenseItem, MatchSuspenseItem>;

// The suspense item of a bank line, if the fund holds one.
const SuspenseItem* find_suspense_item(const FundState& state, std::string_view bank_ref);
// The personal-data key subjects of the suspense items staff matched to a
// member: each sealed its payer's data under its own subject, and erasing
// the member shreds them too.
std::vector<std::string> matched_suspense_subjects(const FundState& state,
                                                   schemas::AggregateKind kind,
                                                   std::string_view key);

struct FundAggregate {
  using State = FundState;
  using Command = FundCommand;
  static constexpr schemas::AggregateKind kKind = schemas::AggregateKind::Fund;
  static constexpr log::Topic kTopic = log::Topic::kCompanyEvents;
  static Result<std::vector<domain::NewEvent>> decide(const State& s, const Command& c,
                                                      const domain::DecisionContext& ctx);
  static Status evolve(State& s, const schemas::Envelope& e);
};

}  // namespace kassa::write
