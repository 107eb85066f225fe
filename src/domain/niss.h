#pragma once
// Niss: the Belgian national number (NISS/INSZ), 11 digits YYMMDD NNN CC,
// or a BIS number (month + 20 or + 40). Personal data: there is no
// operator<< and no implicit conversion to a string, so it cannot slip into
// a log line; callers ask for digits() or display() explicitly and only where
// the person's own file is shown. Kassa never derives a birth date from it.
//
// Thread-safety: a plain value.

#include <string>
#include <string_view>

#include "domain/result.h"

namespace kassa::domain {

class Niss {
 public:
  // Accepts "93051822361" and the display form "93.05.18-223.61".
  // Rules: "NissFormat" (not 11 digits in either form), "NissDate" (month
  // not 00-12, 20-32 or 40-52, or day over 31), "NissCheckDigits"
  // (CC is neither 97 - n mod 97 nor 97 - (2·10⁹ + n) mod 97).
  static Result<Niss> parse(std::string_view text, std::string_view field = "niss");

  const std::string& digits() const { return digits_; }  // "93051822361"
  std::string display() const;                           // "93.05.18-223.61"
  bool is_bis() const;                                   // month + 20 or + 40

  friend bool operator==(const Niss&, const Niss&) = default;

 private:
  explicit Niss(std::string digits) : digits_(std::move(digits)) {}
  std::string digits_;
};

}  // namespace kassa::domain
