#include "http/command_routes.h"

#include "http/errors.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <set>

#include "domain/category.h"
#include "domain/company_number.h"
#include "domain/iban.h"
#include "log/uuid.h"
#include "projections/event_index.h"
#include "projections/parties.h"

namespace kassa::http {

namespace d = kassa::domain;
namespace s = kassa::schemas;
using nlohmann::json;

namespace {

// ---- JSON fields through the value types ---------------------------------------------

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

Result<int> year_field(const json& b, const char* field = "year") {
  auto y = req_int(b, field, d::kFirstYear, d::kLastYear);  // the calendar of date.h
  if (!y) return y.error();
  return static_cast<int>(*y);
}

Result<d::Date> date_field(const json& b, const char* field) {
  auto t = req_str(b, field);
  if (!t) return t.error();
  return d::Date::parse(*t, field);
}

Result<std::optional<d::Date>> opt_date(const json& b, const char* field) {
  auto t = opt_str(b, field);
  if (!t) return t.error();
  if (!t->has_value()) return std::optional<d::Date>{};
  auto parsed = d::Date::parse(**t, field);
  if (!parsed) return parsed.error();
  return std::optional<d::Date>{*parsed};
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
  auto t = req_str(b, field);
  if (!t) return t.error();
  return d::Money::parse(*t, field);
}

Result<std::optional<d::Money>> opt_money(const json& b, const char* field) {
  KASSA_TRY(require_object(b));
  if (!b.contains(field) || b[field].is_null()) return std::optional<d::Money>{};
  auto m = money_field(b, field);
  if (!m) return m.error();
  return std::optional<d::Money>{*m};
}

Result<d::Quarter> quarter_field(const json& b, const char* field) {
  auto t = req_str(b, field);
  if (!t) return t.error();
  return d::Quarter::parse(*t, field);
}

Result<std::optional<d::Quarter>> opt_quarter(const json& b, const char* field) {
  KASSA_TRY(require_object(b));
  if (!b.contains(field) || b[field].is_null()) return std::optional<d::Quarter>{};
  auto q = quarter_field(b, field);
  if (!q) return q.error();
  return std::optional<d::Quarter>{*q};
}

Result<std::vector<d::Quarter>> quarters_field(const json& b, const char* field = "quarters") {
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
    auto parsed = d::Quarter::parse(q.get<std::string>(), field);
    if (!parsed) return parsed.error();
    out.push_back(*parsed);
  }
  return out;
}

Result<std::optional<d::Iban>> opt_iban(const json& b, const char* field) {
  auto t = opt_str(b, field);
  if (!t) return t.error();
  if (!t->has_value()) return std::optional<d::Iban>{};
  auto iban = d::Iban::parse(**t, field);
  if (!iban) return iban.error();
  return std::optional<d::Iban>{*iban};
}

// A refusal or an undue-amount claim: the domain rejects a missing reason,
// appeal body or deadline with its own rule names.
Result<d::AppealInfo> appeal_field(const json& b) {
  d::AppealInfo a;
  auto code = opt_str(b, "reason_code");
  if (!code) return code.error();
  auto reason = opt_str(b, "reason");
  if (!reason) return reason.error();
  auto body = opt_str(b, "appeal_body");
  if (!body) return body.error();
  auto deadline = opt_date(b, "appeal_deadline");
  if (!deadline) return deadline.error();
  a.reason_code = code->value_or("");
  a.reason = reason->value_or("");
  a.appeal_body = body->value_or("");
  a.appeal_deadline = *deadline;
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

// A schema enum by its name in snake_case ("bridging_right") or as in the
// schema ("BridgingRight"); absent: `fallback`.
template <typename E, std::size_t N>
Result<E> enum_field(const json& b, const char* field, E fallback, const E (&values)[N],
                     const char* (*name_of)(E)) {
  auto t = opt_str(b, field);
  if (!t) return t.error();
  if (!t->has_value()) return fallback;
  std::string allowed;
  for (E v : values) {
    const std::string name = name_of(v);
    const std::string snake_name = snake(name);
    // The schema's name, snake_case (openapi.json) or kebab-case (how
    // answers spell values, "not-starter").
    if (**t == name || **t == snake_name || **t == kebab(name)) return v;
    allowed += (allowed.empty() ? "" : ", ") + snake_name;
  }
  return Error::invalid(field, "UnknownValue", std::string(field) + " must be one of: " + allowed);
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

// ---- answers ----------------------------------------------------------------------------

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
  auto given = opt_date(body, "date");
  if (!given) return given.error();
  if (given->has_value()) {
    KASSA_TRY(within_horizon(deps, **given, "date"));
    return **given;
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

bool valid_party_id(const std::string& party) {
  if (party.size() != 33 || party[0] != 'P') return false;
  for (std::size_t i = 1; i < party.size(); ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(party[i])) ||
        std::isupper(static_cast<unsigned char>(party[i]))) {
      return false;
    }
  }
  return true;
}

// ---- persons ------------------------------------------------------------------------------

using PersonBuilder = std::function<Result<d::PersonCommand>(const json&, const std::string& party)>;

// Releases an in-process claim on an identifier when the command ends.
struct ClaimGuard {
  write::MemberNumbers* numbers;
  std::string identifier;
  ~ClaimGuard() { numbers->release(identifier); }
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
                           const std::string& party, const d::PersonCommand& command,
                           const d::RecordPayment& payment, d::Date date) {
  const std::string claim = "bank:" + payment.bank_ref;
  if (!deps.numbers->claim(claim)) {
    return Error::conflict("BankRefBeingBooked",
                           "bank_ref: " + payment.bank_ref + " is being booked right now", "bank_ref");
  }
  ClaimGuard guard{deps.numbers, claim};
  KASSA_TRY(wait_for_projections(deps));
  auto booked = projections::find_bank_line(*deps.stores->get(), payment.bank_ref);
  if (!booked) return booked.error();
  if (booked->has_value() && **booked != "P" + party) {
    return Error::conflict("BankRefBookedElsewhere",
                           "bank_ref: " + payment.bank_ref + " is booked on " + booked_on(**booked) +
                               "; a bank line is booked once",
                           "bank_ref");
  }
  auto out = deps.persons->execute(party, command, date, meta_for(deps, ctx));
  if (!out) return out.error();
  // Hold the claim until the index knows the line.
  if (auto p = deps.projector(); p && !out->events.empty()) {
    p->wait_until(log::Topic::kPersonEvents, out->events.back().partition,
                  out->events.back().offset, deps.max_wait);
  }
  return outcome_reply("party_id", *out);
}

Result<Reply> execute_person(const CommandDeps& deps, const RequestContext& ctx,
                             const std::string& party, const d::PersonCommand& command) {
  auto date = business_date(deps, ctx.body);
  if (!date) return date.error();
  if (const auto* payment = std::get_if<d::RecordPayment>(&command)) {
    return book_payment(deps, ctx, party, command, *payment, *date);
  }
  auto out = deps.persons->execute(party, command, *date, meta_for(deps, ctx));
  if (!out) return out.error();
  return outcome_reply("party_id", *out);
}

Handler person_command(const CommandDeps& deps, PersonBuilder build) {
  return [deps, build = std::move(build)](const RequestContext& ctx) -> Result<Reply> {
    const std::string& party = ctx.params.at("party_id");
    if (!valid_party_id(party)) {
      return Error::invalid("party_id", "PartyIdFormat", "a PartyId is P followed by 32 hex digits");
    }
    KASSA_TRY(require_object(ctx.body));
    auto command = build(ctx.body, party);
    if (!command) return command.error();
    return execute_person(deps, ctx, party, *command);
  };
}


Result<Reply> register_person(const CommandDeps& deps, const RequestContext& ctx) {
  const json& b = ctx.body;
  KASSA_TRY(require_object(b));
  auto niss_text = req_str(b, "niss");
  if (!niss_text) return niss_text.error();
  auto niss = d::Niss::parse(*niss_text, "niss");
  if (!niss) return niss.error();
  auto first = req_str(b, "first_name");
  if (!first) return first.error();
  auto last = req_str(b, "last_name");
  if (!last) return last.error();
  auto start = date_field(b, "start");
  if (!start) return start.error();
  d::RegisterPerson cmd{*niss, *first, *last, std::nullopt, std::nullopt, std::nullopt, *start,
                        d::Category::kMain, s::StarterStatus::NotStarter, false, 0, "",
                        std::nullopt};
  auto category = req_str(b, "category");
  if (!category) return category.error();
  auto cat = category_field(*category, "category");
  if (!cat) return cat.error();
  cmd.category = *cat;
  auto starter = enum_field(b, "starter", s::StarterStatus::NotStarter, s::EnumValuesStarterStatus(),
                            s::EnumNameStarterStatus);
  if (!starter) return starter.error();
  cmd.starter = *starter;
  auto iban = opt_iban(b, "iban");
  if (!iban) return iban.error();
  cmd.iban = *iban;
  auto birth = opt_date(b, "birth_date");
  if (!birth) return birth.error();
  cmd.birth_date = *birth;
  auto before = opt_bool(b, "affiliated_before_start", false);
  if (!before) return before.error();
  cmd.affiliated_before_start = *before;
  auto previous = opt_str(b, "previous_fund");
  if (!previous) return previous.error();
  cmd.previous_fund = previous->value_or("");
  auto assess_from = opt_quarter(b, "assess_from");
  if (!assess_from) return assess_from.error();
  cmd.assess_from = *assess_from;
  auto date = business_date(deps, b);
  if (!date) return date.error();

  // One NISS, one person: the in-process claim covers registrations not yet
  // projected; the NISS index (caught up) covers every earlier one.
  const std::string claim = "niss:" + projections::niss_hash(deps.niss_secret, niss->digits());
  if (!deps.numbers->claim(claim)) {
    return Error::conflict("PersonAlreadyRegistered",
                           "a person with this NISS is being registered", "niss");
  }
  ClaimGuard guard{deps.numbers, claim};
  KASSA_TRY(wait_for_projections(deps));
  auto existing =
      projections::find_party_by_niss(*deps.stores->get(), deps.niss_secret, niss->digits());
  if (!existing) return existing.error();
  if (existing->has_value()) {
    return Error::conflict("PersonAlreadyRegistered", "a person with this NISS is registered",
                           "niss");
  }
  auto number = deps.numbers->next();
  if (!number) return number.error();
  cmd.member_number = *number;
  if (ctx.idempotent != nullptr) ctx.idempotent->remember("member_number", cmd.member_number);
  const std::string party = "P" + log::Uuid::v7(now(deps) / 1000, *deps.random).hex();
  auto out = deps.persons->execute(party, d::PersonCommand{cmd}, *date, meta_for(deps, ctx));
  if (!out) return out.error();
  // Hold the claim until the NISS index knows the person: a second
  // registration right after this one must see it.
  if (auto p = deps.projector(); p && !out->events.empty()) {
    p->wait_until(log::Topic::kPersonEvents, out->events.back().partition,
                  out->events.back().offset, deps.max_wait);
  }
  Reply reply = outcome_reply("party_id", *out);
  reply.body["member_number"] = cmd.member_number;
  return reply;
}


// Erasing a person shreds the keys of the suspense items matched to them
// (write::matched_suspense_subjects). The fund's state is the writer's
// (current) when cached, else the projected one.
Status erase_matched_suspense(const CommandDeps& deps, const std::string& party) {
  std::optional<write::FundState> fund = deps.fund->cached(write::kFundKey);
  if (!fund) {
    auto store = deps.stores->get();
    auto loaded = load_fund(*store);
    if (!loaded) return loaded.error();
    if (!loaded->has_value()) return {};
    fund = std::move((*loaded)->state);
  }
  for (const std::string& subject :
       write::matched_suspense_subjects(*fund, s::AggregateKind::Person, party)) {
    KASSA_TRY(deps.keys->erase(subject));
  }
  return {};
}

void add_person_routes(Router& router, const CommandDeps& deps) {
  const std::vector<Role> staff{Role::kStaff};
  auto* idem = deps.idempotency;
  auto finder = std::make_shared<const IndexFinder>(deps);
  auto person = [&](const std::string& step, PersonBuilder build,
                    std::vector<Role> roles = {Role::kStaff}) {
    router.add(Method::kPost, "/v1/persons/{party_id}/" + step, std::move(roles),
               idempotent(idem, person_command(deps, std::move(build)), finder));
  };
  using R = Result<d::PersonCommand>;

  router.add(Method::kPost, "/v1/persons", staff, idempotent(idem, [deps](const RequestContext& c) {
               return register_person(deps, c);
             }, finder));

  person("category", [](const json& b, const std::string&) -> R {
    auto to = req_str(b, "category");
    if (!to) return to.error();
    auto cat = category_field(*to, "category");
    if (!cat) return cat.error();
    auto from = quarter_field(b, "from");
    if (!from) return from.error();
    auto code = opt_str(b, "reason_code");
    if (!code) return code.error();
    auto correction = opt_bool(b, "correction", false);
    if (!correction) return correction.error();
    return d::PersonCommand{d::ChangeCategory{*cat, *from, code->value_or(""), *correction}};
  });
  person("cessation", [](const json& b, const std::string&) -> R {
    auto end = date_field(b, "end");
    if (!end) return end.error();
    auto reason = enum_field(b, "reason", s::CessationReason::Stopped,
                             s::EnumValuesCessationReason(), s::EnumNameCessationReason);
    if (!reason) return reason.error();
    return d::PersonCommand{d::CeaseActivity{*end, *reason}};
  });
  person("death", [](const json& b, const std::string&) -> R {
    auto on = date_field(b, "death");
    if (!on) return on.error();
    return d::PersonCommand{d::RecordDeath{*on}};
  });
  person("income", [](const json& b, const std::string&) -> R {
    auto year = year_field(b);
    if (!year) return year.error();
    auto income = money_field(b, "net_income");
    if (!income) return income.error();
    auto source = enum_field(b, "source", s::IncomeSource::TaxAuthority,
                             s::EnumValuesIncomeSource(), s::EnumNameIncomeSource);
    if (!source) return source.error();
    return d::PersonCommand{d::NotifyIncome{*year, *income, *source}};
  });
  person("provisional-base", [](const json& b, const std::string&) -> R {
    auto year = year_field(b);
    if (!year) return year.error();
    auto base = money_field(b, "base");
    if (!base) return base.error();
    auto basis = enum_field(b, "basis", s::ProvisionalBasis::ChosenHigher,
                            s::EnumValuesProvisionalBasis(), s::EnumNameProvisionalBasis);
    if (!basis) return basis.error();
    auto code = opt_str(b, "reason_code");
    if (!code) return code.error();
    return d::PersonCommand{d::ChangeProvisionalBase{*year, *base, *basis, code->value_or("")}};
  });
  person("free-quarters", [](const json& b, const std::string&) -> R {
    auto q = quarter_field(b, "quarter");
    if (!q) return q.error();
    auto reason = enum_field(b, "reason", s::FreeQuarterReason::Sickness,
                             s::EnumValuesFreeQuarterReason(), s::EnumNameFreeQuarterReason);
    if (!reason) return reason.error();
    return d::PersonCommand{d::GrantContributionFreeQuarter{*q, *reason}};
  });
  person("births", [](const json& b, const std::string&) -> R {
    auto on = date_field(b, "birth");
    if (!on) return on.error();
    auto multiple = opt_bool(b, "multiple", false);
    if (!multiple) return multiple.error();
    return d::PersonCommand{d::RecordBirth{*on, *multiple}};
  });
  person("payments", [](const json& b, const std::string&) -> R {
    auto amount = money_field(b, "amount");
    if (!amount) return amount.error();
    auto value_date = date_field(b, "value_date");
    if (!value_date) return value_date.error();
    auto ref = req_str(b, "bank_ref");
    if (!ref) return ref.error();
    auto channel = enum_field(b, "channel", s::PaymentChannel::Coda, s::EnumValuesPaymentChannel(),
                              s::EnumNamePaymentChannel);
    if (!channel) return channel.error();
    auto on_purpose = opt_bool(b, "book_on_this_member", false);
    if (!on_purpose) return on_purpose.error();
    d::RecordPayment p{*amount, *value_date, std::nullopt, *ref, *channel, std::nullopt, *on_purpose};
    auto comm = opt_str(b, "communication");
    if (!comm) return comm.error();
    if (comm->has_value()) {
      auto parsed = d::StructuredCommunication::parse(**comm, "communication");
      if (!parsed) return parsed.error();
      p.communication = *parsed;
    }
    return d::PersonCommand{p};
  });
  person("refunds", [](const json& b, const std::string&) -> R {
    auto amount = money_field(b, "amount");
    if (!amount) return amount.error();
    auto reason = enum_field(b, "reason", s::RefundReason::OnRequest, s::EnumValuesRefundReason(),
                             s::EnumNameRefundReason);
    if (!reason) return reason.error();
    auto ref = req_str(b, "refund_ref");
    if (!ref) return ref.error();
    auto account = opt_iban(b, "iban");
    if (!account) return account.error();
    return d::PersonCommand{d::IssueRefund{*amount, *reason, *ref, *account}};
  });
  person("contraintes", [](const json& b, const std::string&) -> R {
    auto on = date_field(b, "served_on");
    if (!on) return on.error();
    auto bailiff = req_str(b, "bailiff_ref");
    if (!bailiff) return bailiff.error();
    return d::PersonCommand{d::ServeContrainte{*on, *bailiff}};
  });
  person("personal-contacts", [](const json& b, const std::string&) -> R {
    auto on = date_field(b, "on");
    if (!on) return on.error();
    auto channel = enum_field(b, "channel", s::ContactChannel::Phone, s::EnumValuesContactChannel(),
                              s::EnumNameContactChannel);
    if (!channel) return channel.error();
    auto reached = opt_bool(b, "reached", true);
    if (!reached) return reached.error();
    auto notes = opt_str(b, "notes_ref");
    if (!notes) return notes.error();
    return d::PersonCommand{d::RecordPersonalContact{*on, *channel, *reached, notes->value_or("")}};
  });
  person("payment-plans", [](const json& b, const std::string&) -> R {
    auto qs = quarters_field(b);
    if (!qs) return qs.error();
    auto n = req_int(b, "instalments", 1, 60);
    if (!n) return n.error();
    return d::PersonCommand{d::RequestPaymentPlan{*qs, static_cast<std::uint16_t>(*n)}};
  });
  person("payment-plans/grant", [](const json& b, const std::string&) -> R {
    d::GrantPaymentPlan g;
    auto ref = req_str(b, "plan_ref");
    if (!ref) return ref.error();
    g.plan_ref = *ref;
    if (!b.contains("instalments") || !b["instalments"].is_array() || b["instalments"].empty()) {
      return Error::invalid("instalments", "InstalmentsRequired",
                            "instalments is a non-empty array of {\"due\", \"amount\"}");
    }
    for (const auto& i : b["instalments"]) {
      if (!i.is_object()) {
        return Error::invalid("instalments", "InstalmentsRequired", "each instalment is an object");
      }
      auto due = date_field(i, "due");
      if (!due) return due.error();
      auto amount = money_field(i, "amount");
      if (!amount) return amount.error();
      g.instalments.push_back({*due, *amount});
    }
    return d::PersonCommand{g};
  });
  person("payment-plans/refuse", [](const json& b, const std::string&) -> R {
    auto a = appeal_field(b);
    if (!a) return a.error();
    return d::PersonCommand{d::RefusePaymentPlan{*a}};
  });
  person("payment-plans/breach", [](const json& b, const std::string&) -> R {
    auto ref = req_str(b, "plan_ref");
    if (!ref) return ref.error();
    auto due = date_field(b, "missed_due");
    if (!due) return due.error();
    auto amount = money_field(b, "missed_amount");
    if (!amount) return amount.error();
    return d::PersonCommand{d::BreachPaymentPlan{*ref, *due, *amount}};
  });
  person("contests", [](const json& b, const std::string&) -> R {
    auto qs = quarters_field(b);
    if (!qs) return qs.error();
    auto amount = money_field(b, "amount");
    if (!amount) return amount.error();
    auto forum = req_str(b, "forum");
    if (!forum) return forum.error();
    auto ref = req_str(b, "case_ref");
    if (!ref) return ref.error();
    return d::PersonCommand{d::FileContest{*qs, *amount, *forum, *ref}};
  });
  person("contests/decision", [](const json& b, const std::string&) -> R {
    auto ref = req_str(b, "case_ref");
    if (!ref) return ref.error();
    auto outcome = enum_field(b, "outcome", s::ContestOutcome::Rejected,
                              s::EnumValuesContestOutcome(), s::EnumNameContestOutcome);
    if (!outcome) return outcome.error();
    auto cancelled = opt_money(b, "cancelled");
    if (!cancelled) return cancelled.error();
    return d::PersonCommand{
        d::DecideContest{*ref, *outcome, cancelled->value_or(d::Money::from_cents(0))}};
  });
  person("waivers", [](const json& b, const std::string&) -> R {
    auto qs = quarters_field(b);
    if (!qs) return qs.error();
    auto ground = enum_field(b, "ground", s::WaiverGround::GoodFaith, s::EnumValuesWaiverGround(),
                             s::EnumNameWaiverGround);
    if (!ground) return ground.error();
    return d::PersonCommand{d::RequestWaiver{*qs, *ground}};
  });
  person("waivers/grant", [](const json& b, const std::string&) -> R {
    auto qs = quarters_field(b);
    if (!qs) return qs.error();
    auto ref = req_str(b, "decision_ref");
    if (!ref) return ref.error();
    std::uint32_t share = 10000;
    if (b.contains("share_bp")) {
      auto bp = req_int(b, "share_bp", 1, 10000);
      if (!bp) return bp.error();
      share = static_cast<std::uint32_t>(*bp);
    }
    return d::PersonCommand{d::GrantWaiver{*qs, *ref, share}};
  });
  person("waivers/refuse", [](const json& b, const std::string&) -> R {
    auto qs = quarters_field(b);
    if (!qs) return qs.error();
    auto ref = req_str(b, "decision_ref");
    if (!ref) return ref.error();
    auto a = appeal_field(b);
    if (!a) return a.error();
    return d::PersonCommand{d::RefuseWaiver{*qs, *ref, *a}};
  });
  person("dispenses", [](const json& b, const std::string&) -> R {
    auto qs = quarters_field(b);
    if (!qs) return qs.error();
    return d::PersonCommand{d::RequestDispense{*qs}};
  });
  person("dispenses/grant", [](const json& b, const std::string&) -> R {
    auto qs = quarters_field(b);
    if (!qs) return qs.error();
    auto ref = req_str(b, "decision_ref");
    if (!ref) return ref.error();
    return d::PersonCommand{d::GrantDispense{*qs, *ref}};
  });
  person("dispenses/refuse", [](const json& b, const std::string&) -> R {
    auto qs = quarters_field(b);
    if (!qs) return qs.error();
    auto ref = req_str(b, "decision_ref");
    if (!ref) return ref.error();
    auto a = appeal_field(b);
    if (!a) return a.error();
    return d::PersonCommand{d::RefuseDispense{*qs, *ref, *a}};
  });
  person("benefits", [](const json& b, const std::string&) -> R {
    auto kind = enum_field(b, "kind", s::BenefitKind::BridgingRight, s::EnumValuesBenefitKind(),
                           s::EnumNameBenefitKind);
    if (!kind) return kind.error();
    auto ground = enum_field(b, "ground", s::BridgingGround::NotApplicable,
                             s::EnumValuesBridgingGround(), s::EnumNameBridgingGround);
    if (!ground) return ground.error();
    auto event_date = opt_date(b, "event_date");
    if (!event_date) return event_date.error();
    auto ref = req_str(b, "claim_ref");
    if (!ref) return ref.error();
    return d::PersonCommand{d::ClaimBenefit{*kind, *ground, *event_date, *ref}};
  });
  person("benefits/grant", [](const json& b, const std::string&) -> R {
    auto ref = req_str(b, "claim_ref");
    if (!ref) return ref.error();
    auto start = date_field(b, "start");
    if (!start) return start.error();
    auto family = opt_bool(b, "family_charge", false);
    if (!family) return family.error();
    auto monthly = opt_money(b, "monthly_amount");
    if (!monthly) return monthly.error();
    return d::PersonCommand{d::GrantBenefit{*ref, *start, *family, *monthly}};
  });
  person("benefits/refuse", [](const json& b, const std::string&) -> R {
    auto ref = req_str(b, "claim_ref");
    if (!ref) return ref.error();
    auto a = appeal_field(b);
    if (!a) return a.error();
    return d::PersonCommand{d::RefuseBenefit{*ref, *a}};
  });
  person("benefits/payments", [](const json& b, const std::string&) -> R {
    auto ref = req_str(b, "claim_ref");
    if (!ref) return ref.error();
    auto from = date_field(b, "period_start");
    if (!from) return from.error();
    auto to = date_field(b, "period_end");
    if (!to) return to.error();
    auto amount = money_field(b, "amount");
    if (!amount) return amount.error();
    auto pref = req_str(b, "payment_ref");
    if (!pref) return pref.error();
    auto account = opt_iban(b, "iban");
    if (!account) return account.error();
    return d::PersonCommand{d::PayBenefit{*ref, *from, *to, *amount, *pref, *account}};
  });
  person("overpayments", [](const json& b, const std::string&) -> R {
    auto kind = enum_field(b, "kind", s::BenefitKind::BridgingRight, s::EnumValuesBenefitKind(),
                           s::EnumNameBenefitKind);
    if (!kind) return kind.error();
    auto from = date_field(b, "period_start");
    if (!from) return from.error();
    auto to = date_field(b, "period_end");
    if (!to) return to.error();
    auto amount = money_field(b, "amount");
    if (!amount) return amount.error();
    auto a = appeal_field(b);
    if (!a) return a.error();
    return d::PersonCommand{d::ClaimOverpayment{*kind, *from, *to, *amount, *a}};
  });

  // Erasure (GDPR art. 17): the event records that it happened; the
  // person's data key is destroyed once the event is durable, so every
  // sealed block of this person becomes unreadable while the chain still
  // verifies, and so are the keys of the bank lines staff matched to them
  // (the payer's name, IBAN and free text). A retry after a failed key
  // erasure erases again.
  router.add(Method::kPost, "/v1/persons/{party_id}/erasure", {Role::kAdmin},
             idempotent(idem, [deps](const RequestContext& ctx) -> Result<Reply> {
               const std::string& party = ctx.params.at("party_id");
               if (!valid_party_id(party)) {
                 return Error::invalid("party_id", "PartyIdFormat",
                                       "a PartyId is P followed by 32 hex digits");
               }
               KASSA_TRY(require_object(ctx.body));
               auto basis = req_str(ctx.body, "legal_basis");
               if (!basis) return basis.error();
               auto reply = execute_person(deps, ctx, party,
                                           d::PersonCommand{d::EraseRegistrationData{party, *basis}});
               if (!reply) return reply;
               KASSA_TRY(deps.keys->erase(party));
               KASSA_TRY(erase_matched_suspense(deps, party));
               return reply;
             }));
}

// ---- companies ----------------------------------------------------------------------------

using CompanyBuilder = std::function<Result<d::CompanyCommand>(const json&)>;

Result<Reply> execute_company(const CommandDeps& deps, const RequestContext& ctx,
                              const std::string& number, const d::CompanyCommand& command) {
  auto date = business_date(deps, ctx.body);
  if (!date) return date.error();
  auto out = deps.companies->execute(number, command, *date, meta_for(deps, ctx));
  if (!out) return out.error();
  return outcome_reply("company_number", *out);
}

// A director must be a registered person.
Status require_person(const CommandDeps& deps, const std::string& party, const char* field) {
  if (!valid_party_id(party)) {
    return Error::invalid(field, "PartyIdFormat", "a PartyId is P followed by 32 hex digits");
  }
  KASSA_TRY(wait_for_projections(deps));
  auto found = projections::read_party(*deps.stores->get(), s::AggregateKind::Person, party);
  if (!found) return found.error();
  if (!found->has_value()) {
    return Error::not_found("PersonNotRegistered", "no person with PartyId " + party, field);
  }
  return {};
}

Result<Reply> register_company(const CommandDeps& deps, const RequestContext& ctx) {
  const json& b = ctx.body;
  KASSA_TRY(require_object(b));
  auto number_text = req_str(b, "company_number");
  if (!number_text) return number_text.error();
  auto number = d::CompanyNumber::parse(*number_text, "company_number");
  if (!number) return number.error();
  auto name = req_str(b, "name");
  if (!name) return name.error();
  auto form = req_str(b, "legal_form");
  if (!form) return form.error();
  auto incorporation = date_field(b, "incorporation");
  if (!incorporation) return incorporation.error();
  d::RegisterCompany cmd{*number, *name, *form, *incorporation, 0, {}};
  if (b.contains("directors")) {
    if (!b["directors"].is_array()) {
      return Error::invalid("directors", "DirectorsArray", "directors is an array of PartyIds");
    }
    for (const auto& dir : b["directors"]) {
      if (!dir.is_string()) {
        return Error::invalid("directors", "DirectorsArray", "directors is an array of PartyIds");
      }
      KASSA_TRY(require_person(deps, dir.get<std::string>(), "directors"));
      cmd.directors.push_back(dir.get<std::string>());
    }
  }
  const std::string key = number->digits();
  const std::string claim = "company:" + key;
  if (!deps.numbers->claim(claim)) {
    return Error::conflict("CompanyAlreadyRegistered", "this company is being registered",
                           "company_number");
  }
  ClaimGuard guard{deps.numbers, claim};
  auto member = deps.numbers->next();
  if (!member) return member.error();
  cmd.member_number = *member;
  if (ctx.idempotent != nullptr) ctx.idempotent->remember("member_number", cmd.member_number);
  auto reply = execute_company(deps, ctx, key, d::CompanyCommand{cmd});
  if (!reply) return reply;
  reply->body["member_number"] = cmd.member_number;
  return reply;
}

void add_company_routes(Router& router, const CommandDeps& deps) {
  const std::vector<Role> staff{Role::kStaff};
  auto* idem = deps.idempotency;
  auto finder = std::make_shared<const IndexFinder>(deps);
  router.add(Method::kPost, "/v1/companies", staff,
             idempotent(idem, [deps](const RequestContext& c) { return register_company(deps, c); },
                        finder));
  auto company = [&](const std::string& step, CompanyBuilder build) {
    router.add(Method::kPost, "/v1/companies/{company_number}/" + step, staff,
               idempotent(idem, [deps, build = std::move(build)](
                                    const RequestContext& ctx) -> Result<Reply> {
                 auto number = d::CompanyNumber::parse(ctx.params.at("company_number"),
                                                       "company_number");
                 if (!number) return number.error();
                 KASSA_TRY(require_object(ctx.body));
                 auto command = build(ctx.body);
                 if (!command) return command.error();
                 if (const auto* add = std::get_if<d::AddDirector>(&*command)) {
                   KASSA_TRY(require_person(deps, add->party, "party_id"));
                 }
                 return execute_company(deps, ctx, number->digits(), *command);
               }, finder));
  };
  using R = Result<d::CompanyCommand>;
  company("directors", [](const json& b) -> R {
    auto party = req_str(b, "party_id");
    if (!party) return party.error();
    auto from = date_field(b, "from");
    if (!from) return from.error();
    auto role = opt_str(b, "role");
    if (!role) return role.error();
    return d::CompanyCommand{d::AddDirector{*party, *from, role->value_or("director")}};
  });
  company("directors/removal", [](const json& b) -> R {
    auto party = req_str(b, "party_id");
    if (!party) return party.error();
    auto to = date_field(b, "to");
    if (!to) return to.error();
    return d::CompanyCommand{d::RemoveDirector{*party, *to}};
  });
  company("balance-sheets", [](const json& b) -> R {
    auto end = date_field(b, "financial_year_end");
    if (!end) return end.error();
    auto total = money_field(b, "total");
    if (!total) return total.error();
    return d::CompanyCommand{d::ReportBalanceSheet{*end, *total}};
  });
  company("payments", [](const json& b) -> R {
    auto amount = money_field(b, "amount");
    if (!amount) return amount.error();
    auto value_date = date_field(b, "value_date");
    if (!value_date) return value_date.error();
    auto ref = req_str(b, "bank_ref");
    if (!ref) return ref.error();
    d::RecordCompanyPayment p{*amount, *value_date, std::nullopt, *ref, s::PaymentChannel::Coda};
    auto comm = opt_str(b, "communication");
    if (!comm) return comm.error();
    if (comm->has_value()) {
      auto parsed = d::StructuredCommunication::parse(**comm, "communication");
      if (!parsed) return parsed.error();
      p.communication = *parsed;
    }
    return d::CompanyCommand{p};
  });
  company("late-surcharges", [](const json& b) -> R {
    auto year = year_field(b);
    if (!year) return year.error();
    auto as_of = date_field(b, "as_of");
    if (!as_of) return as_of.error();
    return d::CompanyCommand{d::ApplyCompanyLateSurcharge{*year, *as_of}};
  });
}

// ---- runs ------------------------------------------------------------------------------------

Result<std::vector<std::string>> list_keys(const CommandDeps& deps, s::AggregateKind kind) {
  KASSA_TRY(wait_for_projections(deps));
  const std::string prefix = projections::party_key(kind, "");
  std::vector<std::string> keys;
  KASSA_TRY(deps.stores->get()->scan(projections::Cf::kParties, prefix,
                                     [&](std::string_view k, std::string_view) {
                                       keys.emplace_back(k.substr(prefix.size()));
                                       return true;
                                     }));
  return keys;
}

template <typename A>
Result<Reply> run_over(const CommandDeps& deps, write::AggregateWriter<A>& writer,
                       const RequestContext& ctx, const std::string& name,
                       typename A::Command command, d::Date date, json period) {
  auto keys = list_keys(deps, A::kKind);
  if (!keys) return keys.error();
  auto out = writer.run(*keys, command, date, meta_for(deps, ctx));
  // A failure midway leaves the chunks before it written; a retry completes
  // the run (decide skips what is already there).
  if (!out) return out.error();
  json rejections = json::array();
  for (std::size_t i = 0; i < out->rejections.size() && i < 20; ++i) {
    rejections.push_back(error_body(out->rejections[i]));  // openapi's Error: kind included
  }
  json offsets = json::object();
  for (const auto& [partition, offset] : out->last_offsets) {
    offsets[std::to_string(partition)] = offset;
  }
  json body = {{"run", name},
               {"business_date", date.format()},
               {"aggregates", out->aggregates},
               {"aggregates_changed", out->aggregates_changed},
               {"events_written", out->events_written},
               {"rejected", out->rejected},
               {"rejections", rejections},
               {"last_offsets", offsets}};
  if constexpr (std::is_same_v<A, write::PersonAggregate>) {
    if (std::holds_alternative<d::AssessQuarter>(command)) {
      // DOMAIN §4: operations hear how many persons were charged late.
      body["persons_assessed_late"] = out->aggregates_assessed_late;
      body["quarters_assessed_late"] = out->quarters_assessed_late;
    }
  }
  body.update(period);
  // Operations see each run at info, with counts (never PartyIds).
  spdlog::info("batch run={} business_date={} aggregates={} changed={} events_written={} "
               "rejected={} principal={}",
               name, date.format(), out->aggregates, out->aggregates_changed,
               out->events_written, out->rejected, ctx.principal.name);
  return Reply(200, body);
}

void add_run_routes(Router& router, const CommandDeps& deps) {
  const std::vector<Role> batch{Role::kBatch};
  auto* idem = deps.idempotency;
  router.add(Method::kPost, "/v1/runs/assessment", batch,
             idempotent(idem, [deps](const RequestContext& ctx) -> Result<Reply> {
               KASSA_TRY(require_object(ctx.body));
               auto q = quarter_field(ctx.body, "quarter");
               if (!q) return q.error();
               auto date = date_field(ctx.body, "date");
               if (!date) return date.error();
               KASSA_TRY(within_horizon(deps, q->first_day(), "quarter"));
               KASSA_TRY(within_horizon(deps, *date, "date"));
               return run_over(deps, *deps.persons, ctx, "assessment", d::AssessQuarter{*q}, *date,
                               {{"quarter", q->format()}});
             }));
  router.add(Method::kPost, "/v1/runs/quarter-end", batch,
             idempotent(idem, [deps](const RequestContext& ctx) -> Result<Reply> {
               KASSA_TRY(require_object(ctx.body));
               auto q = quarter_field(ctx.body, "quarter");
               if (!q) return q.error();
               KASSA_TRY(not_after_today(deps, q->last_day(), "quarter", "QuarterNotEnded"));
               return run_over(deps, *deps.persons, ctx, "quarter-end",
                               d::ApplyQuarterEndSurcharges{*q}, q->last_day(),
                               {{"quarter", q->format()}});
             }));
  router.add(Method::kPost, "/v1/runs/year-end", batch,
             idempotent(idem, [deps](const RequestContext& ctx) -> Result<Reply> {
               KASSA_TRY(require_object(ctx.body));
               auto y = year_field(ctx.body);
               if (!y) return y.error();
               auto jan1 = d::Date::from_ymd(*y + 1, 1, 1);
               if (!jan1) return jan1.error();
               KASSA_TRY(not_after_today(deps, *jan1, "year", "YearNotEnded"));
               return run_over(deps, *deps.persons, ctx, "year-end", d::ApplyYearEndSurcharge{*y},
                               *jan1, {{"year", *y}});
             }));
  router.add(Method::kPost, "/v1/runs/reminders", batch,
             idempotent(idem, [deps](const RequestContext& ctx) -> Result<Reply> {
               KASSA_TRY(require_object(ctx.body));
               auto on = date_field(ctx.body, "date");
               if (!on) return on.error();
               KASSA_TRY(not_after_today(deps, *on, "date", "RunDateInFuture"));
               return run_over(deps, *deps.persons, ctx, "reminders", d::RunReminders{*on}, *on,
                               json::object());
             }));
  router.add(Method::kPost, "/v1/runs/company-contributions", batch,
             idempotent(idem, [deps](const RequestContext& ctx) -> Result<Reply> {
               KASSA_TRY(require_object(ctx.body));
               auto y = year_field(ctx.body);
               if (!y) return y.error();
               auto date = opt_date(ctx.body, "date");
               if (!date) return date.error();
               auto jan1 = d::Date::from_ymd(*y, 1, 1);
               if (!jan1) return jan1.error();
               KASSA_TRY(within_horizon(deps, *jan1, "year"));
               if (*date) KASSA_TRY(within_horizon(deps, **date, "date"));
               return run_over(deps, *deps.companies, ctx, "company-contributions",
                               d::AssessCompanyContribution{*y}, date->value_or(*jan1),
                               {{"year", *y}});
             }));
}

// ---- bank import and suspense --------------------------------------------------------------

Result<Reply> import_file(const CommandDeps& deps, const RequestContext& ctx) {
  const std::string& bytes = ctx.raw->body;
  if (bytes.empty()) {
    return Error::invalid("body", "BankFileRequired",
                          "the body is the bank file (CODA or camt.053), sent as is");
  }
  KASSA_TRY(wait_for_projections(deps));  // registrations before the file are matchable
  auto report = deps.importer->import(bytes, meta_for(deps, ctx));
  if (!report) return report.error();
  json lines = json::array();
  std::size_t matched = 0, suspense = 0, already = 0;
  for (const auto& l : report->lines) {
    json line = {{"bank_ref", l.bank_ref},
                 {"amount", d::Money::from_cents(l.amount_cents).format()},
                 {"value_date", l.value_date},
                 {"events", l.events}};
    if (l.kind == s::AggregateKind::Fund) {
      line["booked_to"] = "suspense";
      if (!l.suspense_reason.empty()) line["suspense_reason"] = l.suspense_reason;
      ++suspense;
    } else {
      line["booked_to"] = l.kind == s::AggregateKind::Person ? "person" : "company";
      line[l.kind == s::AggregateKind::Person ? "party_id" : "company_number"] = l.key;
      line["matched_by"] = l.matched_by;
      ++matched;
    }
    if (l.last_offset >= 0) line["min_offset"] = l.last_offset;
    if (l.rejected) line["refused"] = {{"error", l.rejected->rule}, {"message", l.rejected->message}};
    if (l.already_recorded || l.events == 0) ++already;
    if (l.already_recorded) line["already_recorded"] = true;
    lines.push_back(std::move(line));
  }
  // Operations see each import at info, with counts (never payers or amounts).
  spdlog::info("bank import format={} statements={} credit_lines={} debit_lines={} matched={} "
               "suspense={} already_recorded={} events_written={} warnings={} principal={}",
               report->format, report->statements, report->credit_lines, report->debit_lines,
               matched, suspense, already, report->events_written, report->warnings.size(),
               ctx.principal.name);
  return Reply(200, {{"format", report->format},
                     {"statements", report->statements},
                     {"credit_lines", report->credit_lines},
                     {"debit_lines", report->debit_lines},
                     {"matched", matched},
                     {"suspense", suspense},
                     {"already_recorded", already},
                     {"events_written", report->events_written},
                     {"warnings", report->warnings},
                     {"lines", lines}});
}

// The suspense list shows payers' names and accounts: a read of personal
// data, with its purpose, in the access log like every other.
Result<Reply> list_suspense(const CommandDeps& deps, const RequestContext& ctx) {
  auto purpose = ctx.header("X-Kassa-Purpose");
  if (!purpose || purpose->empty() || purpose->size() > 200) {
    return Error::invalid("X-Kassa-Purpose", "PurposeRequired",
                          "reading payers' data needs the reason in the X-Kassa-Purpose header");
  }
  projections::AccessRecord record{now(deps), ctx.principal.name, to_string(ctx.principal.role),
                                   write::kFundKey, "GET /v1/suspense", *purpose};
  if (!deps.access_log->record(record)) {
    return Error::unavailable("AccessLogUnavailable",
                              "the access could not be logged, so it is refused; retry");
  }
  KASSA_TRY(wait_for_projections(deps));
  // Paged in recording order: ?cursor= (the last event_id of the previous
  // page), ?limit= (100, at most 1000). The open items' count and total are
  // of the whole list; only the page's items are opened and written out.
  auto limit = limit_param(ctx, 100, 1000);
  if (!limit) return limit.error();
  const std::string cursor = ctx.query("cursor").value_or("");
  // Pass 1: which items are open, with their amounts (nothing decrypted).
  std::vector<std::pair<std::string, std::int64_t>> recorded;  // event_id, cents
  std::set<std::string> matched_ids;
  auto store = deps.stores->get();
  KASSA_TRY(projections::for_each_indexed_event(
      *store, s::AggregateKind::Fund, write::kFundKey,
      [&](const projections::IndexedEvent& e) -> Status {
        const auto& env = e.event.envelope();
        if (env.body_type() == s::EventBody::SuspenseItemMatched) {
          const auto id = log::Uuid::from_schema(env.body_as_SuspenseItemMatched()->suspense_event_id());
          matched_ids.insert(id.to_string());
        } else if (env.body_type() == s::EventBody::SuspenseItemRecorded) {
          recorded.emplace_back(e.event.event_id().to_string(),
                                env.body_as_SuspenseItemRecorded()->amount_cents());
        }
        return {};
      }));
  d::Money total;
  std::size_t count = 0;
  bool after_cursor = cursor.empty();
  bool cursor_seen = cursor.empty();
  std::set<std::string> page;
  std::string last_on_page;
  bool more = false;
  for (const auto& [id, cents] : recorded) {
    if (matched_ids.count(id) != 0) continue;  // booked on its member
    auto sum = total.plus(d::Money::from_cents(cents));
    if (!sum) return sum.error();  // MoneyOverflow: said, never wrapped
    total = *sum;
    ++count;
    if (!after_cursor) {
      if (id == cursor) after_cursor = cursor_seen = true;
      continue;
    }
    if (page.size() < *limit) {
      page.insert(id);
      last_on_page = id;
    } else {
      more = true;
    }
  }
  if (!cursor_seen) {
    return Error::invalid("cursor", "CursorUnknown",
                          "cursor: the event_id of an open item of the previous page");
  }
  // Pass 2: the page's items, their payers' data opened for staff.
  json items = json::array();
  KASSA_TRY(projections::for_each_indexed_event(
      *store, s::AggregateKind::Fund, write::kFundKey,
      [&](const projections::IndexedEvent& e) -> Status {
        const auto& env = e.event.envelope();
        if (env.body_type() != s::EventBody::SuspenseItemRecorded) return {};
        if (page.count(e.event.event_id().to_string()) == 0) return {};
        const auto* body = env.body_as_SuspenseItemRecorded();
        json item = {
            {"event_id", e.event.event_id().to_string()},
            {"bank_ref", body->bank_ref() ? body->bank_ref()->str() : ""},
            {"amount", d::Money::from_cents(body->amount_cents()).format()},
            {"value_date", d::Date::from_days(body->value_days()).format()},
            {"structured_communication",
             body->structured_communication() ? body->structured_communication()->str() : ""},
            {"reason", s::EnumNameSuspenseReason(body->reason())},
            {"refusal", body->refusal() ? body->refusal()->str() : ""}};
        // The counterparty is personal data, sealed: shown to staff, never logged.
        if (body->counterparty() != nullptr) {
          auto opened = log::open(*deps.keys, log::suspense_subject(e.event.event_id()),
                                  e.event.event_id(), *body->counterparty());
          if (opened) {
            item["counterparty_name"] = opened->counterparty_name;
            item["counterparty_iban"] = opened->iban;
            item["free_communication"] = opened->free_communication;
          }
        }
        items.push_back(std::move(item));
        return {};
      }));
  return Reply(200, {{"items", items},
                     {"count", count},
                     {"total", total.format()},
                     {"next_cursor", more ? json(last_on_page) : json(nullptr)}});
}

// Staff identified the payer of a suspense item: the fund records the match,
// then the payment is booked on the member (its cause: the match). A retry
// completes what a failure left half done: the match is not written twice,
// the payment's bank reference is booked once.
Result<Reply> match_suspense(const CommandDeps& deps, const RequestContext& ctx) {
  const json& b = ctx.body;
  KASSA_TRY(require_object(b));
  auto bank_ref = req_str(b, "bank_ref");
  if (!bank_ref) return bank_ref.error();
  auto party = opt_str(b, "party_id");
  if (!party) return party.error();
  auto company = opt_str(b, "company_number");
  if (!company) return company.error();
  if (party->has_value() == company->has_value()) {
    return Error::invalid("party_id", "MatchTargetRequired",
                          "name exactly one of party_id and company_number");
  }
  write::MatchSuspenseItem match{*bank_ref, s::AggregateKind::Person, ""};
  if (party->has_value()) {
    KASSA_TRY(require_person(deps, **party, "party_id"));
    match.key = **party;
  } else {
    auto number = d::CompanyNumber::parse(**company, "company_number");
    if (!number) return number.error();
    KASSA_TRY(wait_for_projections(deps));
    auto found = projections::read_party(*deps.stores->get(), s::AggregateKind::Company,
                                         number->digits());
    if (!found) return found.error();
    if (!found->has_value()) {
      return Error::not_found("CompanyNotRegistered", "no company with this number",
                              "company_number");
    }
    match.kind = s::AggregateKind::Company;
    match.key = number->digits();
  }
  // The item as recorded (amount, value date, communication).
  auto fund = load_fund(*deps.stores->get());
  if (!fund) return fund.error();
  std::optional<write::SuspenseItem> item;
  if (fund->has_value()) {
    if (const auto* found = write::find_suspense_item((*fund)->state, *bank_ref)) item = *found;
  }
  if (!item) {
    return Error::not_found("SuspenseItemUnknown", "no suspense item for this bank line", "bank_ref");
  }
  auto date = business_date(deps, b);
  if (!date) return date.error();
  write::CommandMeta meta = meta_for(deps, ctx);
  auto matched = deps.fund->execute(write::kFundKey, write::FundCommand{match}, *date, meta);
  if (!matched) return matched.error();
  if (!matched->events.empty()) meta.causation_id = matched->events.front().event_id;

  const d::Money amount = d::Money::from_cents(item->amount_cents);
  const d::Date value_date = d::Date::from_days(item->value_days);
  std::optional<d::StructuredCommunication> communication;
  if (auto parsed = d::StructuredCommunication::parse(item->structured_communication)) {
    communication = *parsed;
  }
  auto pay = [&]() -> Result<write::Outcome> {
    if (match.kind == s::AggregateKind::Person) {
      // Staff identified the payer: this member, whatever the communication says.
      d::RecordPayment p{amount, value_date, communication, item->bank_ref, item->channel, std::nullopt,
                         true};
      return deps.persons->execute(match.key, d::PersonCommand{p}, *date, meta);
    }
    d::RecordCompanyPayment p{amount, value_date, communication, item->bank_ref, item->channel};
    return deps.companies->execute(match.key, d::CompanyCommand{p}, *date, meta);
  };
  auto paid = pay();
  if (!paid) return paid.error();
  Reply reply = outcome_reply(match.kind == s::AggregateKind::Person ? "party_id" : "company_number",
                              *paid);
  reply.body["bank_ref"] = item->bank_ref;
  reply.body["amount"] = amount.format();
  reply.body["match_events"] = matched->events.size();
  if (!matched->events.empty() && paid->events.empty()) reply.status = 201;
  return reply;
}

}  // namespace

Result<std::optional<write::AggregateWriter<write::FundAggregate>::Loaded>> load_fund(
    const projections::KvView& view) {
  using Loaded = write::AggregateWriter<write::FundAggregate>::Loaded;
  Loaded loaded;
  bool any = false;
  Status folded = projections::for_each_indexed_event(
      view, s::AggregateKind::Fund, write::kFundKey,
      [&](const projections::IndexedEvent& e) -> Status {
        KASSA_TRY(write::FundAggregate::evolve(loaded.state, e.event.envelope()));
        loaded.tip = log::ChainTip{e.event.sequence(), e.event.hash()};
        any = true;
        return {};
      });
  if (!folded) return folded.error();
  if (!any) return std::optional<Loaded>{};
  return std::optional<Loaded>{std::move(loaded)};
}

Status wait_for_projections(const CommandDeps& deps) {
  std::vector<log::Position> targets;
  for (log::Topic topic : {log::Topic::kPersonEvents, log::Topic::kCompanyEvents}) {
    for (std::int32_t p = 0; p < deps.log->partition_count(topic); ++p) {
      auto mark = deps.log->durable_mark(topic, p);
      if (!mark) return mark.error();
      targets.push_back(log::Position{topic, p, *mark});
    }
  }
  auto projector = deps.projector();
  if (!projector || !projector->wait_until(targets, deps.max_wait)) {
    return Error::unavailable("ProjectorBehind",
                              "the projections have not caught up with the log; retry");
  }
  return {};
}

void add_command_routes(Router& router, CommandDeps deps) {
  add_person_routes(router, deps);
  add_company_routes(router, deps);
  add_run_routes(router, deps);
  router.add(Method::kPost, "/v1/payments/import", {Role::kBatch, Role::kStaff},
             idempotent(deps.idempotency,
                        [deps](const RequestContext& ctx) { return import_file(deps, ctx); }));
  router.add(Method::kPost, "/v1/suspense/match", {Role::kStaff},
             idempotent(deps.idempotency,
                        [deps](const RequestContext& ctx) { return match_suspense(deps, ctx); }));
  router.add(Method::kGet, "/v1/suspense", {Role::kStaff},
             [deps](const RequestContext& ctx) { return list_suspense(deps, ctx); });
}

}  // namespace kassa::http
