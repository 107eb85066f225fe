#pragma once
// FileSizeLimit — a full disk without privileges: RLIMIT_FSIZE makes every
// write past `bytes` in any file fail (EFBIG, SIGXFSZ ignored) as ENOSPC
// would, for this process, or for another one of the same user (prlimit).
// lift() (or the destructor) gives the room back.

#include <sys/resource.h>
#include <sys/types.h>

#include <csignal>
#include <stdexcept>

namespace kassa::testing {

class FileSizeLimit {
 public:
  // pid 0: this process. A child started later inherits SIGXFSZ ignored.
  explicit FileSizeLimit(rlim_t bytes, pid_t pid = 0) : pid_(pid) {
    ignore_signal();
    if (::prlimit(pid_, RLIMIT_FSIZE, nullptr, &before_) != 0) throw std::runtime_error("prlimit");
    rlimit tight = before_;
    tight.rlim_cur = bytes;
    if (::prlimit(pid_, RLIMIT_FSIZE, &tight, nullptr) != 0) throw std::runtime_error("prlimit");
    active_ = true;
  }
  ~FileSizeLimit() { lift(); }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

  // Writes past the limit fail (EFBIG) instead of killing the writer; a
  // process spawned afterwards inherits it.
  static void ignore_signal() { std::signal(SIGXFSZ, SIG_IGN); }

  void lift() {
    if (active_) (void)::prlimit(pid_, RLIMIT_FSIZE, &before_, nullptr);
    active_ = false;
  }

 private:
  pid_t pid_;
  rlimit before_{};
  bool active_ = false;
};

}  // namespace kassa::testing
