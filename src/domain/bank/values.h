#pragma once
// The small exact values both statement parsers share: IBANs, Belgian
// structured communications and decimal amounts. Primitive on purpose (the
// domain's Iban / StructuredCommunication / Money are built from these).
//
// Thread-safety: pure functions.

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace kassa::domain::bank {

// Strips spaces, uppercases, and checks an IBAN: two letters, two check
// digits, 11..30 alphanumerics (a Belgian IBAN is exactly 16 characters),
// ISO 7064 mod 97 == 1 (DOMAIN.md §2). Rule: "IbanInvalid".
Result<std::string> normalize_iban(std::string_view text);

// A Belgian structured communication: 12 digits, optionally written
// "+++DDD/DDDD/DDDDD+++" or "***DDD/DDDD/DDDDD***" (spaces allowed). The last
// two digits are the first ten mod 97, or 97 when that is 0 (DOMAIN.md §2).
// Returns the 12 digits. Rule: "StructuredCommunicationInvalid".
Result<std::string> parse_structured_communication(std::string_view text);

// True when `text` has the shape of a structured communication (12 digits
// with the optional decorations above), whatever its check digits.
bool looks_like_structured_communication(std::string_view text);

// Searches a free text (a camt Ustrd, a CODA free communication) for a
// "+++DDD/DDDD/DDDDD+++" or "***DDD/DDDD/DDDDD***" group. Returns its 12
// digits when found (valid or not: the caller checks), else "".
std::string find_structured_communication(std::string_view text);

// A non-negative decimal amount "3044.45" → 304445 cents, exactly (no
// floating point). At most 18 integer digits; decimals beyond the cent must be
// zero ("1.230" is 123 cents, "1.235" is an error, never rounded).
// Rules: "AmountFormat" (empty, sign, comma, letters), "AmountNotInCents",
// "AmountOverflow".
Result<int64_t> parse_decimal_cents(std::string_view text);

// Formats cents as "-1234.56" (for messages and fingerprints).
std::string format_cents(int64_t cents);

// Trims ASCII spaces (and tabs, CR, LF) on both ends.
std::string_view trim(std::string_view text);

}  // namespace kassa::domain::bank
