#include "domain/result.h"

namespace kassa {

const char* to_string(Errc code) {
  switch (code) {
    case Errc::kInvalidArgument: return "invalid_argument";
    case Errc::kNotFound: return "not_found";
    case Errc::kConflict: return "conflict";
    case Errc::kRuleViolation: return "rule_violation";
    case Errc::kUnavailable: return "unavailable";
    case Errc::kCorrupt: return "corrupt";
    case Errc::kInternal: return "internal";
  }
  return "internal";
}

void assert_fail(const char* cond, const char* msg, const char* file, int line) {
  // The domain has no logger; stderr is where an abort's reason belongs.
  std::fprintf(stderr, "KASSA_ASSERT failed: %s (%s) at %s:%d\n", msg, cond, file, line);
  std::abort();
}

}  // namespace kassa
