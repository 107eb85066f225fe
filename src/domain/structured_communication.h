#pragma once
// StructuredCommunication: the Belgian structured payment reference
// "+++DDD/DDDD/DDDDD+++" (OGM/VCS). 12 digits; the last two are the first
// ten mod 97, or 97 when that remainder is 0. Kassa generates one per
// payment notice and matches incoming bank payments on it.
//
// Thread-safety: a plain value.

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace kassa::domain {

class StructuredCommunication {
 public:
  // Accepts "+++312/4013/98067+++", "***312/4013/98067***" and "312401398067".
  // Rules: "StructuredCommunicationFormat", "StructuredCommunicationCheckDigits".
  static Result<StructuredCommunication> parse(std::string_view text,
                                               std::string_view field = "communication");
  // The communication for a ten-digit base (0 .. 9'999'999'999);
  // rule "StructuredCommunicationRange" beyond that.
  static Result<StructuredCommunication> generate(std::uint64_t ten_digit_base);

  const std::string& digits() const { return digits_; }  // "312401398067"
  std::string display() const;                           // "+++312/4013/98067+++"

  friend bool operator==(const StructuredCommunication&, const StructuredCommunication&) = default;

 private:
  explicit StructuredCommunication(std::string digits) : digits_(std::move(digits)) {}
  std::string digits_;
};

}  // namespace kassa::domain
