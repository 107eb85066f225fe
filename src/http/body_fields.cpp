#include "http/body_fields.h"

#include <algorithm>
#include <cctype>
#include <iterator>

namespace kassa::http::fields {

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
                          std::string(field) + " must be between " + std::to_string(min) + " and " +
                              std::to_string(max));
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

Result<std::optional<schemas::AddressT>> opt_address(const json& b, const char* field) {
  KASSA_TRY(require_object(b));
  auto it = b.find(field);
  if (it == b.end() || it->is_null()) return std::optional<schemas::AddressT>{};
  if (!it->is_object()) {
    return Error::invalid(field, "ObjectRequired", std::string(field) + " must be an object");
  }
  schemas::AddressT a;
  // In address_parts()'s order.
  std::string* const into_part[] = {&a.street,      &a.number, &a.box,
                                    &a.postal_code, &a.city,   &a.country};
  for (const auto& [key, value] : it->items()) {
    (void)value;
    const auto& names = address_parts();
    if (std::find(names.begin(), names.end(), key) == names.end()) {
      return Error::invalid(std::string(field) + "." + key, "UnknownField",
                            std::string(field) + "." + key +
                                ": an address has street, number, box, postal_code, city and "
                                "country");
    }
  }
  for (std::size_t i = 0; i < address_parts().size(); ++i) {
    const std::string name(address_parts()[i]);
    std::string* into = into_part[i];
    auto part = opt_str(*it, name.c_str());
    if (!part) {
      Error e = part.error();
      e.field = std::string(field) + "." + e.field;
      e.message = std::string(field) + "." + e.message;
      return e;
    }
    *into = part->value_or("");
  }
  return std::optional<schemas::AddressT>{std::move(a)};
}

const std::array<std::string_view, 6>& address_parts() {
  static constexpr std::array<std::string_view, 6> kParts = {"street",      "number", "box",
                                                             "postal_code", "city",   "country"};
  return kParts;
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

Result<d::PartyId> party_field(const json& b, const char* field) {
  KASSA_ASSIGN_OR_RETURN(auto text, req_str(b, field));
  return d::PartyId::parse(text, field);
}

}  // namespace kassa::http::fields
