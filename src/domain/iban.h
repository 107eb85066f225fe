#pragma once
// Iban: a Belgian bank account number, "BE" + 14 digits, ISO 7064 mod 97
// = 1. Only BE accounts are accepted: the fund refunds to Belgian accounts.
// Personal data, so no operator<<: callers ask for electronic() or display().
//
// Thread-safety: a plain value.

#include <string>
#include <string_view>

#include "domain/result.h"

namespace kassa::domain {

class Iban {
 public:
  // Accepts "BE68539007547034" and "BE68 5390 0754 7034" (any spaces; letters
  // in either case). Rules: "IbanCountry" (not BE), "IbanFormat" (not 16
  // characters BE + 14 digits), "IbanCheckDigits" (mod 97 is not 1).
  static Result<Iban> parse(std::string_view text, std::string_view field = "iban");

  const std::string& electronic() const { return text_; }  // "BE68539007547034"
  std::string display() const;                             // "BE68 5390 0754 7034"

  friend bool operator==(const Iban&, const Iban&) = default;

 private:
  explicit Iban(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

}  // namespace kassa::domain
