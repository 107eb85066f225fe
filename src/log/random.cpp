#include "log/random.h"

#include <sodium.h>

#include "domain/result.h"

namespace kassa::log {

void ensure_sodium() {
  static const int rc = sodium_init();  // 0 = started, 1 = already started
  KASSA_ASSERT(rc >= 0, "libsodium failed to initialise");
}

void SodiumRandom::fill(std::span<std::uint8_t> out) {
  ensure_sodium();
  randombytes_buf(out.data(), out.size());
}

Random& system_random() {
  static SodiumRandom random;
  return random;
}

SeededRandom::SeededRandom(std::uint64_t seed) {
  ensure_sodium();
  std::array<std::uint8_t, 8> le{};
  for (std::size_t i = 0; i < le.size(); ++i) le[i] = static_cast<std::uint8_t>(seed >> (8 * i));
  crypto_generichash(seed_.data(), seed_.size(), le.data(), le.size(), nullptr, 0);
}

void SeededRandom::fill(std::span<std::uint8_t> out) {
  std::array<std::uint8_t, 40> input{};
  std::copy(seed_.begin(), seed_.end(), input.begin());
  for (std::size_t i = 0; i < 8; ++i)
    input[32 + i] = static_cast<std::uint8_t>(counter_ >> (8 * i));
  ++counter_;
  std::array<std::uint8_t, randombytes_SEEDBYTES> block_seed{};
  crypto_generichash(block_seed.data(), block_seed.size(), input.data(), input.size(), nullptr, 0);
  randombytes_buf_deterministic(out.data(), out.size(), block_seed.data());
}

}  // namespace kassa::log
