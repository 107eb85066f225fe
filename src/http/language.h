#pragma once
// The languages Kassa's answers speak to people — French, Dutch and
// English, the fund's and its staff's — and the choice among them from a
// request's Accept-Language (RFC 9110 12.5.4). Used where an answer holds
// words rather than data: a statement's descriptions in CSV.
//
// Thread-safety: pure functions.

#include <string>
#include <string_view>

#include "domain/money.h"

namespace kassa::http {

enum class Language { kEn, kFr, kNl };

// "en", "fr", "nl" (the Content-Language of an answer).
std::string_view language_tag(Language language);

// The language of highest weight among English, French and Dutch, from an
// Accept-Language value (every such header of a request joined:
// joined_header). A range names a language alone ("fr": its weight, and
// q=0 refuses it) or with a region ("fr-BE", "NL-be": the best such weight
// counts when no lone range outweighs it, and "fr-CH;q=0" refuses only
// fr-CH); "*" weighs the languages no range names. Between equal weights
// the range listed first wins; a malformed weight is 0. A header naming
// none of them, or none, gives English. Never fails: a language is a
// preference.
Language negotiate_language(std::string_view accept_language);

// An amount inside words, as the console shows it to a reader of
// `language`: "1\u202f234,56\u00a0€" (fr), "€\u00a01.234,56" (nl); in
// English the API's own decimal, "1234.56", which the JSON answers'
// descriptions have always carried. Columns of amounts keep the decimal.
std::string amount_words(domain::Money amount, Language language);

}  // namespace kassa::http
