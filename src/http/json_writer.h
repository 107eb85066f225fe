#pragma once
// JsonWriter: JSON text written straight into one string, for the answers
// that are large and asked often (a five-year statement is ~36 KB, a debt
// view a few KB). Building them as an nlohmann::json tree first cost two
// thirds of kassad's CPU under load (a std::map per object, a string per
// value, then a dump); see docs/benchmarks.md "HTTP".
//
// Contract:
// - The caller nests correctly: every begin_* has its end_*, a key() comes
//   before each value inside an object and never inside an array. A misuse
//   is a bug and asserts (KASSA_ASSERT), in every build.
// - Strings are escaped as RFC 8259 asks ('"', '\\', control characters as
//   \b \f \n \r \t or \u00XX); bytes that are not valid UTF-8 are written as
//   U+FFFD, so the text is always valid JSON (nlohmann's dump would throw).
// - Numbers are integers (money is formatted as a decimal string by
//   domain::Money::format, as in every answer of the API).
// - take() returns the text once the outermost value is closed.
//
// Thread-safety: none; one writer per answer.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace kassa::http {

class JsonWriter {
 public:
  explicit JsonWriter(std::size_t reserve = 4096) { out_.reserve(reserve); }

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);

  JsonWriter& string(std::string_view text);
  JsonWriter& number(std::int64_t n);
  JsonWriter& boolean(bool b);
  JsonWriter& null();
  // A small value already held as a tree (an as-of block, a nested object
  // shared with tree-built answers).
  JsonWriter& value(const nlohmann::json& j);

  // key(name) then the value: the common case inside an object.
  JsonWriter& field(std::string_view name, std::string_view text) { return key(name).string(text); }
  JsonWriter& field(std::string_view name, const char* text) { return key(name).string(text); }
  JsonWriter& field(std::string_view name, const std::string& text) {
    return key(name).string(text);
  }
  JsonWriter& field(std::string_view name, std::int64_t n) { return key(name).number(n); }
  JsonWriter& field(std::string_view name, std::uint32_t n) { return key(name).number(n); }
  JsonWriter& field(std::string_view name, std::int32_t n) { return key(name).number(n); }
  JsonWriter& field(std::string_view name, std::uint64_t n);
  JsonWriter& field(std::string_view name, bool b) { return key(name).boolean(b); }
  JsonWriter& field_null(std::string_view name) { return key(name).null(); }
  // The text, or null when there is none.
  JsonWriter& field(std::string_view name, const std::optional<std::string>& text) {
    return text ? field(name, *text) : field_null(name);
  }

  // The text; REQUIRES: every object and array closed.
  std::string take();

 private:
  enum class Scope : std::uint8_t { kObject, kArray };
  struct Open {
    Scope kind;
    bool first = true;  // nothing written in it yet
  };
  void before_value();
  JsonWriter& begin(Scope kind, char bracket);
  JsonWriter& end(Scope kind, char bracket);
  JsonWriter& scalar(std::string_view text);  // a value written as it is
  void write_escaped(std::string_view text);

  std::string out_;
  std::vector<Open> open_;
  bool after_key_ = false;
  bool done_ = false;
};

}  // namespace kassa::http
