// Status and Result<T>: errors as values at module boundaries (LevelDB-style, no exceptions).
// A Status carries a code (mapped to HTTP statuses by the API layer) and a human message.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace skald {

enum class Code {
  kOk = 0,
  kInvalidArgument,   // bad input from a client or config: HTTP 400
  kNotFound,          // HTTP 404
  kUnauthorized,      // HTTP 401
  kTooLarge,          // HTTP 413
  kUnprocessable,     // HTTP 422
  kRateLimited,       // HTTP 429
  kCancelled,         // HTTP 499
  kTimeout,           // HTTP 504
  kUnavailable,       // HTTP 503
  kCorruption,        // on-disk data failed a check
  kIOError,           // the OS said no
  kInternal,          // a bug: HTTP 500
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string msg) : code_(code), msg_(std::move(msg)) {}

  static Status Ok() { return Status(); }
  static Status Invalid(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status Corruption(std::string m) { return {Code::kCorruption, std::move(m)}; }
  static Status IOError(std::string m) { return {Code::kIOError, std::move(m)}; }
  static Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }
  static Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return msg_; }
  std::string ToString() const { return ok() ? "OK" : msg_; }

  // Prefixes the message with context ("loading x: " + msg), keeping the code.
  Status Annotate(const std::string& ctx) const {
    return ok() ? *this : Status(code_, ctx + ": " + msg_);
  }

 private:
  Code code_ = Code::kOk;
  std::string msg_;
};

// Result<T>: a value or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}           // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}    // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

#define SKALD_RETURN_IF_ERROR(expr)          \
  do {                                       \
    ::skald::Status _st = (expr);            \
    if (!_st.ok()) return _st;               \
  } while (0)

}  // namespace skald
