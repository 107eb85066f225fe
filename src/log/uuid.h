#pragma once
// Uuid — a 16-byte identifier in RFC 9562 byte order. Event ids are UUIDv7:
// 48 bits of Unix milliseconds (big-endian), version 7, 74 random bits, so
// ids sort by creation time. The time is passed in (time is an input).
//
// Thread-safety: plain value.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/result.h"
#include "log/random.h"
#include "schemas/common_generated.h"

namespace kassa::log {

class Uuid {
 public:
  Uuid() = default;  // the nil UUID: "no causation", "no correlation"
  explicit Uuid(const std::array<std::uint8_t, 16>& bytes) : bytes_(bytes) {}

  // REQUIRES: 0 <= unix_ms < 2^48.
  static Uuid v7(std::int64_t unix_ms, Random& random);
  // Accepts the canonical 8-4-4-4-12 lowercase or uppercase form.
  static Result<Uuid> parse(std::string_view text);
  static Uuid from_schema(const schemas::Uuid* id);  // nullptr -> nil

  schemas::Uuid to_schema() const;
  std::string to_string() const;  // canonical lowercase 8-4-4-4-12
  std::string hex() const;        // 32 lowercase hex digits
  bool is_nil() const;
  int version() const { return bytes_[6] >> 4; }
  std::int64_t unix_ms() const;  // meaningful for v7 only
  const std::array<std::uint8_t, 16>& bytes() const { return bytes_; }

  friend bool operator==(const Uuid&, const Uuid&) = default;
  friend auto operator<=>(const Uuid&, const Uuid&) = default;

 private:
  std::array<std::uint8_t, 16> bytes_{};
};

// Lowercase hex of any byte range.
std::string to_hex(const std::uint8_t* data, std::size_t size);

}  // namespace kassa::log
