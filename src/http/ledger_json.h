#pragma once
// The account statement and the debt view as JSON, written with JsonWriter
// straight from the read models (projections::StatementPage,
// domain::DebtView): the two answers staff ask for most, and the largest.
// The fields are the ones documented in openapi.json (StatementPage,
// StatementLine, DebtStatus, DebtLine); each write_* writes its fields into
// an object the caller has opened, so the route adds its own (party_id,
// as_of) beside them.
//
// Thread-safety: pure functions of their arguments.

#include <map>
#include <optional>
#include <string>

#include "domain/company_views.h"
#include "domain/person_views.h"
#include "http/json_writer.h"
#include "http/language.h"
#include "projections/statement.h"

namespace kassa::http {

// A debt ("2025-Q1", "2023 regularisation", a company year) -> the stored
// digits of its notice's structured communication.
using Notices = std::map<std::string, std::string>;
Notices notices_of(const std::optional<domain::DebtView>& debt);
Notices notices_of(const std::optional<domain::CompanyView>& company);

// "+++312/4013/98067+++" for stored digits; the digits as stored when they
// are not a valid communication; nullopt for none.
std::optional<std::string> communication_text(const std::string& digits);

// "contribution", "fees", … (the allocation's component names).
std::string_view component_name(schemas::DebtKind kind);

// What a statement line says, for people: "3 % surcharge on 2025-Q1",
// "majoration de 3 % sur 2025-Q1", "verhoging van 3 % op 2025-Q1". The
// JSON answers say it in English; the CSV in the language asked for, its
// amounts written as that language's readers write them ("paiement imputé :
// 2025-Q1 cotisation 1\u202f234,56\u00a0€"; English keeps "1234.56").
std::string describe(const projections::StatementLine& line, Language language = Language::kEn);

void write_statement_fields(JsonWriter& out, const projections::StatementPage& page,
                            const Notices& notices, const std::optional<domain::Date>& from,
                            const std::optional<domain::Date>& to);

void write_debt_fields(JsonWriter& out, const std::optional<domain::DebtView>& debt);

}  // namespace kassa::http
