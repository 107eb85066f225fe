#pragma once
// The key-value vocabulary every projection speaks: column families (Cf),
// a read view (KvView) and a write sink (KvSink), with two implementations
// each: RocksDB (store.h) and in memory (MemKv, for as-of answers and tests).
// Also the byte codec of keys and values: big-endian integers in keys (so
// they sort), a small little-endian Writer/Reader for values.
//
// Thread-safety: MemKv is used by one thread; Writer/Reader are values.

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "domain/date.h"
#include "domain/money.h"
#include "domain/result.h"

namespace kassa::projections {

// One column family per projection, plus the projector's own. The numeric
// values index arrays; the names are the RocksDB column family names.
enum class Cf : std::uint8_t {
  kParties = 0,  // PartyId / company number -> summary
  kStatement,    // account statement lines + per-aggregate header
  kDebt,         // debt status per aggregate + the debtor work list
  kCareer,       // pension career per person
  kCompany,      // company account, directors, joint liability
  kTax,          // yearly tax certificate per person
  kStats,        // statistics per quarter
  kIndex,        // per-aggregate event index (the frames themselves)
  kNiss,         // keyed hash of a NISS -> PartyId
  kState,        // PartyId -> aggregate state snapshot (write side)
  kOffsets,      // topic-partition -> next offset
};
inline constexpr std::size_t kCfCount = 11;
inline constexpr Cf kAllCfs[kCfCount] = {Cf::kParties, Cf::kStatement, Cf::kDebt,   Cf::kCareer,
                                         Cf::kCompany, Cf::kTax,       Cf::kStats,  Cf::kIndex,
                                         Cf::kNiss,    Cf::kState,     Cf::kOffsets};
std::string_view cf_name(Cf cf);
inline std::size_t cf_index(Cf cf) { return static_cast<std::size_t>(cf); }

// Reads of committed (or, in memory, accumulated) data.
class KvView {
 public:
  virtual ~KvView() = default;
  virtual Result<std::optional<std::string>> get(Cf cf, std::string_view key) const = 0;
  // Calls `visit` for each key starting with `prefix`, in key order, from
  // `start` (>= prefix; empty = from the prefix), until it returns false.
  virtual Status scan(
      Cf cf, std::string_view prefix, std::string_view start,
      const std::function<bool(std::string_view key, std::string_view value)>& visit) const = 0;
  Status scan(Cf cf, std::string_view prefix,
              const std::function<bool(std::string_view, std::string_view)>& visit) const {
    return scan(cf, prefix, {}, visit);
  }
};

class KvSink {
 public:
  virtual ~KvSink() = default;
  virtual void put(Cf cf, std::string_view key, std::string_view value) = 0;
  virtual void del(Cf cf, std::string_view key) = 0;
};

// A whole store in memory: sorted maps, one per column family.
class MemKv final : public KvView, public KvSink {
 public:
  Result<std::optional<std::string>> get(Cf cf, std::string_view key) const override;
  Status scan(Cf cf, std::string_view prefix, std::string_view start,
              const std::function<bool(std::string_view, std::string_view)>& visit) const override;
  using KvView::scan;
  void put(Cf cf, std::string_view key, std::string_view value) override;
  void del(Cf cf, std::string_view key) override;
  const std::map<std::string, std::string, std::less<>>& data(Cf cf) const {
    return maps_[cf_index(cf)];
  }

 private:
  std::array<std::map<std::string, std::string, std::less<>>, kCfCount> maps_;
};

// ---- key codec: big-endian so keys sort numerically ------------------------
inline void put_be16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xff));
}
inline void put_be32(std::string& out, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>((v >> s) & 0xff));
}
inline void put_be64(std::string& out, std::uint64_t v) {
  for (int s = 56; s >= 0; s -= 8) out.push_back(static_cast<char>((v >> s) & 0xff));
}
inline std::uint64_t get_be(std::string_view bytes, std::size_t at, std::size_t width) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i) {
    v = (v << 8) | static_cast<std::uint8_t>(bytes[at + i]);
  }
  return v;
}

