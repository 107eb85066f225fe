#pragma once
// PartyId: a person's opaque identifier and the key of their aggregate,
// "P" followed by the 32 lowercase hex digits of a UUIDv7 that kassad drew
// when it registered the person (so ids sort by registration time). It is
// never derived from the NISS or any other personal data, so it may appear
// in logs, URLs, topics and the access log.
//
// The one parser and printer of PartyIds: HTTP paths and bodies, the CLI,
// the event codec's aggregate keys, replay and the demo all go through it.
// The parser checks the shape only ("P" + 32 lowercase hex): ids written
// before the version bits were enforced stay readable.
//
// Thread-safety: a plain value.

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace kassa::domain {

class PartyId {
 public:
  // "P" + 32 lowercase hex digits; rule "PartyIdFormat" naming `field`.
  static Result<PartyId> parse(std::string_view text, std::string_view field = "party_id");
  // The PartyId of a UUID's 16 bytes (RFC 9562 byte order).
  static PartyId of_uuid(const std::array<std::uint8_t, 16>& bytes);

  const std::string& str() const { return text_; }  // "P0190f3a1..."

  friend bool operator==(const PartyId&, const PartyId&) = default;
  friend auto operator<=>(const PartyId&, const PartyId&) = default;

 private:
  explicit PartyId(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

}  // namespace kassa::domain
