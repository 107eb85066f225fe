// decide() for a person: the dispatcher, shared helpers and affiliation.
#include "domain/person_decide.h"

#include <algorithm>
#include <cstdint>
#include <variant>

#include "domain/identifier_text.h"
#include "domain/name_words.h"
#include "domain/person_decide_internal.h"
#include "domain/utf8.h"

namespace kassa::domain {

Result<StructuredCommunication> notice_communication(std::uint32_t member_number,
                                                     std::uint32_t counter) {
  if (member_number == 0 || member_number > 9'999'999) {
    return Error::invalid("member_number", "MemberNumberRange",
                          "member_number: must be 1..9999999 (7 digits)");
  }
  if (counter == 0 || counter > 999) {
    return Error::violation("NoticeCounterExhausted",
                            "a person's notice counter runs from 1 to 999");
  }
  return StructuredCommunication::generate(std::uint64_t{member_number} * 1000u + counter);
}

std::optional<std::uint32_t> notice_member_number(const StructuredCommunication& communication) {
  std::uint64_t base = 0;  // the first ten digits
  for (char c : std::string_view(communication.digits()).substr(0, 10)) {
    base = base * 10 + static_cast<std::uint64_t>(c - '0');
  }
  const std::uint64_t number = base / 1000;
  if (number == 0 || number > 9'999'999) return std::nullopt;
  return static_cast<std::uint32_t>(number);
}

int bridging_right_months(int quarters) {
  if (quarters >= 60) return 12;
  if (quarters >= 20) return 6;
  if (quarters >= 8) return 3;
  return 0;
}

int quarters_of_contributions(const PersonState& state) {
  int n = 0;
  for (const auto& [q, line] : state.quarter_lines) {
    if (line.cancelled) continue;
    if (line.dispensed || (line.principal().is_positive() && line.principal_settled())) ++n;
  }
  for (const auto& [q, facts] : state.quarter_facts) {
    if (facts.free_reason && state.affiliated_in(q)) ++n;
  }
  return n;
}

namespace person_decide {

std::vector<std::uint16_t> codes(const std::vector<Quarter>& quarters) {
  std::vector<std::uint16_t> out;
  out.reserve(quarters.size());
  for (auto q : quarters) out.push_back(quarter_code(q));
  return out;
}

Status check_appeal(const AppealInfo& appeal) {
  if (appeal.reason_code.empty() || appeal.reason.empty()) {
    return Error::violation("ReasonRequired", "a refusal or claim needs a reason code and a reason",
                            "appeal.reason");
  }
  if (appeal.appeal_body.empty()) {
    return Error::violation("AppealBodyRequired", "a refusal or claim names the appeal body",
                            "appeal.appeal_body");
  }
  if (!appeal.appeal_deadline) {
    return Error::violation("AppealDeadlineRequired",
                            "a refusal or claim states the appeal deadline",
                            "appeal.appeal_deadline");
  }
  return {};
}

Status require_registered(const PersonState& state) {
  if (!state.registered) {
    return Error::not_found("PersonNotRegistered", "no person is registered under this key");
  }
  return {};
}

Status require_quarters(const std::vector<Quarter>& quarters) {
  if (quarters.empty()) {
    return Error::invalid("quarters", "QuartersRequired", "quarters: name at least one quarter");
  }
  return {};
}

Result<std::string> next_communication(const PersonState& state,
                                       std::uint32_t already_in_decision) {
  auto c =
      notice_communication(state.member_number, state.notices_issued + already_in_decision + 1);
  KASSA_TRY(c);
  return c->digits();
}

Events cancel_from(const PersonState& state, Quarter from, schemas::CancellationReason reason) {
  Events events;
  for (const auto& [q, line] : state.quarter_lines) {
    if (q < from || line.cancelled) continue;
    schemas::ContributionCancelledT b;
    b.quarter = quarter_code(q);
    b.contribution_cents = line.contribution.cents();
    b.fees_cents = line.fees.cents();
    b.reason = reason;
    events.push_back(make(q.first_day(), std::move(b), q));
  }
  return events;
}

// ---- checks of personal data ------------------------------------------------

namespace {

// Code points a line of a letter may not hold: C0 and C1 controls, DEL,
// and the invisible ones that reorder or hide text (zero-width characters,
// bidirectional controls, word joiners, the BOM).
bool forbidden(std::uint32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x200B && cp <= 0x200F) ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF;
}

// Spaces of every width (what a blank field may be made of).
bool space(std::uint32_t cp) {
  return cp == ' ' || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

// A line of text a letter carries: UTF-8 without forbidden code points,
// not only spaces (unless optional and empty), at most `max` characters
// (code points, as JSON Schema's maxLength counts them).
Status text_part(std::string_view value, const std::string& field, std::string_view rule,
                 std::size_t max, bool required) {
  if (value.empty() && !required) return {};
  std::size_t characters = 0;
  bool blank = true;
  for (std::size_t i = 0; i < value.size();) {
    std::uint32_t cp = 0;
    const std::size_t n = utf8_decode(value, i, cp);
    if (n == 0 || forbidden(cp)) {
      return Error::invalid(field, std::string(rule),
                            field + ": UTF-8 text without control or invisible characters");
    }
    blank = blank && space(cp);
    ++characters;
    i += n;
  }
  if (blank) return Error::invalid(field, std::string(rule), field + ": must not be blank");
  if (characters > max) {
    return Error::invalid(field, std::string(rule),
                          field + ": at most " + std::to_string(max) + " characters");
  }
  return {};
}

// A first or last name: a line of at most 100 characters holding a letter
// or a digit (else no search would ever find it).
Status check_name(std::string_view value, const std::string& field) {
  KASSA_TRY(text_part(value, field, "NameFormat", 100, true));
  if (name_words(value).empty()) {
    return Error::invalid(field, "NameFormat", field + ": must hold a letter or a digit");
  }
  return {};
}

Status check_address(const schemas::AddressT& a) {
  KASSA_TRY(text_part(a.street, "address.street", "AddressFormat", 100, true));
  KASSA_TRY(text_part(a.number, "address.number", "AddressFormat", 10, false));
  KASSA_TRY(text_part(a.box, "address.box", "AddressFormat", 10, false));
  KASSA_TRY(text_part(a.postal_code, "address.postal_code", "AddressFormat", 10, true));
  KASSA_TRY(text_part(a.city, "address.city", "AddressFormat", 100, true));
  const auto upper = [](char ch) { return ch >= 'A' && ch <= 'Z'; };
  if (a.country.size() != 2 || !upper(a.country[0]) || !upper(a.country[1])) {
    return Error::invalid("address.country", "AddressFormat",
                          "address.country: an ISO 3166-1 alpha-2 code in capitals (BE)");
  }
  if (a.country == "BE" && (a.postal_code.size() != 4 || a.postal_code[0] == '0' ||
                            !detail::all_digits(a.postal_code))) {
    return Error::invalid("address.postal_code", "AddressFormat",
                          "address.postal_code: a Belgian postal code is 4 digits, 1000-9999");
  }
  return {};
}

// local@domain.tld: one @, no spaces, no empty dot-separated part on
// either side, a dot inside the domain; RFC 5321's lengths in octets (64
// before the @, 254 in all).
Status check_email(std::string_view e) {
  const auto bad = [] {
    return Error::invalid("email", "EmailFormat",
                          "email: an address like name@example.be (one @, a domain with a dot)");
  };
  const auto at = e.find('@');
  if (e.size() > 254 || at == 0 || at == std::string_view::npos || at > 64) return bad();
  const std::string_view local = e.substr(0, at);
  const std::string_view domain = e.substr(at + 1);
  const auto dotted = [](std::string_view part) {
    return !part.empty() && part.front() != '.' && part.back() != '.' &&
           part.find("..") == std::string_view::npos;
  };
  if (!dotted(local) || !dotted(domain) || domain.find('.') == std::string_view::npos ||
      domain.find('@') != std::string_view::npos ||
      e.find_first_of(" \t") != std::string_view::npos) {
    return bad();
  }
  KASSA_TRY(text_part(e, "email", "EmailFormat", 254, true));
  return {};
}

// Digits with the separators people write (spaces . / - and brackets), a
// leading + for an international number; 8 to 15 digits (E.164's most),
// 40 characters in all.
Status check_phone(std::string_view p) {
  std::size_t digits = 0;
  for (std::size_t i = 0; i < p.size() && p.size() <= 40; ++i) {
    const char ch = p[i];
    if (ch >= '0' && ch <= '9') {
      ++digits;
    } else if (!(ch == '+' && i == 0) &&
               std::string_view(" ./-()").find(ch) == std::string_view::npos) {
      digits = 0;
      break;
    }
  }
  if (digits < 8 || digits > 15) {
    return Error::invalid("phone", "PhoneFormat",
                          "phone: 8 to 15 digits, a leading + and the separators . / - ( ) "
                          "and spaces only, 40 characters at most (+32 2 123 45 67)");
  }
  return {};
}

NewEvent personal_change(Date on, std::string reason, schemas::PersonalDataT personal) {
  schemas::PersonalDataChangedT b;
  b.reason_code = std::move(reason);
  auto e = make(on, std::move(b));
  e.personal = std::move(personal);
  return e;
}

}  // namespace

// ---- affiliation -------------------------------------------------------------

Decision handle(const PersonState& s, const RegisterPerson& c, const DecisionContext& ctx) {
  if (s.registered) {
    return Error::conflict("PersonAlreadyRegistered", "this person is already registered");
  }
  if (c.member_number == 0 || c.member_number > 9'999'999) {
    return Error::invalid("member_number", "MemberNumberRange",
                          "member_number: must be 1..9999999 (7 digits)");
  }
  if (c.first_name.empty() || c.last_name.empty()) {
    return Error::invalid("name", "NameRequired", "first_name and last_name are required");
  }
  KASSA_TRY(check_name(c.first_name, "first_name"));
  KASSA_TRY(check_name(c.last_name, "last_name"));
  if (c.address) KASSA_TRY(check_address(*c.address));
  if (c.starter != schemas::StarterStatus::NotStarter && c.category != Category::kMain) {
    return Error::invalid("starter", "StarterMainOnly",
                          "starter: (primo-)starter status exists for the main occupation only");
  }
  const Quarter start_q = Quarter::containing(c.start);
  const Quarter today = Quarter::containing(ctx.business_date);
  if (c.assess_from && *c.assess_from < start_q) {
    return Error::invalid("assess_from", "AssessFromBeforeStart",
                          "assess_from: " + c.assess_from->format() +
                              " is before the start quarter " + start_q.format());
  }
  if (c.assess_from && *c.assess_from > today) {
    return Error::invalid("assess_from", "AssessFromInFuture",
                          "assess_from: " + c.assess_from->format() + " is after " +
                              today.format() + "; the quarters from now on are this fund's");
  }
  // The quarters before this one will be assessed late by the next run:
  // refuse now what that run could not do rather than leave it failing.
  const Quarter first = first_chargeable_quarter(start_q, c.assess_from, ctx.business_date);
  if (first < today) {
    for (int year = first.year(); year <= today.prev().year(); ++year) {
      if (ctx.rulebook.year(year).ok()) continue;
      return Error::violation(
          "StartBeforeRulebook",
          "start: the quarters from " + first.format() +
              " would be assessed, and the rulebook has no contribution figures for " +
              std::to_string(year) +
              "; a member transferred in or taken over says from which quarter this fund "
              "assesses (assess_from)",
          "start");
    }
  }
  schemas::PersonRegisteredT b;
  b.category = to_schema(c.category);
  b.start_days = c.start.to_days();
  if (c.assess_from && *c.assess_from > start_q) b.assess_from = quarter_code(*c.assess_from);
  b.start_quarter = quarter_code(Quarter::containing(c.start));
  b.starter = c.starter;
  b.affiliated_before_start = c.affiliated_before_start;
  b.previous_fund = c.previous_fund;
  b.member_number = c.member_number;
  b.has_account = c.iban.has_value();
  schemas::PersonalDataT personal;
  personal.niss = c.niss.digits();
  personal.first_name = c.first_name;
  personal.last_name = c.last_name;
  if (c.address) personal.address = std::make_unique<schemas::AddressT>(*c.address);
  if (c.iban) personal.iban = c.iban->electronic();
  if (c.birth_date) {
    personal.birth_days = c.birth_date->to_days();
    personal.has_birth_days = true;
  }
  auto e = make(c.start, std::move(b), Quarter::containing(c.start));
  e.personal = std::move(personal);
  Events events;
  events.push_back(std::move(e));
  return events;
}

Decision handle(const PersonState& s, const ChangeCategory& c, const DecisionContext&) {
  KASSA_TRY(require_registered(s));
  if (!s.affiliated_in(c.from)) {
    return Error::violation("QuarterNotAffiliated",
                            c.from.format() + " is outside the person's affiliation", "from");
  }
  Category current = s.category_in(c.from);
  if (current == c.to) return Events{};  // already in force: nothing to record
  auto last = s.last_assessed_quarter();
  if (last && c.from <= *last && !c.correction) {
    return Error::violation("CategoryChangeNotInFuture",
                            "a category change takes effect after the last assessed quarter " +
                                last->format() + " unless it is a correction",
                            "from");
  }
  if (c.correction && c.reason_code.empty()) {
    return Error::invalid("reason_code", "ReasonRequired", "a correction needs a reason code");
  }
  Events events;
  schemas::CategoryChangedT b;
  b.from_category = to_schema(current);
  b.to_category = to_schema(c.to);
  b.from_quarter = quarter_code(c.from);
  b.reason_code = c.reason_code;
  events.push_back(make(c.from.first_day(), std::move(b), c.from));
  if (c.correction) {
    for (auto& e : cancel_from(s, c.from, schemas::CancellationReason::CategoryChange)) {
      events.push_back(std::move(e));
    }
  }
  return events;
}

Decision handle(const PersonState& s, const CeaseActivity& c, const DecisionContext&) {
  KASSA_TRY(require_registered(s));
  const auto& period = s.periods.back();
  if (period.end) {
    return Error::conflict("ActivityAlreadyCeased",
                           "the activity already ended on " + period.end->format());
  }
  if (c.end < period.start) {
    return Error::invalid("end", "EndBeforeStart", "end: before the start of the activity");
  }
  Quarter end_q = Quarter::containing(c.end);
  schemas::ActivityCeasedT b;
  b.end_days = c.end.to_days();
  b.end_quarter = quarter_code(end_q);
  b.reason = c.reason;
  Events events;
  events.push_back(make(c.end, std::move(b), end_q));
  for (auto& e : cancel_from(s, end_q.next(), schemas::CancellationReason::Cessation)) {
    events.push_back(std::move(e));
  }
  return events;
}

Decision handle(const PersonState& s, const RecordDeath& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  if (s.death) return Error::conflict("PersonAlreadyDeceased", "the death is already recorded");
  // A death before the affiliation began would cancel what was never due
  // on a person's own account; after the report it has not happened.
  if (!s.periods.empty() && c.death < s.periods.front().start) {
    return Error::violation("DeathBeforeAffiliation",
                            "death: " + c.death.format() + " is before the affiliation began on " +
                                s.periods.front().start.format(),
                            "death");
  }
  if (ctx.business_date < c.death) {
    return Error::violation(
        "DeathInFuture", "death: " + c.death.format() + " is after " + ctx.business_date.format(),
        "death");
  }
  Quarter dq = Quarter::containing(c.death);
  schemas::PersonDiedT b;
  b.death_days = c.death.to_days();
  b.death_quarter = quarter_code(dq);
  b.reported_days = ctx.business_date.to_days();
  Events events;
  events.push_back(make(c.death, std::move(b), dq));
  // The quarter of death is not due, nor any after it.
  for (auto& e : cancel_from(s, dq, schemas::CancellationReason::Death)) {
    events.push_back(std::move(e));
  }
  return events;
}

Decision handle(const PersonState& s, const EraseRegistrationData& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  if (s.personal_data_erased) return Events{};
  if (c.legal_basis.empty()) {
    return Error::invalid("legal_basis", "LegalBasisRequired", "an erasure names its legal basis");
  }
  schemas::PersonalDataErasedT b;
  b.key_id = c.key_id.empty() ? s.party_id->str() : c.key_id;
  b.legal_basis = c.legal_basis;
  b.requested_days = ctx.business_date.to_days();
  Events events;
  events.push_back(make(ctx.business_date, std::move(b)));
  return events;
}

// ---- personal data -----------------------------------------------------------

Decision handle(const PersonState& s, const ChangePersonalData& c, const DecisionContext& ctx) {
  KASSA_TRY(require_registered(s));
  if (s.personal_data_erased) {
    return Error::conflict("PersonalDataErased",
                           "this person's personal data was erased; there is none to change");
  }
  if (!c.first_name && !c.last_name && !c.address && !c.iban && !c.email && !c.phone) {
    return Error::invalid("body", "NothingToChange",
                          "give at least one of first_name, last_name, address, iban, email, "
                          "phone");
  }
  if (c.first_name) KASSA_TRY(check_name(*c.first_name, "first_name"));
  if (c.last_name) KASSA_TRY(check_name(*c.last_name, "last_name"));
  if (c.address) KASSA_TRY(check_address(*c.address));
  if (c.email) KASSA_TRY(check_email(*c.email));
  if (c.phone) KASSA_TRY(check_phone(*c.phone));

  Events events;
  if (c.first_name || c.last_name) {
    schemas::PersonalDataT p;
    p.first_name = c.first_name.value_or("");
    p.last_name = c.last_name.value_or("");
    events.push_back(personal_change(ctx.business_date, "NameChanged", std::move(p)));
  }
  if (c.address) {
    schemas::PersonalDataT p;
    p.address = std::make_unique<schemas::AddressT>(*c.address);
    events.push_back(personal_change(ctx.business_date, "AddressChanged", std::move(p)));
  }
  if (c.iban) {
    schemas::PersonalDataT p;
    p.iban = c.iban->electronic();
    events.push_back(personal_change(ctx.business_date, "BankAccountChanged", std::move(p)));
  }
  if (c.email || c.phone) {
    schemas::PersonalDataT p;
    p.email = c.email.value_or("");
    p.phone = c.phone.value_or("");
    events.push_back(personal_change(ctx.business_date, "ContactDetailsChanged", std::move(p)));
  }
  return events;
}

}  // namespace person_decide

Result<std::vector<NewEvent>> decide(const PersonState& state, const PersonCommand& command,
                                     const DecisionContext& context) {
  return std::visit(
      [&](const auto& c) -> Result<std::vector<NewEvent>> {
        return person_decide::handle(state, c, context);
      },
      command);
}

}  // namespace kassa::domain
