// Status and Expected<T>: how library code reports errors. Library code never
// prints or exits; the CLI maps ErrorCode to the documented exit codes.
#pragma once

#include <cassert>
#include <exception>
#include <string>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace nnport {

enum class ErrorCode {
  Ok = 0,
  Usage,         // the caller asked for something malformed
  InvalidInput,  // unreadable or invalid model / data file
  Unsupported,   // valid input that uses a feature we cannot handle
  Internal,      // a bug in nnport
  Io,            // could not write an output
  OverBudget,    // the input asks for more memory than the budget allows
};

const char* errorCodeName(ErrorCode code);

class Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }
  template <typename... Args>
  static Status usage(fmt::format_string<Args...> f, Args&&... a) {
    return {ErrorCode::Usage, fmt::format(f, std::forward<Args>(a)...)};
  }
  template <typename... Args>
  static Status invalid(fmt::format_string<Args...> f, Args&&... a) {
    return {ErrorCode::InvalidInput, fmt::format(f, std::forward<Args>(a)...)};
  }
  template <typename... Args>
  static Status unsupported(fmt::format_string<Args...> f, Args&&... a) {
    return {ErrorCode::Unsupported, fmt::format(f, std::forward<Args>(a)...)};
  }
  template <typename... Args>
  static Status internal(fmt::format_string<Args...> f, Args&&... a) {
    return {ErrorCode::Internal, fmt::format(f, std::forward<Args>(a)...)};
  }
  template <typename... Args>
  static Status overBudget(fmt::format_string<Args...> f, Args&&... a) {
    return {ErrorCode::OverBudget, fmt::format(f, std::forward<Args>(a)...)};
  }
  template <typename... Args>
  static Status io(fmt::format_string<Args...> f, Args&&... a) {
    return {ErrorCode::Io, fmt::format(f, std::forward<Args>(a)...)};
  }

  bool isOk() const { return code_ == ErrorCode::Ok; }
  explicit operator bool() const { return isOk(); }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Prefix the message with context ("file.onnx: ..."), keeping the code.
  Status withContext(const std::string& context) const {
    if (isOk()) return *this;
    return {code_, context + ": " + message_};
  }

 private:
  ErrorCode code_ = ErrorCode::Ok;
  std::string message_;
};

template <typename T>
class Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}
  Expected(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).isOk()); }

  bool hasValue() const { return v_.index() == 0; }
  explicit operator bool() const { return hasValue(); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const T& value() const& { return std::get<T>(v_); }
  T& operator*() & { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  Status status() const { return hasValue() ? Status::ok() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

// Thrown where a bug in nnport is found deep inside code that cannot return
// a Status (an attribute read its op record does not allow); the CLI reports
// it as an internal error (exit 5).
class InternalError : public std::exception {
 public:
  explicit InternalError(Status s) : status_(std::move(s)) {}
  const char* what() const noexcept override { return status_.message().c_str(); }
  const Status& status() const { return status_; }

 private:
  Status status_;
};

}  // namespace nnport

#define NNP_CONCAT_INNER(a, b) a##b
#define NNP_CONCAT(a, b) NNP_CONCAT_INNER(a, b)

#define NNP_RETURN_IF_ERROR(expr)                \
  do {                                           \
    ::nnport::Status nnp_status_ = (expr);       \
    if (!nnp_status_.isOk()) return nnp_status_; \
  } while (0)

#define NNP_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.hasValue()) return tmp.status();       \
  lhs = std::move(tmp).value()

#define NNP_ASSIGN_OR_RETURN(lhs, expr) \
  NNP_ASSIGN_OR_RETURN_IMPL(NNP_CONCAT(nnp_expected_, __LINE__), lhs, expr)
