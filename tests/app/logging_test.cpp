// Every log line is valid logfmt or JSON, whatever the message's values
// hold (issue 20: `msg=` carried unquoted spaces, so a line like
// "projector batch failed rule=X error=disk full" did not parse).

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "app/logging.h"

using kassa::app::LogFormat;
using kassa::app::render_log_line;
using kassa::app::split_log_message;

TEST_CASE("a message splits into its text and its fields", "[logging]") {
  auto f =
      split_log_message("projector batch failed rule=StoreFull error=disk full: no space left");
  CHECK(f.msg == "projector batch failed");
  REQUIRE(f.fields.size() == 2);
  CHECK(f.fields[0] == std::pair<std::string, std::string>{"rule", "StoreFull"});
  CHECK(f.fields[1] == std::pair<std::string, std::string>{"error", "disk full: no space left"});

  auto q = split_log_message(
      R"(librdkafka client=kassad#producer-1 facility=FAIL message="[thrd:a]: b=c \"d\" failed")");
  CHECK(q.msg == "librdkafka");
  REQUIRE(q.fields.size() == 3);
  CHECK(q.fields[2].second == R"([thrd:a]: b=c "d" failed)");

  auto none = split_log_message("kassad stopping");
  CHECK(none.msg == "kassad stopping");
  CHECK(none.fields.empty());
  auto only = split_log_message("request method=GET route=/health status=200");
  CHECK(only.msg == "request");
  CHECK(only.fields.size() == 3);
  CHECK(split_log_message("").msg.empty());
}

// A minimal logfmt reader: key=value pairs, values bare or quoted.
std::vector<std::pair<std::string, std::string>> read_logfmt(const std::string& line) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t i = 0;
  while (i < line.size()) {
    const std::size_t eq = line.find('=', i);
    REQUIRE(eq != std::string::npos);
    std::string key = line.substr(i, eq - i);
    REQUIRE(key.find(' ') == std::string::npos);
    REQUIRE(key.find('"') == std::string::npos);
    std::string value;
    std::size_t j = eq + 1;
    if (j < line.size() && line[j] == '"') {
      for (++j; j < line.size() && line[j] != '"'; ++j) {
        if (line[j] == '\\') ++j;
        value.push_back(line[j]);
      }
      REQUIRE(j < line.size());  // closed
      ++j;
    } else {
      while (j < line.size() && line[j] != ' ') value.push_back(line[j++]);
    }
    REQUIRE((j == line.size() || line[j] == ' '));
    out.emplace_back(key, value);
    i = j + 1;
  }
  return out;
}

TEST_CASE("every line is valid logfmt and valid JSON", "[logging]") {
  const char* messages[] = {
      "projector batch failed rule=StoreFull error=disk full: no space left",
      "kassad listening url=http://127.0.0.1:8080 journal=kassa-data/journal data_dir=kassa-data",
      R"(librdkafka client=k facility=FAIL message="[thrd:x]: 1/1 brokers are down")",
      "a message = with an equals sign and \"quotes\" and a\nnewline",
      "text with bytes \xff\xfe that are not UTF-8 key=\xc3",
      "",
  };
  for (const char* m : messages) {
    INFO(m);
    const std::string logfmt =
        render_log_line(LogFormat::kLogfmt, "2026-12-06T12:00:00.000000Z", "error", "kassad", m);
    INFO(logfmt);
    CHECK(logfmt.find('\n') == std::string::npos);
    auto pairs = read_logfmt(logfmt);
    REQUIRE(pairs.size() >= 4);
    CHECK(pairs[0].first == "ts");
    CHECK(pairs[1] == std::pair<std::string, std::string>{"level", "error"});
    CHECK(pairs[2] == std::pair<std::string, std::string>{"logger", "kassad"});
    CHECK(pairs[3].first == "msg");

    const std::string json =
        render_log_line(LogFormat::kJson, "2026-12-06T12:00:00.000000Z", "error", "kassad", m);
    auto parsed = nlohmann::json::parse(json, nullptr, false);
    REQUIRE(parsed.is_object());
    CHECK(parsed["level"] == "error");
    CHECK(parsed.contains("msg"));
  }
  const std::string line = render_log_line(LogFormat::kLogfmt, "T", "error", "kassad",
                                           "projector batch failed rule=StoreFull error=disk full");
  CHECK(
      line ==
      R"(ts=T level=error logger=kassad msg="projector batch failed" rule=StoreFull error="disk full")");
  const auto json = nlohmann::json::parse(render_log_line(
      LogFormat::kJson, "T", "info", "kassad", "request method=GET route=/health status=200"));
  CHECK(json == nlohmann::json{{"ts", "T"},
                               {"level", "info"},
                               {"logger", "kassad"},
                               {"msg", "request"},
                               {"method", "GET"},
                               {"route", "/health"},
                               {"status", "200"}});
}
