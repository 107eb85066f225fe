#include "app/logging.h"

#include <spdlog/formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>

#include "domain/timestamp.h"

namespace kassa::app {

namespace {

bool key_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || c == '_' || (!first && ((c >= '0' && c <= '9') || c == '.'));
}

// Length of "key=" at `at` (0 when there is none): a lowercase key at the
// start of the message or after a space.
std::size_t key_at(std::string_view m, std::size_t at) {
  if (at != 0 && m[at - 1] != ' ') return 0;
  std::size_t i = at;
  while (i < m.size() && key_char(m[i], i == at)) ++i;
  return i > at && i < m.size() && m[i] == '=' ? i - at + 1 : 0;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

void logfmt_value(std::string& out, std::string_view v) {
  bool quote = v.empty();
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
      quote = true;
  }
  if (!quote) {
    out.append(v);
    return;
  }
  out.push_back('"');
  for (char c : v) {
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[16];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out.append(buf);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

class LineFormatter final : public spdlog::formatter {
 public:
  explicit LineFormatter(LogFormat format) : format_(format) {}
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch()).count();
    const std::string ts = domain::Timestamp::from_micros(micros).format();
    const auto level = spdlog::level::to_string_view(msg.level);
    const std::string line =
        render_log_line(format_, ts, std::string_view(level.data(), level.size()),
                        std::string_view(msg.logger_name.data(), msg.logger_name.size()),
                        std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(line.data(), line.data() + line.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<LineFormatter>(format_);
  }

 private:
  LogFormat format_;
};

}  // namespace

bool parse_log_format(std::string_view text, LogFormat* out) {
  if (text == "logfmt")
    *out = LogFormat::kLogfmt;
  else if (text == "json")
    *out = LogFormat::kJson;
  else
    return false;
  return true;
}

LogFields split_log_message(std::string_view m) {
  LogFields out;
  std::size_t i = 0;
  while (i < m.size() && key_at(m, i) == 0) ++i;
  out.msg = std::string(trim(m.substr(0, i)));
  while (i < m.size()) {
    const std::size_t key_len = key_at(m, i);
    std::string key(m.substr(i, key_len - 1));
    std::size_t v = i + key_len;
    std::string value;
    if (v < m.size() && m[v] == '"') {
      // A value the code quoted: up to the closing quote, escapes undone.
      std::size_t j = v + 1;
      for (; j < m.size() && m[j] != '"'; ++j) {
        if (m[j] == '\\' && j + 1 < m.size()) ++j;
        value.push_back(m[j]);
      }
      i = j < m.size() ? j + 1 : j;
      while (i < m.size() && key_at(m, i) == 0) {
        if (m[i] != ' ') value.push_back(m[i]);  // text after the quote stays with it
        ++i;
      }
    } else {
      std::size_t j = v;
      while (j < m.size() && key_at(m, j) == 0) ++j;
      value = std::string(trim(m.substr(v, j - v)));
      i = j;
    }
    out.fields.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

std::string render_log_line(LogFormat format, std::string_view ts, std::string_view level,
                            std::string_view logger, std::string_view message) {
  const LogFields parts = split_log_message(message);
  if (format == LogFormat::kJson) {
    nlohmann::ordered_json j;
    j["ts"] = ts;
    j["level"] = level;
    j["logger"] = logger;
    j["msg"] = parts.msg;
    for (const auto& [k, v] : parts.fields) {
      if (k == "ts" || k == "level" || k == "logger" || k == "msg") continue;
      j[k] = v;
    }
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::string out;
  out.reserve(message.size() + 64);
  out.append("ts=").append(ts).append(" level=").append(level).append(" logger=");
  logfmt_value(out, logger);
  out.append(" msg=");
  logfmt_value(out, parts.msg);
  for (const auto& [k, v] : parts.fields) {
    out.push_back(' ');
    out.append(k).push_back('=');
    logfmt_value(out, v);
  }
  return out;
}

void init_logging(const std::string& program, const std::string& level, const std::string& format) {
  std::string chosen = format;
  if (chosen.empty()) {
    const char* env = std::getenv("KASSA_LOG_FORMAT");
    chosen = env != nullptr && *env != '\0' ? env : "logfmt";
  }
  LogFormat f = LogFormat::kLogfmt;
  if (!parse_log_format(chosen, &f)) {
    std::fprintf(stderr, "KASSA_LOG_FORMAT: '%s' is not a log format (logfmt or json)\n",
                 chosen.c_str());
    std::exit(2);
  }
  spdlog::drop(program);  // kassa sets it up at start, a command may again
  auto logger = spdlog::stderr_logger_mt(program);
  logger->set_formatter(std::make_unique<LineFormatter>(f));
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

}  // namespace kassa::app
