#include "domain/company_number.h"

#include "domain/identifier_text.h"

namespace kassa::domain {

Result<CompanyNumber> CompanyNumber::parse(std::string_view text, std::string_view field) {
  const std::string f(field);
  std::string_view rest = text;
  if (rest.size() >= 2 && (rest[0] == 'B' || rest[0] == 'b') &&
      (rest[1] == 'E' || rest[1] == 'e')) {
    rest.remove_prefix(2);
    if (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
  }
  // Dots only in the display positions: 0566.988.259.
  const bool dotted = rest.size() == 12 && rest[4] == '.' && rest[8] == '.';
  std::string digits = dotted ? detail::without(rest, ".") : std::string(rest);
  if (digits.size() != 10 || !detail::all_digits(digits)) {
    return Error::invalid(f, "CompanyNumberFormat",
                          f + ": a company number has 10 digits (0XXX.XXX.XXX, optional BE)");
  }
  if (digits[0] != '0' && digits[0] != '1') {
    return Error::invalid(f, "CompanyNumberFirstDigit",
                          f + ": a company number starts with 0 or 1");
  }
  const std::uint64_t first8 = detail::to_number(std::string_view(digits).substr(0, 8));
  const std::uint64_t check = detail::to_number(std::string_view(digits).substr(8, 2));
  if (97 - first8 % 97 != check) {
    return Error::invalid(f, "CompanyNumberCheckDigits",
                          f + ": check digits do not match (97 - first 8 digits mod 97)");
  }
  return CompanyNumber(std::move(digits));
}

std::string CompanyNumber::display() const {
  return digits_.substr(0, 4) + "." + digits_.substr(4, 3) + "." + digits_.substr(7, 3);
}

}  // namespace kassa::domain
