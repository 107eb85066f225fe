// JsonWriter: the text it writes is the JSON nlohmann reads back, with
// every string escaped and never invalid UTF-8.
#include <catch2/catch.hpp>

#include <random>

#include "http/json_writer.h"

using kassa::http::JsonWriter;
using nlohmann::json;

TEST_CASE("JsonWriter writes nested objects and arrays nlohmann reads back", "[json_writer]") {
  JsonWriter out;
  out.begin_object();
  out.field("balance", "1234.56");
  out.field("line_count", std::uint64_t{18'446'744'073'709'551'615u});
  out.field("offset", std::int64_t{-42});
  out.field("cancelled", false);
  out.field_null("next_cursor");
  out.key("lines").begin_array();
  out.begin_object().field("debt", "2025-Q1").end_object();
  out.begin_array().end_array();
  out.string("x").number(7).boolean(true).null();
  out.end_array();
  out.key("empty").begin_object().end_object();
  out.key("as_of").value(json{{"at", "2025-06-30"}});
  out.end_object();
  const std::string text = out.take();
  CHECK(text ==
        R"({"balance":"1234.56","line_count":18446744073709551615,"offset":-42,"cancelled":false,)"
        R"("next_cursor":null,"lines":[{"debt":"2025-Q1"},[],"x",7,true,null],"empty":{},)"
        R"("as_of":{"at":"2025-06-30"}})");
  const json back = json::parse(text);
  CHECK(back["line_count"].get<std::uint64_t>() == 18'446'744'073'709'551'615u);
  CHECK(back["lines"][0]["debt"] == "2025-Q1");
}

TEST_CASE("JsonWriter escapes what RFC 8259 asks and replaces bytes that are not UTF-8",
          "[json_writer]") {
  const auto written = [](std::string_view s) {
    JsonWriter out;
    out.string(s);
    return out.take();
  };
  CHECK(written("a\"b\\c") == R"("a\"b\\c")");
  CHECK(written("\b\f\n\r\t") == R"("\b\f\n\r\t")");
  CHECK(written(std::string("\x01\x1f\x00", 3)) == R"("\u0001\u001f\u0000")");
  CHECK(written("Liège — 10 €") == "\"Liège — 10 €\"");
  CHECK(written("\xF0\x9F\x98\x80") == "\"\xF0\x9F\x98\x80\"");  // U+1F600
  // Invalid: a lone continuation byte, a truncated sequence, an overlong
  // '/', a surrogate, above U+10FFFF, Latin-1.
  CHECK(written("a\x80z") == "\"a\xEF\xBF\xBDz\"");
  CHECK(written("a\xE2\x82") == "\"a\xEF\xBF\xBD\xEF\xBF\xBD\"");
  CHECK(written("\xC0\xAF") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
  CHECK(written("\xED\xA0\x80") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
  CHECK(written("\xF4\x90\x80\x80") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
  CHECK(written("Li\xE8ge") == "\"Li\xEF\xBF\xBDge\"");
}

TEST_CASE("JsonWriter's strings read back as what was written, for any bytes", "[json_writer]") {
  std::mt19937 rng(20261206);
  for (int round = 0; round < 2000; ++round) {
    std::string s(rng() % 40, '\0');
    for (auto& c : s) c = static_cast<char>(rng() % 256);
    JsonWriter out;
    out.begin_object().field("reference", s).end_object();
    const std::string text = out.take();
    const json back = json::parse(text);  // throws on invalid JSON or UTF-8
    const std::string read = back["reference"].get<std::string>();
    json tree = {{"reference", s}};
    bool valid_utf8 = true;
    try {
      (void)tree.dump();  // nlohmann's strict dump throws on invalid UTF-8
    } catch (const json::type_error&) {
      valid_utf8 = false;
    }
    if (valid_utf8) {
      CHECK(read == s);
      CHECK(text == tree.dump());  // the same text nlohmann writes
    } else {
      CHECK(read.find("\xEF\xBF\xBD") != std::string::npos);
    }
  }
}
