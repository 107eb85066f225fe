#pragma once
// kassa::Result<T> — expected failures as values, shaped like std::expected
// (GCC 12 has none in C++20). Every fallible function in Kassa returns one.
//
// An Error names what went wrong in three parts a person can act on:
//   code  — the category (one table in src/http maps it to an HTTP status);
//   rule  — the rule that was enforced, a stable PascalCase name
//           ("NissCheckDigits", "QuarterAlreadyAssessed");
//   field — the input field at fault, when there is one ("niss", "income");
//   message — a human sentence naming the field and the rule.
//
// Thread-safety: plain values.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace kassa {

enum class Errc {
  kInvalidArgument,  // malformed or out-of-range input
  kNotFound,         // the thing asked for does not exist
  kConflict,         // the request contradicts what is already recorded
  kRuleViolation,    // well-formed, but the law or our policy forbids it
  kUnavailable,      // a dependency (broker, disk) failed; retry may work
  kCorrupt,          // stored data failed verification
  kInternal,         // a bug; should never reach a caller
};

const char* to_string(Errc code);

struct Error {
  Errc code = Errc::kInternal;
  std::string rule;
  std::string field;
  std::string message;

  static Error invalid(std::string field, std::string rule, std::string message) {
    return {Errc::kInvalidArgument, std::move(rule), std::move(field), std::move(message)};
  }
  static Error violation(std::string rule, std::string message, std::string field = {}) {
    return {Errc::kRuleViolation, std::move(rule), std::move(field), std::move(message)};
  }
  static Error not_found(std::string rule, std::string message, std::string field = {}) {
    return {Errc::kNotFound, std::move(rule), std::move(field), std::move(message)};
  }
  static Error conflict(std::string rule, std::string message, std::string field = {}) {
    return {Errc::kConflict, std::move(rule), std::move(field), std::move(message)};
  }
  static Error unavailable(std::string rule, std::string message) {
    return {Errc::kUnavailable, std::move(rule), {}, std::move(message)};
  }
  static Error corrupt(std::string rule, std::string message) {
    return {Errc::kCorrupt, std::move(rule), {}, std::move(message)};
  }
  static Error internal(std::string message) {
    return {Errc::kInternal, "Internal", {}, std::move(message)};
  }
};

// Bugs abort; never use for input. Defined here so every module has it.
[[noreturn]] void assert_fail(const char* cond, const char* msg, const char* file, int line);
#define KASSA_ASSERT(cond, msg) \
  ((cond) ? static_cast<void>(0) : ::kassa::assert_fail(#cond, msg, __FILE__, __LINE__))

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok()
  T& value() & {
    check_ok();
    return std::get<0>(v_);
  }
  const T& value() const& {
    check_ok();
    return std::get<0>(v_);
  }
  // By value, so `for (auto& x : f().value())` never dangles.
  T value() && {
    check_ok();
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // REQUIRES: !ok()
  const Error& error() const {
    KASSA_ASSERT(!ok(), "Result::error() on a value");
    return std::get<1>(v_);
  }

  template <typename U>
  T value_or(U&& fallback) const& {
    return ok() ? std::get<0>(v_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  void check_ok() const { KASSA_ASSERT(ok(), "Result::value() on an error"); }
  std::variant<T, Error> v_;
};

// Result<void>: success carries nothing.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    KASSA_ASSERT(!ok_, "Result::error() on success");
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

// Propagates an error from an expression returning a Result.
#define KASSA_TRY(expr)                                            \
  do {                                                             \
    auto&& kassa_try_result_ = (expr);                             \
    if (!kassa_try_result_.ok()) return kassa_try_result_.error(); \
  } while (0)

// Declares (or assigns) `lhs` from the value of an expression returning a
// Result<T>, or returns its error from the enclosing function:
//
//   KASSA_ASSIGN_OR_RETURN(auto niss, Niss::parse(text, "niss"));   // niss is a Niss
//   KASSA_ASSIGN_OR_RETURN(offset, log.append(event));                // an existing variable
//
// instead of `auto r = f(); if (!r) return r.error();` and `*r` after it.
// The expression may contain commas; it is evaluated once.
#define KASSA_ASSIGN_OR_RETURN(lhs, ...) \
  KASSA_ASSIGN_OR_RETURN_IMPL_(KASSA_CONCAT_(kassa_assign_or_return_, __LINE__), lhs, __VA_ARGS__)
#define KASSA_ASSIGN_OR_RETURN_IMPL_(result, lhs, ...) \
  auto result = (__VA_ARGS__);                         \
  if (!result.ok()) return result.error();             \
  lhs = std::move(result).value()
#define KASSA_CONCAT_(a, b) KASSA_CONCAT_INNER_(a, b)
#define KASSA_CONCAT_INNER_(a, b) a##b

}  // namespace kassa