// A paged list's cursor is the raw store key it stopped at, in lower-case
// hex (log::to_hex). The key a cursor names; nullopt when the text is not
// lower-case hex of an even length (each list checks the key's shape).
inline std::optional<std::string> key_of_cursor(std::string_view cursor) {
  if (cursor.size() % 2 != 0) return std::nullopt;
  const auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string key;
  key.reserve(cursor.size() / 2);
  for (std::size_t i = 0; i < cursor.size(); i += 2) {
    const int hi = digit(cursor[i]);
    const int lo = digit(cursor[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    key.push_back(static_cast<char>(hi * 16 + lo));
  }
  return key;
}

// ---- value codec: fixed-width little-endian fields, length-prefixed strings.
class Writer {
 public:
  Writer& u8(std::uint8_t v) {
    out_.push_back(static_cast<char>(v));
    return *this;
  }
  Writer& u16(std::uint16_t v) { return raw(&v, sizeof v); }
  Writer& u32(std::uint32_t v) { return raw(&v, sizeof v); }
  Writer& i32(std::int32_t v) { return raw(&v, sizeof v); }
  Writer& i64(std::int64_t v) { return raw(&v, sizeof v); }
  Writer& u64(std::uint64_t v) { return raw(&v, sizeof v); }
  Writer& str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out_.append(s.data(), s.size());
    return *this;
  }
  Writer& money(domain::Money m) { return i64(m.cents()); }
  Writer& date(domain::Date d) { return i32(d.to_days()); }
  Writer& opt_date(const std::optional<domain::Date>& d) {
    u8(d ? 1 : 0);
    return i32(d ? d->to_days() : 0);
  }
  Writer& flag(bool b) { return u8(b ? 1 : 0); }
  std::string& bytes() { return out_; }
  std::string take() { return std::move(out_); }

 private:
  Writer& raw(const void* p, std::size_t n) {
    out_.append(static_cast<const char*>(p), n);  // little-endian hosts only
    return *this;
  }
  std::string out_;
};

// Reads what Writer wrote. A short buffer sets failed() and yields zeros,
// so a decoder can read everything and check once.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  std::uint8_t u8() {
    std::uint8_t v = 0;
    raw(&v, 1);
    return v;
  }
  std::uint16_t u16() {
    std::uint16_t v = 0;
    raw(&v, sizeof v);
    return v;
  }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    raw(&v, sizeof v);
    return v;
  }
  std::int32_t i32() {
    std::int32_t v = 0;
    raw(&v, sizeof v);
    return v;
  }
  std::int64_t i64() {
    std::int64_t v = 0;
    raw(&v, sizeof v);
    return v;
  }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    raw(&v, sizeof v);
    return v;
  }
  std::string str() {
    const std::uint32_t n = u32();
    if (failed_ || in_.size() - at_ < n) {
      failed_ = true;
      return {};
    }
    std::string s(in_.substr(at_, n));
    at_ += n;
    return s;
  }
  domain::Money money() { return domain::Money::from_cents(i64()); }
  domain::Date date() { return domain::Date::from_days(i32()); }
  std::optional<domain::Date> opt_date() {
    const bool has = u8() != 0;
    const std::int32_t d = i32();
    return has ? std::optional<domain::Date>(domain::Date::from_days(d)) : std::nullopt;
  }
  bool flag() { return u8() != 0; }
  // An enum stored as u8, refused (failed()) beyond `last`.
  template <typename E>
  E enum_u8(E last) {
    const std::uint8_t v = u8();
    if (v > static_cast<std::uint8_t>(last)) failed_ = true;
    return failed_ ? E{} : static_cast<E>(v);
  }
  bool failed() const { return failed_; }
  bool at_end() const { return at_ == in_.size(); }

 private:
  void raw(void* p, std::size_t n) {
    if (failed_ || in_.size() - at_ < n) {
      failed_ = true;
      std::memset(p, 0, n);
      return;
    }
    std::memcpy(p, in_.data() + at_, n);
    at_ += n;
  }
  std::string_view in_;
  std::size_t at_ = 0;
  bool failed_ = false;
};

// The value under `key`, decoded by `decode` (std::string_view ->
// Result<T>); nullopt when absent.
template <typename T, typename Decode>
Result<std::optional<T>> read_decoded(const KvView& view, Cf cf, std::string_view key,
                                      Decode&& decode) {
  KASSA_ASSIGN_OR_RETURN(auto got, view.get(cf, key));
  if (!got.has_value()) return std::optional<T>();
  Result<T> value = decode(*got);
  if (!value.ok()) return value.error();
  return std::optional<T>(std::move(value).value());
}

// Hex of bytes (lowercase).
std::string to_hex(std::string_view bytes);

}  // namespace kassa::projections
