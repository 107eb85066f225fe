#include "domain/iban.h"

#include "domain/identifier_text.h"

namespace kassa::domain {

Result<Iban> Iban::parse(std::string_view text, std::string_view field) {
  const std::string f(field);
  std::string compact = detail::without(text, " ");
  for (char& c : compact) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  if (compact.size() >= 2 && compact.substr(0, 2) != "BE" && compact[0] >= 'A' &&
      compact[0] <= 'Z' && compact[1] >= 'A' && compact[1] <= 'Z') {
    return Error::invalid(
        f, "IbanCountry",
        f + ": only Belgian (BE) accounts are accepted, got " + compact.substr(0, 2));
  }
  if (compact.size() != 16 || compact.substr(0, 2) != "BE" ||
      !detail::all_digits(std::string_view(compact).substr(2))) {
    return Error::invalid(f, "IbanFormat", f + ": a Belgian IBAN is BE followed by 14 digits");
  }
  // ISO 7064: move country and check to the end, letters as 10..35, mod 97.
  // B = 11, E = 14.
  const std::string rearranged = compact.substr(4) + "1114" + compact.substr(2, 2);
  unsigned remainder = 0;
  for (char c : rearranged) remainder = (remainder * 10 + static_cast<unsigned>(c - '0')) % 97;
  if (remainder != 1) {
    return Error::invalid(f, "IbanCheckDigits", f + ": check digits do not match (mod 97 = 1)");
  }
  return Iban(std::move(compact));
}

std::string Iban::display() const {
  std::string out;
  for (std::size_t i = 0; i < text_.size(); ++i) {
    if (i > 0 && i % 4 == 0) out += ' ';
    out += text_[i];
  }
  return out;
}

}  // namespace kassa::domain
