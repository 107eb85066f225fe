#include "domain/party_id.h"

namespace kassa::domain {

namespace {

bool lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

}  // namespace

Result<PartyId> PartyId::parse(std::string_view text, std::string_view field) {
  bool ok = text.size() == 33 && text[0] == 'P';
  for (std::size_t i = 1; ok && i < text.size(); ++i) ok = lower_hex(text[i]);
  if (!ok) {
    const std::string f(field);
    return Error::invalid(f, "PartyIdFormat",
                          f + ": a PartyId is \"P\" followed by 32 lowercase hex digits");
  }
  return PartyId(std::string(text));
}

PartyId PartyId::of_uuid(const std::array<std::uint8_t, 16>& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text = "P";
  text.reserve(33);
  for (std::uint8_t b : bytes) {
    text += kHex[b >> 4];
    text += kHex[b & 0x0F];
  }
  return PartyId(std::move(text));
}

}  // namespace kassa::domain
