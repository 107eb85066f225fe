#pragma once
// Names as a search finds them. A person's first and last name are split
// into words folded to lower case without accents, so that "Dewaele",
// "DEWAELE" and "Déwaele" are one word, and the console finds a file from
// what staff type after a phone call.
//
// Folding: A-Z -> a-z; every letter of the Latin (Latin-1, Extended-A and
// -B, Extended Additional), Greek and Cyrillic blocks -> its lower case
// without accents (é, É, ễ -> e; Σ, ς -> σ; Д -> д), ligatures and
// letters without a decomposition to their usual base letters (æ -> ae,
// œ -> oe, ß -> ss, ĳ -> ij, þ -> th, ø -> o, ł -> l): the table
// scripts/gen-name-fold writes from Unicode's data (name_fold_table.inc);
// combining accents (a decomposed é) are dropped; letters of other scripts
// are kept as written (matched exactly). Everything else separates words:
// spaces, hyphens, apostrophes, dots, punctuation, symbols, malformed UTF-8.
//
// Pure: no I/O; the index stores keyed hashes of these words, never the
// words (projections/niss_index.h).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kassa::domain {

// The words of one text, folded, in order, duplicates kept.
std::vector<std::string> name_words(std::string_view text);

// What the index holds for a person: the words of each name, and a name of
// several words also written as one ("Van den Bossche" -> van, den,
// bossche, vandenbossche; "D'Hondt" -> d, hondt, dhondt), so that staff
// find it written either way. Sorted, without duplicates.
std::vector<std::string> index_words(std::string_view first_name, std::string_view last_name);

// Limits of a search text (the HTTP edge refuses beyond them).
inline constexpr std::size_t kMaxSearchWords = 6;
inline constexpr std::size_t kMaxWordBytes = 64;

}  // namespace kassa::domain
