#pragma once
// A small, reproducible stream with one event of every EventBody type: a
// person's whole life (registration to erasure), a company, and the fund's
// suspense items. Shared by the codec tests and the golden-file generator.
// Fixed seed, fixed clock: the same inputs give the same bytes.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "log/event_codec.h"
#include "log/personal_data.h"

namespace kassa::log::testing {

inline constexpr std::uint64_t kGoldenSeed = 20250106;
inline constexpr const char* kCompanyNumber = "0566988259";
inline constexpr const char* kSampleNiss = "93051822361";  // DOMAIN.md example

std::int32_t days(int y, unsigned m, unsigned d);  // days since 1970-01-01

struct SampleStream {
  std::vector<EncodedEvent> events;   // in log order
  std::string person;                 // the person's PartyId
  std::vector<std::string> subjects;  // every subject a key was created for
};

// Creates keys in `keys` for every subject; draws ids, keys and nonces from
// `random`.
SampleStream build_sample_stream(KeyStore& keys, Random& random);

// Appends chained events for any aggregate: tracks sequence and prev_hash.
class StreamWriter {
 public:
  explicit StreamWriter(Random& random, std::int64_t start_us)
      : random_(random), clock_us_(start_us) {}
  using BodyFn = std::function<schemas::EventBodyUnion(const Uuid& event_id)>;
  const EncodedEvent& append(schemas::AggregateKind kind, const std::string& key,
                             std::int32_t effective_days, std::uint16_t effective_quarter,
                             const BodyFn& body);
  std::vector<EncodedEvent> take() { return std::move(events_); }

 private:
  Random& random_;
  std::int64_t clock_us_;
  std::map<std::string, std::pair<std::uint64_t, Hash>> tips_;
  std::vector<EncodedEvent> events_;
  Uuid correlation_;
};

template <typename T>
schemas::EventBodyUnion body(T value) {
  schemas::EventBodyUnion u;
  u.Set(std::move(value));
  return u;
}

}  // namespace kassa::log::testing
