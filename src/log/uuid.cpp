#include "log/uuid.h"

#include <span>

namespace kassa::log {

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string to_hex(const std::uint8_t* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0x0F]);
  }
  return out;
}

Uuid Uuid::v7(std::int64_t unix_ms, Random& random) {
  KASSA_ASSERT(unix_ms >= 0 && unix_ms < (std::int64_t{1} << 48), "UUIDv7 time out of range");
  std::array<std::uint8_t, 16> b{};
  const auto ms = static_cast<std::uint64_t>(unix_ms);
  for (std::size_t i = 0; i < 6; ++i) b[i] = static_cast<std::uint8_t>(ms >> (8 * (5 - i)));
  random.fill(std::span<std::uint8_t>(b.data() + 6, 10));
  b[6] = static_cast<std::uint8_t>(0x70 | (b[6] & 0x0F));  // version 7
  b[8] = static_cast<std::uint8_t>(0x80 | (b[8] & 0x3F));  // variant 10
  return Uuid(b);
}

Result<Uuid> Uuid::parse(std::string_view text) {
  if (text.size() != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' ||
      text[23] != '-') {
    return Error::invalid("uuid", "UuidFormat", "a UUID is 8-4-4-4-12 hex digits");
  }
  std::array<std::uint8_t, 16> b{};
  std::size_t out = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '-') {
      ++i;
      continue;
    }
    const int hi = hex_value(text[i]);
    const int lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) {
      return Error::invalid("uuid", "UuidFormat", "a UUID holds only hex digits and dashes");
    }
    b[out++] = static_cast<std::uint8_t>(hi * 16 + lo);
    i += 2;
  }
  return Uuid(b);
}

Uuid Uuid::from_schema(const schemas::Uuid* id) {
  if (id == nullptr) return Uuid();
  std::array<std::uint8_t, 16> b{};
  for (std::size_t i = 0; i < b.size(); ++i)
    b[i] = id->bytes()->Get(static_cast<flatbuffers::uoffset_t>(i));
  return Uuid(b);
}

schemas::Uuid Uuid::to_schema() const {
  return schemas::Uuid(flatbuffers::span<const std::uint8_t, 16>(bytes_.data(), 16));
}

std::string Uuid::hex() const { return to_hex(bytes_.data(), bytes_.size()); }

std::string Uuid::to_string() const {
  const std::string h = hex();
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

bool Uuid::is_nil() const {
  for (auto byte : bytes_) {
    if (byte != 0) return false;
  }
  return true;
}

std::int64_t Uuid::unix_ms() const {
  std::uint64_t ms = 0;
  for (std::size_t i = 0; i < 6; ++i) ms = (ms << 8) | bytes_[i];
  return static_cast<std::int64_t>(ms);
}

}  // namespace kassa::log
