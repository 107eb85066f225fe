#include "log/failed_write.h"

#include <filesystem>

#include <spdlog/spdlog.h>

namespace kassa::log {

FailedWrite::FailedWrite(std::string name, std::string path)
    : name_(std::move(name)), path_(std::move(path)) {}

void FailedWrite::record(const std::string& why) {
  if (!failing()) {
    spdlog::error("store write failed store={} error={}; writes are refused until it is reopened",
                  name_, why);
  }
  why_ = why;
  last_try_ = std::chrono::steady_clock::now();
  failing_.store(true, std::memory_order_release);
}

bool FailedWrite::may_reopen() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_try_ < std::chrono::seconds(1)) return false;
  last_try_ = now;
  std::error_code ec;
  const auto space = std::filesystem::space(path_, ec);
  return ec || space.available >= kRoomToReopen;
}

bool FailedWrite::recover(const std::function<std::string()>& reopen) {
  if (!failing()) return true;
  if (!may_reopen()) return false;
  if (std::string error = reopen(); !error.empty()) {
    spdlog::error("store reopen after a failed write failed store={} error={}", name_, error);
    why_ = std::move(error);
    return false;
  }
  spdlog::info("store reopened after a failed write store={}; writes accepted again", name_);
  why_.clear();
  failing_.store(false, std::memory_order_release);
  return true;
}

std::string FailedWrite::refusal() const {
  return "the " + name_ + "'s last write failed (" + why_ +
         "); writes are refused until it can be written again; nothing was written";
}

}  // namespace kassa::log
