#include "domain/name_words.h"

#include <algorithm>
#include <cstdint>
#include <iterator>

#include "domain/utf8.h"

namespace kassa::domain {

namespace {

// The letters of the blocks scripts/gen-name-fold covers, folded.
struct Folded {
  std::uint32_t cp;
  const char* text;
};
constexpr Folded kFolded[] = {
#include "domain/name_fold_table.inc"
};

bool in_folded_blocks(std::uint32_t cp) {
  return (cp >= 0x00C0 && cp <= 0x024F) || (cp >= 0x0370 && cp <= 0x03FF) ||
         (cp >= 0x0400 && cp <= 0x04FF) || (cp >= 0x1E00 && cp <= 0x1EFF);
}

// What a code point adds to a word: its folded letters ("" for a combining
// accent); nullptr when it separates words; "=" when it is kept as written.
const char* fold(std::uint32_t cp) {
  if (cp < 0x80) return nullptr;  // ASCII letters and digits are handled by the caller
  if (in_folded_blocks(cp)) {
    const auto* end = std::end(kFolded);
    const auto* at = std::lower_bound(std::begin(kFolded), end, cp,
                                      [](const Folded& f, std::uint32_t c) { return f.cp < c; });
    return at != end && at->cp == cp ? at->text : nullptr;  // not a letter: a separator
  }
  if (cp < 0xC0) return nullptr;              // Latin-1 punctuation, no-break space
  if (cp >= 0x300 && cp <= 0x36F) return "";  // combining accents (decomposed é)
  // Other scripts' letters are kept as written; punctuation, symbols and
  // spaces of the general blocks separate.
  if (cp >= 0x2000 && cp <= 0x2BFF) return nullptr;  // general punctuation, symbols
  if (cp >= 0x3000 && cp <= 0x303F) return nullptr;  // CJK punctuation
  if (cp == 0xFEFF || (cp >= 0xFE00 && cp <= 0xFE0F)) return nullptr;
  return "=";
}

}  // namespace

std::vector<std::string> name_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  const auto end_word = [&] {
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
  };
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      word += c;
      ++i;
      continue;
    }
    if (c >= 'A' && c <= 'Z') {
      word += static_cast<char>(c - 'A' + 'a');
      ++i;
      continue;
    }
    std::uint32_t cp = 0;
    const std::size_t n = utf8_decode(text, i, cp);
    if (n == 0) {
      end_word();
      ++i;
      continue;
    }
    const char* folded = fold(cp);
    if (folded == nullptr) {
      end_word();
    } else if (folded[0] == '=' && folded[1] == '\0') {
      word.append(text.substr(i, n));
    } else {
      word += folded;
    }
    i += n;
  }
  end_word();
  return words;
}

std::vector<std::string> index_words(std::string_view first_name, std::string_view last_name) {
  std::vector<std::string> out;
  for (std::string_view name : {first_name, last_name}) {
    auto words = name_words(name);
    if (words.size() > 1) {
      std::string joined;
      for (const auto& w : words) joined += w;
      out.push_back(std::move(joined));
    }
    for (auto& w : words) out.push_back(std::move(w));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace kassa::domain
