#include "http/command_support.h"

#include <cctype>
#include <chrono>

#include "http/errors.h"
#include "log/uuid.h"
#include "projections/event_index.h"
#include "projections/parties.h"

namespace kassa::http::commands {

// ---- dates and answers --------------------------------------------------------------------

std::int64_t now(const CommandDeps& deps) {
  if (deps.now_us) return deps.now_us();
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

RunBoard::Scope on_run_board(const CommandDeps& deps, const RequestContext& ctx, std::string run,
                             d::Date business_date) {
  return RunBoard::Scope(
      *deps.runs,
      deps.runs->start(std::move(run), business_date.format(), ctx.principal.name, now(deps)),
      [&deps] { return now(deps); });
}

// The fund's business date: today (UTC).
d::Date today(const CommandDeps& deps) {
  return d::Date::from_days(static_cast<std::int32_t>(now(deps) / 86'400'000'000LL));
}

// A date a command or a run may carry: at most the configured horizon after
// today (notices go out ahead of their quarter; nothing is decided years
// ahead).
Status within_horizon(const CommandDeps& deps, d::Date date, const char* field) {
  const d::Date limit = today(deps).plus_days(deps.horizon_days);
  if (limit < date) {
    return Error::violation("DateBeyondHorizon",
                            std::string(field) + ": " + date.format() + " is more than " +
                                std::to_string(deps.horizon_days) + " days after today (" +
                                today(deps).format() + ")",
                            field);
  }
  return {};
}

// What a run dates on its day (a surcharge, a reminder) happens once the day has come.
Status not_after_today(const CommandDeps& deps, d::Date date, const char* field, const char* rule) {
  if (today(deps) < date) {
    return Error::violation(rule,
                            std::string(field) + ": its date " + date.format() +
                                " has not come yet (today is " + today(deps).format() + ")",
                            field);
  }
  return {};
}

// The business date of a command: its "date" field, else today (UTC).
Result<d::Date> business_date(const CommandDeps& deps, const json& body) {
  KASSA_ASSIGN_OR_RETURN(auto given, opt_date(body, "date"));
  if (given.has_value()) {
    KASSA_TRY(within_horizon(deps, *given, "date"));
    return *given;
  }
  return today(deps);
}

write::CommandMeta meta_for(const CommandDeps& deps, const RequestContext& ctx) {
  write::CommandMeta meta;
  meta.actor = ctx.principal.name;
  meta.correlation_id = log::Uuid::v7(now(deps) / 1000, *deps.random);
  if (IdempotentRequest* keyed = ctx.idempotent) {
    meta.before_append = [keyed](const write::PreparedAppend& p) { return keyed->prepare(p); };
  }
  return meta;
}

Reply outcome_reply(const char* id_field, const write::Outcome& o) {
  json events = json::array();
  std::int64_t last = -1;
  std::int32_t partition = 0;
  for (const auto& e : o.events) {
    events.push_back({{"id", e.event_id.to_string()},
                      {"type", e.type},
                      {"sequence", e.sequence},
                      {"offset", e.offset}});
    last = std::max(last, e.offset);
    partition = e.partition;
  }
  json body = {{id_field, o.aggregate_key}, {"events", events}};
  if (last >= 0) {
    body["partition"] = partition;
    body["min_offset"] = last;
  }
  return Reply(o.events.empty() ? 200 : 201, body);
}

Result<d::PartyId> party_param(const RequestContext& ctx) {
  return d::PartyId::parse(ctx.params.at("party_id"), "party_id");
}

Status require_person(const CommandDeps& deps, const d::PartyId& party, const char* field) {
  KASSA_TRY(wait_for_projections(deps));
  KASSA_ASSIGN_OR_RETURN(
      auto found,
      projections::read_party(*deps.stores->get(), s::AggregateKind::Person, party.str()));
  if (!found.has_value()) {
    return Error::not_found("PersonNotRegistered", "no person with PartyId " + party.str(), field);
  }
  return {};
}

namespace {

// Finds a keyed request's prepared append in the event index once the
// read models have caught up with the log (http/idempotency.h).
class IndexFinder final : public PreparedFinder {
 public:
  explicit IndexFinder(CommandDeps deps) : deps_(std::move(deps)) {}

  Result<std::optional<write::Outcome>> find(const write::PreparedAppend& p) const override {
    KASSA_TRY(wait_for_projections(deps_));
    write::Outcome out;
    out.aggregate_key = p.aggregate_key;
    bool last_matches = false;
    KASSA_TRY(projections::for_each_indexed_event(
        *deps_.stores->get(), p.kind, p.aggregate_key,
        [&](const projections::IndexedEvent& e) -> Status {
          const std::uint64_t seq = e.event.sequence();
          if (seq < p.first_sequence || seq > p.last_sequence) return {};
          out.events.push_back(write::AppendedEvent{e.event.event_id(),
                                                    std::string(e.event.type_name()), seq,
                                                    e.position.partition, e.position.offset});
          if (seq == p.last_sequence) last_matches = e.event.hash() == p.last_hash;
          return {};
        }));
    // The last event's hash covers its content and, through the chain,
    // every event before it: the same hash is the same append.
    if (!last_matches || out.events.size() != p.last_sequence - p.first_sequence + 1) {
      return std::optional<write::Outcome>();
    }
    return std::optional<write::Outcome>(std::move(out));
  }

  Reply answer(const write::PreparedAppend& p, const write::Outcome& outcome,
               const json& extra) const override {
    Reply reply =
        outcome_reply(p.kind == s::AggregateKind::Company ? "company_number" : "party_id", outcome);
    for (const auto& [field, value] : extra.items()) reply.body[field] = value;
    return reply;
  }

 private:
  CommandDeps deps_;
};

// Whom a bank line index entry names ([kind tag][key]), for a conflict.
std::string booked_on(const std::string& entry) {
  if (entry.empty()) return "another account";
  const std::string key = entry.substr(1);
  switch (entry[0]) {
    case 'P': return "person " + key;
    case 'C': return "company " + key;
    default: return "the fund's suspense account";
  }
}

// A bank line is booked once fund-wide: the in-process claim covers a
// booking not projected yet, the bank line index (caught up) every earlier
// one. Booked on this person already, the domain decides (nothing again,
// or BankRefAmountDiffers).
Result<Reply> book_payment(const CommandDeps& deps, const RequestContext& ctx,
                           const d::PartyId& party, const d::PersonCommand& command,
                           const d::RecordPayment& payment, d::Date date) {
  const std::string claim = "bank:" + payment.bank_ref;
  if (!deps.numbers->claim(claim)) {
    return Error::conflict("BankRefBeingBooked",
                           "bank_ref: " + payment.bank_ref + " is being booked right now",
                           "bank_ref");
  }
  ClaimGuard guard{deps.numbers, claim};
  KASSA_TRY(wait_for_projections(deps));
  KASSA_ASSIGN_OR_RETURN(auto booked,
                         projections::find_bank_line(*deps.stores->get(), payment.bank_ref));
  if (booked.has_value() && *booked != "P" + party.str()) {
    return Error::conflict("BankRefBookedElsewhere",
                           "bank_ref: " + payment.bank_ref + " is booked on " + booked_on(*booked) +
                               "; a bank line is booked once",
                           "bank_ref");
  }
  KASSA_ASSIGN_OR_RETURN(auto out,
                         deps.persons->execute(party.str(), command, date, meta_for(deps, ctx)));
  // Hold the claim until the index knows the line.
  if (auto p = deps.projector(); p && !out.events.empty()) {
    p->wait_until(log::Topic::kPersonEvents, out.events.back().partition, out.events.back().offset,
                  deps.max_wait);
  }
  return outcome_reply("party_id", out);
}

Handler person_command(const CommandDeps& deps, PersonBuilder build) {
  return [deps, build = std::move(build)](const RequestContext& ctx) -> Result<Reply> {
    KASSA_ASSIGN_OR_RETURN(auto party, party_param(ctx));
    KASSA_TRY(require_object(ctx.body));
    KASSA_ASSIGN_OR_RETURN(auto command, build(ctx.body, party));
    return execute_person(deps, ctx, party, command);
  };
}

}  // namespace

std::shared_ptr<const PreparedFinder> index_finder(const CommandDeps& deps) {
  return std::make_shared<const IndexFinder>(deps);
}

Result<Reply> execute_person(const CommandDeps& deps, const RequestContext& ctx,
                             const d::PartyId& party, const d::PersonCommand& command) {
  KASSA_ASSIGN_OR_RETURN(auto date, business_date(deps, ctx.body));
  if (const auto* payment = std::get_if<d::RecordPayment>(&command)) {
    return book_payment(deps, ctx, party, command, *payment, date);
  }
  KASSA_ASSIGN_OR_RETURN(auto out,
                         deps.persons->execute(party.str(), command, date, meta_for(deps, ctx)));
  return outcome_reply("party_id", out);
}

PersonSteps::PersonSteps(Router& router, CommandDeps deps)
    : router_(router), deps_(std::move(deps)), finder_(index_finder(deps_)) {}

void PersonSteps::add(const std::string& step, PersonBuilder build, std::vector<Role> roles) {
  router_.add(Method::kPost, "/v1/persons/{party_id}/" + step, std::move(roles),
              idempotent(deps_.idempotency, person_command(deps_, std::move(build)), finder_));
}

}  // namespace kassa::http::commands
