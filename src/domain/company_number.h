#pragma once
// CompanyNumber: the company's number at the Crossroads Bank for
// Enterprises (BCE/KBO), 10 digits starting with 0 or 1, shown 0XXX.XXX.XXX.
// It is also the key of a company's aggregate (not personal data).
//
// Thread-safety: a plain value.

#include <string>
#include <string_view>

#include "domain/result.h"

namespace kassa::domain {

class CompanyNumber {
 public:
  // Accepts "0566988259", "0566.988.259", and either with a "BE" prefix
  // ("BE0566988259", "BE 0566.988.259"). Rules: "CompanyNumberFormat",
  // "CompanyNumberFirstDigit" (must start with 0 or 1),
  // "CompanyNumberCheckDigits" (last two = 97 - first 8 mod 97).
  static Result<CompanyNumber> parse(std::string_view text,
                                     std::string_view field = "company_number");

  const std::string& digits() const { return digits_; }  // "0566988259"
  std::string display() const;                           // "0566.988.259"

  friend bool operator==(const CompanyNumber&, const CompanyNumber&) = default;
  friend auto operator<=>(const CompanyNumber&, const CompanyNumber&) = default;

 private:
  explicit CompanyNumber(std::string digits) : digits_(std::move(digits)) {}
  std::string digits_;
};

}  // namespace kassa::domain
