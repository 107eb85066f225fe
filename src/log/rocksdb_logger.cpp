#include "log/rocksdb_logger.h"

#include <rocksdb/env.h>
#include <spdlog/spdlog.h>

#include <cstdarg>
#include <cstdio>

namespace kassa::log {

namespace {

class SpdlogRocksLogger final : public rocksdb::Logger {
 public:
  explicit SpdlogRocksLogger(std::string name)
      : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL), name_(std::move(name)) {}

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
  }
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel()) return;
    char buf[1024];
    va_list copy;
    va_copy(copy, ap);
    std::vsnprintf(buf, sizeof buf, format, copy);
    va_end(copy);
    std::string text(buf);
    // Logged at ERROR each time a database is created (its folder did not
    // exist yet); not an operator's concern.
    if (text.rfind("Error when reading", 0) == 0 && text.find("NotFound") != std::string::npos)
      return;
    for (char& c : text) {
      if (c == '"') c = '\'';
      if (c == '\n') c = ' ';
    }
    const auto to =
        level >= rocksdb::InfoLogLevel::ERROR_LEVEL ? spdlog::level::err : spdlog::level::warn;
    spdlog::log(to, "rocksdb db={} message=\"{}\"", name_, text);
  }

 private:
  std::string name_;
};

}  // namespace

std::shared_ptr<rocksdb::Logger> rocksdb_info_log(std::string db_name) {
  return std::make_shared<SpdlogRocksLogger>(std::move(db_name));
}

}  // namespace kassa::log
