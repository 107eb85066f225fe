#include "http/json_writer.h"

#include <charconv>
#include <cstdint>

#include "domain/result.h"
#include "domain/utf8.h"

namespace kassa::http {

void JsonWriter::before_value() {
  KASSA_ASSERT(!done_, "JsonWriter: a value after the outermost one was closed");
  if (open_.empty()) return;
  Open& scope = open_.back();
  if (scope.kind == Scope::kObject) {
    KASSA_ASSERT(after_key_, "JsonWriter: a value inside an object without a key");
    after_key_ = false;
    return;
  }
  if (!scope.first) out_.push_back(',');
  scope.first = false;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  KASSA_ASSERT(!open_.empty() && open_.back().kind == Scope::kObject && !after_key_,
               "JsonWriter: a key outside an object or after another key");
  if (!open_.back().first) out_.push_back(',');
  open_.back().first = false;
  write_escaped(name);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::begin(Scope kind, char bracket) {
  before_value();
  out_.push_back(bracket);
  open_.push_back({kind});
  return *this;
}

JsonWriter& JsonWriter::end(Scope kind, char bracket) {
  KASSA_ASSERT(!open_.empty() && open_.back().kind == kind && !after_key_,
               "JsonWriter: an end without its begin, or after a key");
  out_.push_back(bracket);
  open_.pop_back();
  done_ = open_.empty();
  return *this;
}

JsonWriter& JsonWriter::begin_object() { return begin(Scope::kObject, '{'); }
JsonWriter& JsonWriter::end_object() { return end(Scope::kObject, '}'); }
JsonWriter& JsonWriter::begin_array() { return begin(Scope::kArray, '['); }
JsonWriter& JsonWriter::end_array() { return end(Scope::kArray, ']'); }

JsonWriter& JsonWriter::scalar(std::string_view text) {
  before_value();
  out_.append(text);
  done_ = open_.empty();
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view text) {
  before_value();
  write_escaped(text);
  done_ = open_.empty();
  return *this;
}

JsonWriter& JsonWriter::number(std::int64_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  return scalar(std::string_view(buf, static_cast<std::size_t>(end - buf)));
}

JsonWriter& JsonWriter::field(std::string_view name, std::uint64_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  return key(name).scalar(std::string_view(buf, static_cast<std::size_t>(end - buf)));
}

JsonWriter& JsonWriter::boolean(bool b) { return scalar(b ? "true" : "false"); }

JsonWriter& JsonWriter::null() { return scalar("null"); }

JsonWriter& JsonWriter::value(const nlohmann::json& j) {
  return scalar(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string JsonWriter::take() {
  KASSA_ASSERT(done_ && open_.empty(), "JsonWriter: take() before the value was closed");
  return std::move(out_);
}

void JsonWriter::write_escaped(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out_.push_back('"');
  std::size_t i = 0;
  while (i < text.size()) {
    // The run of bytes that need nothing.
    std::size_t run = i;
    while (run < text.size()) {
      const auto c = static_cast<unsigned char>(text[run]);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
      ++run;
    }
    out_.append(text.data() + i, run - i);
    i = run;
    if (i == text.size()) break;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      std::uint32_t code_point = 0;
      const std::size_t n = domain::utf8_decode(text, i, code_point);
      if (n == 0) {
        out_.append("\xEF\xBF\xBD");  // U+FFFD for a byte that is not UTF-8
        ++i;
      } else {
        out_.append(text.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out_.append("\\\""); break;
      case '\\': out_.append("\\\\"); break;
      case '\b': out_.append("\\b"); break;
      case '\f': out_.append("\\f"); break;
      case '\n': out_.append("\\n"); break;
      case '\r': out_.append("\\r"); break;
      case '\t': out_.append("\\t"); break;
      default:
        out_.append("\\u00");
        out_.push_back(kHex[c >> 4]);
        out_.push_back(kHex[c & 0xF]);
    }
    ++i;
  }
  out_.push_back('"');
}

}  // namespace kassa::http
