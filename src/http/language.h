#pragma once
// The languages Kassa's answers speak to people — French, Dutch and
// English, the fund's and its staff's — and the choice among them from a
// request's Accept-Language (RFC 9110 12.5.4). Used where an answer holds
// words rather than data: a statement's descriptions in CSV.
//
// Thread-safety: pure functions.

#include <string_view>

namespace kassa::http {

enum class Language { kEn, kFr, kNl };

// "en", "fr", "nl" (the Content-Language of an answer).
std::string_view language_tag(Language language);

// The language of highest weight among English, French and Dutch: a range
// names one by its primary subtag ("fr", "fr-BE", "NL-be"); "*" names any
// not named otherwise; q=0 refuses one. Between equal weights the range
// listed first wins; a range with a malformed weight counts for nothing; a
// header naming none of them, or none, gives English. Never fails: a
// language is a preference.
Language negotiate_language(std::string_view accept_language);

}  // namespace kassa::http
