#pragma once
// Randomness and libsodium start-up for the log module.
//
// Random is an input, like the clock: production code passes SodiumRandom
// (randombytes_buf); tests and the golden-file generator pass SeededRandom so
// that event ids, nonces and keys are reproducible.
//
// Thread-safety: SodiumRandom is stateless and safe from any thread;
// SeededRandom is a plain value, one thread at a time.

#include <array>
#include <cstdint>
#include <span>

namespace kassa::log {

// Calls sodium_init() once (thread-safe); aborts if libsodium cannot start.
void ensure_sodium();

class Random {
 public:
  virtual ~Random() = default;
  virtual void fill(std::span<std::uint8_t> out) = 0;
};

class SodiumRandom final : public Random {
 public:
  void fill(std::span<std::uint8_t> out) override;
};

// The process-wide SodiumRandom (stateless, so sharing it is harmless).
Random& system_random();

// Deterministic stream: block i = randombytes_buf_deterministic(
//   BLAKE2b-256(seed || i as u64 little-endian)). Never for production keys.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed);
  void fill(std::span<std::uint8_t> out) override;

 private:
  std::array<std::uint8_t, 32> seed_{};
  std::uint64_t counter_ = 0;
};

}  // namespace kassa::log
