#pragma once
// Internal to src/http: the fields of a JSON request body read through the
// domain's value types, for every route that takes a body (the commands,
// and the queries by POST: a search, a NISS lookup). A missing or invalid
// field is Error::invalid naming the field and the rule; nothing here
// decides anything the domain does.
//
// Thread-safety: plain functions.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/appeal.h"
#include "domain/category.h"
#include "domain/date.h"
#include "domain/iban.h"
#include "domain/money.h"
#include "domain/party_id.h"
#include "domain/quarter.h"
#include "domain/result.h"
#include "schemas/personal_data_generated.h"

namespace kassa::http::fields {

namespace d = kassa::domain;
using nlohmann::json;

Status require_object(const json& body);
// A non-empty string.
Result<std::string> req_str(const json& b, const char* field);
Result<std::optional<std::string>> opt_str(const json& b, const char* field);
Result<bool> opt_bool(const json& b, const char* field, bool fallback);
// An integer in [min, max].
Result<std::int64_t> req_int(const json& b, const char* field, std::int64_t min, std::int64_t max);
Result<int> year_field(const json& b, const char* field = "year");
Result<d::Date> date_field(const json& b, const char* field);
Result<std::optional<d::Date>> opt_date(const json& b, const char* field);
// Amounts are decimal strings ("1234.56"), never JSON numbers.
Result<d::Money> money_field(const json& b, const char* field);
Result<std::optional<d::Money>> opt_money(const json& b, const char* field);
Result<d::Quarter> quarter_field(const json& b, const char* field);
Result<std::optional<d::Quarter>> opt_quarter(const json& b, const char* field);
// A non-empty array of quarters ("2025-Q1").
Result<std::vector<d::Quarter>> quarters_field(const json& b, const char* field = "quarters");
Result<std::optional<d::Iban>> opt_iban(const json& b, const char* field);
// An address, {street, number, box, postal_code, city, country}, each
// part a string or absent; an error names the part ("address.city"). The
// domain checks the values (ChangePersonalData's AddressFormat).
Result<std::optional<schemas::AddressT>> opt_address(const json& b, const char* field);
// The parts an address takes, in that order: the ones openapi.json's
// address schemas document (tests/http/openapi_test.cpp holds them equal).
const std::array<std::string_view, 6>& address_parts();
// A refusal or an undue-amount claim's reason, appeal body and deadline.
Result<d::AppealInfo> appeal_field(const json& b);
// "BridgingRight" -> "bridging_right".
std::string snake(std::string_view pascal);
// "HelpingSpouse" or "helping_spouse" -> "helping-spouse".
std::string kebab(std::string_view name);
// A category as the API spells it anywhere ("helping-spouse",
// "helping_spouse", "HelpingSpouse").
Result<d::Category> category_field(const std::string& text, const char* field);

// A schema enum by its name in snake_case ("bridging_right") or as in the
// schema ("BridgingRight"); absent: `fallback`.
template <typename E, std::size_t N>
Result<E> enum_field(const json& b, const char* field, E fallback, const E (&values)[N],
                     const char* (*name_of)(E)) {
  KASSA_ASSIGN_OR_RETURN(auto t, opt_str(b, field));
  if (!t.has_value()) return fallback;
  std::string allowed;
  for (E v : values) {
    const std::string name = name_of(v);
    const std::string snake_name = snake(name);
    // The schema's name, snake_case (openapi.json) or kebab-case (how
    // answers spell values, "not-starter").
    if (*t == name || *t == snake_name || *t == kebab(name)) return v;
    allowed += (allowed.empty() ? "" : ", ") + snake_name;
  }
  return Error::invalid(field, "UnknownValue", std::string(field) + " must be one of: " + allowed);
}

// A PartyId in a body field (400 PartyIdFormat naming it).
Result<d::PartyId> party_field(const json& b, const char* field);

}  // namespace kassa::http::fields
