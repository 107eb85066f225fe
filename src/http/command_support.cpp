#include "http/command_support.h"

#include <cctype>
#include <chrono>

#include "http/errors.h"
#include "log/uuid.h"
#include "projections/event_index.h"
#include "projections/parties.h"

namespace kassa::http::commands {

// ---- JSON fields through the value types -----------------------------------------------

Status require_object(const json& body) {
  if (!body.is_object()) {
    return Error::invalid("body", "JsonObjectRequired",
                          "the body must be a JSON object (Content-Type: application/json)");
  }
  return {};
}

Result<std::string> req_str(const json& b, const char* field) {
  KASSA_TRY(require_object(b));
  auto it = b.find(field);
  if (it == b.end() || it->is_null()) {
    return Error::invalid(field, "FieldRequired", std::string(field) + " is required");
  }
  if (!it->is_string()) {
    return Error::invalid(field, "StringRequired", std::string(field) + " must be a string");
  }
  if (it->get_ref<const std::string&>().empty()) {
    return Error::invalid(field, "FieldRequired", std::string(field) + " must not be empty");
  }
  return it->get<std::string>();
}

Result<std::optional<std::string>> opt_str(const json& b, const char* field) {
  KASSA_TRY(require_object(b));
  auto it = b.find(field);
  if (it == b.end() || it->is_null()) return std::optional<std::string>{};
  if (!it->is_string()) {
    return Error::invalid(field, "StringRequired", std::string(field) + " must be a string");
  }
  return std::optional<std::string>{it->get<std::string>()};
}

Result<bool> opt_bool(const json& b, const char* field, bool fallback) {
  KASSA_TRY(require_object(b));
  auto it = b.find(field);
  if (it == b.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) {
    return Error::invalid(field, "BooleanRequired", std::string(field) + " must be true or false");
  }
  return it->get<bool>();
}

Result<std::int64_t> req_int(const json& b, const char* field, std::int64_t min, std::int64_t max) {
  KASSA_TRY(require_object(b));
  auto it = b.find(field);
  if (it == b.end() || it->is_null()) {
    return Error::invalid(field, "FieldRequired", std::string(field) + " is required");
  }
  if (!it->is_number_integer()) {
    return Error::invalid(field, "IntegerRequired", std::string(field) + " must be an integer");
  }
  const auto v = it->get<std::int64_t>();
  if (v < min || v > max) {
    return Error::invalid(field, "IntegerRange",
                          std::string(field) + " must be between " + std::to_string(min) +
                              " and " + std::to_string(max));
  }
  return v;
}

Result<int> year_field(const json& b, const char* field) {
  auto y = req_int(b, field, d::kFirstYear, d::kLastYear);  // the calendar of date.h
  if (!y) return y.error();
  return static_cast<int>(*y);
}

Result<d::Date> date_field(const json& b, const char* field) {
  KASSA_ASSIGN_OR_RETURN(auto t, req_str(b, field));
  return d::Date::parse(t, field);
}

Result<std::optional<d::Date>> opt_date(const json& b, const char* field) {
  KASSA_ASSIGN_OR_RETURN(auto t, opt_str(b, field));
  if (!t.has_value()) return std::optional<d::Date>{};
  KASSA_ASSIGN_OR_RETURN(auto parsed, d::Date::parse(*t, field));
  return std::optional<d::Date>{parsed};
}

// Amounts are decimal strings ("1234.56"), never JSON numbers: a binary
// floating-point number cannot carry cents exactly.
Result<d::Money> money_field(const json& b, const char* field) {
  KASSA_TRY(require_object(b));
  auto it = b.find(field);
  if (it != b.end() && it->is_number()) {
    return Error::invalid(field, "AmountAsString",
                          std::string(field) + " is a decimal string such as \"1234.56\"");
  }
  KASSA_ASSIGN_OR_RETURN(auto t, req_str(b, field));
  return d::Money::parse(t, field);
}

Result<std::optional<d::Money>> opt_money(const json& b, const char* field) {
  KASSA_TRY(require_object(b));
  if (!b.contains(field) || b[field].is_null()) return std::optional<d::Money>{};
  KASSA_ASSIGN_OR_RETURN(auto m, money_field(b, field));
  return std::optional<d::Money>{m};
}

Result<d::Quarter> quarter_field(const json& b, const char* field) {
  KASSA_ASSIGN_OR_RETURN(auto t, req_str(b, field));
  return d::Quarter::parse(t, field);
}

Result<std::optional<d::Quarter>> opt_quarter(const json& b, const char* field) {
  KASSA_TRY(require_object(b));
  if (!b.contains(field) || b[field].is_null()) return std::optional<d::Quarter>{};
  KASSA_ASSIGN_OR_RETURN(auto q, quarter_field(b, field));
  return std::optional<d::Quarter>{q};
}

Result<std::vector<d::Quarter>> quarters_field(const json& b, const char* field) {
  KASSA_TRY(require_object(b));
  auto it = b.find(field);
  if (it == b.end() || !it->is_array() || it->empty()) {
    return Error::invalid(field, "QuartersRequired",
                          std::string(field) + " must be a non-empty array like [\"2025-Q1\"]");
  }
  std::vector<d::Quarter> out;
  for (const auto& q : *it) {
    if (!q.is_string()) {
      return Error::invalid(field, "StringRequired", "quarters are strings like \"2025-Q1\"");
    }
    KASSA_ASSIGN_OR_RETURN(auto parsed, d::Quarter::parse(q.get<std::string>(), field));
    out.push_back(parsed);
  }
  return out;
}

Result<std::optional<d::Iban>> opt_iban(const json& b, const char* field) {
  KASSA_ASSIGN_OR_RETURN(auto t, opt_str(b, field));
  if (!t.has_value()) return std::optional<d::Iban>{};
  KASSA_ASSIGN_OR_RETURN(auto iban, d::Iban::parse(*t, field));
  return std::optional<d::Iban>{iban};
}

// A refusal or an undue-amount claim: the domain rejects a missing reason,
// appeal body or deadline with its own rule names.
Result<d::AppealInfo> appeal_field(const json& b) {
  d::AppealInfo a;
  KASSA_ASSIGN_OR_RETURN(auto code, opt_str(b, "reason_code"));
  KASSA_ASSIGN_OR_RETURN(auto reason, opt_str(b, "reason"));
  KASSA_ASSIGN_OR_RETURN(auto body, opt_str(b, "appeal_body"));
  KASSA_ASSIGN_OR_RETURN(auto deadline, opt_date(b, "appeal_deadline"));
  a.reason_code = code.value_or("");
  a.reason = reason.value_or("");
  a.appeal_body = body.value_or("");
  a.appeal_deadline = deadline;
  return a;
}

std::string snake(std::string_view pascal) {
  std::string out;
  for (std::size_t i = 0; i < pascal.size(); ++i) {
    const char c = pascal[i];
    if (std::isupper(static_cast<unsigned char>(c))) {
      if (i != 0) out.push_back('_');
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// "HelpingSpouse" or "helping_spouse" -> "helping-spouse".
std::string kebab(std::string_view name) {
  std::string out = snake(name);
  for (char& c : out) {
    if (c == '_') c = '-';
  }
  return out;
}

// A category as the API spells it anywhere: "helping-spouse" (answers,
// the domain), "helping_spouse" (openapi.json's enums), "HelpingSpouse"
// (raw events show the schema's names). Before, only the first was
// accepted: a client following the spec, or echoing a raw event, was refused.
Result<d::Category> category_field(const std::string& text, const char* field) {
  auto exact = d::parse_category(text, field);
  if (exact.ok()) return exact;
  auto spelled = d::parse_category(kebab(text), field);
  return spelled.ok() ? spelled : exact;
}

// ---- dates and answers --------------------------------------------------------------------

std::int64_t now(const CommandDeps& deps) {
  if (deps.now_us) return deps.now_us();
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
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

Result<d::PartyId> party_field(const json& b, const char* field) {
  KASSA_ASSIGN_OR_RETURN(auto text, req_str(b, field));
  return d::PartyId::parse(text, field);
}

Result<d::PartyId> party_param(const RequestContext& ctx) {
  return d::PartyId::parse(ctx.params.at("party_id"), "party_id");
}

Status require_person(const CommandDeps& deps, const d::PartyId& party, const char* field) {
  KASSA_TRY(wait_for_projections(deps));
  KASSA_ASSIGN_OR_RETURN(auto found,
                         projections::read_party(*deps.stores->get(), s::AggregateKind::Person,
                                                 party.str()));
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
        *deps_.stores->get(), p.kind, p.aggregate_key, [&](const projections::IndexedEvent& e) -> Status {
          const std::uint64_t seq = e.event.sequence();
          if (seq < p.first_sequence || seq > p.last_sequence) return {};
          out.events.push_back(write::AppendedEvent{e.event.event_id(), std::string(e.event.type_name()),
                                                    seq, e.position.partition, e.position.offset});
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
    Reply reply = outcome_reply(p.kind == s::AggregateKind::Company ? "company_number" : "party_id",
                                outcome);
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
                           "bank_ref: " + payment.bank_ref + " is being booked right now", "bank_ref");
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
  KASSA_ASSIGN_OR_RETURN(auto out, deps.persons->execute(party.str(), command, date, meta_for(deps, ctx)));
  // Hold the claim until the index knows the line.
  if (auto p = deps.projector(); p && !out.events.empty()) {
    p->wait_until(log::Topic::kPersonEvents, out.events.back().partition,
                  out.events.back().offset, deps.max_wait);
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
  KASSA_ASSIGN_OR_RETURN(auto out, deps.persons->execute(party.str(), command, date, meta_for(deps, ctx)));
  return outcome_reply("party_id", out);
}

PersonSteps::PersonSteps(Router& router, CommandDeps deps)
    : router_(router), deps_(std::move(deps)), finder_(index_finder(deps_)) {}

void PersonSteps::add(const std::string& step, PersonBuilder build, std::vector<Role> roles) {
  router_.add(Method::kPost, "/v1/persons/{party_id}/" + step, std::move(roles),
              idempotent(deps_.idempotency, person_command(deps_, std::move(build)), finder_));
}

}  // namespace kassa::http::commands
