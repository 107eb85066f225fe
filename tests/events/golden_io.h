#pragma once
// Golden-file formats (tests/data/golden/):
//   events-v<N>.bin  records of [u32 little-endian length][frame bytes], in
//                    log order, nothing else;
//   keys-v<N>.txt    one line per subject: "<subject> <64 hex key bytes>".
//                    Test keys only, for fictional test persons.

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "log/personal_data.h"

namespace kassa::log::testing {

inline std::string golden_dir() { return std::string(KASSA_SOURCE_DIR) + "/tests/data/golden"; }

inline bool write_stream(const std::string& path,
                         const std::vector<std::vector<std::uint8_t>>& frames) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  for (const auto& f : frames) {
    const auto n = static_cast<std::uint32_t>(f.size());
    char len[4];
    for (int i = 0; i < 4; ++i) len[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
    out.write(len, 4);
    out.write(reinterpret_cast<const char*>(f.data()), static_cast<std::streamsize>(f.size()));
  }
  return static_cast<bool>(out);
}

// Returns false on a truncated file.
inline bool read_stream(const std::string& path, std::vector<std::vector<std::uint8_t>>& frames) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::vector<char> all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t pos = 0;
  while (pos < all.size()) {
    if (all.size() - pos < 4) return false;
    std::uint32_t n = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      n |= static_cast<std::uint32_t>(static_cast<std::uint8_t>(all[pos + i])) << (8 * i);
    }
    pos += 4;
    if (all.size() - pos < n) return false;
    frames.emplace_back(all.begin() + static_cast<std::ptrdiff_t>(pos),
                        all.begin() + static_cast<std::ptrdiff_t>(pos + n));
    pos += n;
  }
  return true;
}

inline bool write_keys(const std::string& path, const KeyStore& keys,
                       const std::vector<std::string>& subjects) {
  std::ofstream out(path, std::ios::trunc);
  for (const auto& subject : subjects) {
    auto key = keys.get(subject);
    if (!key.ok()) return false;
    out << subject << ' ' << to_hex(key->bytes().data(), key->bytes().size()) << '\n';
  }
  return static_cast<bool>(out);
}

inline bool read_keys(const std::string& path, InMemoryKeyStore& keys) {
  std::ifstream in(path);
  if (!in) return false;
  std::string subject, hex;
  while (in >> subject >> hex) {
    if (hex.size() != DataKey::kSize * 2) return false;
    std::array<std::uint8_t, DataKey::kSize> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      bytes[i] = static_cast<std::uint8_t>(std::stoul(hex.substr(2 * i, 2), nullptr, 16));
    }
    if (!keys.import_key(subject, DataKey(1, bytes)).ok()) return false;
  }
  return true;
}

}  // namespace kassa::log::testing
