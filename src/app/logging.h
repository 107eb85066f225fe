#pragma once
// Structured logging for kassad and kassa: one line per record, in logfmt
// (the default) or JSON lines (KASSA_LOG_FORMAT=json, kassad --log-format).
//
// Code logs a short text then key=value fields, as in
//   spdlog::info("projector batch failed rule={} error={}", rule, message);
// and the formatter makes every line valid whatever the values hold: the
// text becomes msg, each key=value a field; a value runs to the next
// " key=" (or is the quoted string the code wrote), and is quoted and
// escaped where logfmt needs it. librdkafka's and RocksDB's messages go
// through the same logger. Never log personal data: log the pseudonymous
// PartyId instead.
//
// Thread-safety: init_logging() once at start; render_log_line is pure.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kassa::app {

enum class LogFormat { kLogfmt, kJson };

// "logfmt" or "json"; false for anything else.
bool parse_log_format(std::string_view text, LogFormat* out);

// level: trace, debug, info, warn, error. Logs go to stderr. `format`
// empty: KASSA_LOG_FORMAT, else logfmt (a value that is neither ends the
// program with a message naming the variable).
void init_logging(const std::string& program, const std::string& level,
                  const std::string& format = "");

// A message split into its text and its key=value fields.
struct LogFields {
  std::string msg;
  std::vector<std::pair<std::string, std::string>> fields;
};
LogFields split_log_message(std::string_view message);

// One line (without the newline): ts, level, logger, msg, then the fields.
std::string render_log_line(LogFormat format, std::string_view ts, std::string_view level,
                            std::string_view logger, std::string_view message);

}  // namespace kassa::app
