#pragma once
// kassa::domain::Timestamp — an instant, in microseconds since
// 1970-01-01T00:00:00Z (UTC), as every event records it (the envelope's
// recorded_at_us). The one parser and the one printer of instants: HTTP
// (?known_at=, the access log's from/to), the command line (--known-at)
// and replay's reports all go through them.
//
//   parse:  "2025-05-10T12:00:00Z", "2025-05-10T12:00:00.123456Z" (1 to 6
//           fraction digits) or microseconds since 1970 (digits only, at
//           most 18). UTC only ("Z"); hours 0..23, minutes and seconds
//           0..59 (no leap second: no event carries one); the date a real
//           calendar day in years kFirstYear..kLastYear. Rule "TimestampFormat".
//   format: "2025-05-10T12:00:00.000000Z" (always six fraction digits).
//
// Thread-safety: a plain value.

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace kassa::domain {

class Timestamp {
 public:
  static Timestamp from_micros(std::int64_t us) { return Timestamp(us); }
  static Result<Timestamp> parse(std::string_view text, std::string_view field);

  std::int64_t micros() const { return us_; }
  std::string format() const;

  auto operator<=>(const Timestamp&) const = default;

 private:
  explicit Timestamp(std::int64_t us) : us_(us) {}
  std::int64_t us_ = 0;
};

}  // namespace kassa::domain
