// Errors as values across module borders. Every error that reaches a caller is an `Error`; the caller's
// dialect renders it (dialects/*::encode_error) with the HTTP status derived here, so the status a
// caller's SDK sees is decided in exactly one place.
#pragma once

#include <boost/system/result.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace heimdall::schema {

// Abseil's canonical codes, plus the two an LLM gateway needs: Overloaded (Anthropic's 529) and
// UpstreamError (a provider answered with a status we keep verbatim).
enum class ErrorCode {
  InvalidArgument,     // 400: bad input, never retried
  Unauthenticated,     // 401
  BillingRequired,     // 402
  PermissionDenied,    // 403
  NotFound,            // 404
  Conflict,            // 409
  PayloadTooLarge,     // 413
  Unprocessable,       // 422
  ResourceExhausted,   // 429: rate limit, retried after retry-after
  Internal,            // 500
  BadGateway,          // 502: the upstream answered with garbage or closed
  Unavailable,         // 503: transient, may retry or fall back
  DeadlineExceeded,    // 504
  Overloaded,          // 529
};

struct Error {
  ErrorCode code = ErrorCode::Internal;
  // Safe to show to the caller: never a credential, never a prompt.
  std::string message;
  // The provider's own status when the error came from upstream; overrides the code's default status.
  std::optional<int> upstream_status;
  // The provider's own error type string (e.g. "overloaded_error", "insufficient_quota"), kept so the
  // caller's dialect can refine its type when it knows the word.
  std::string upstream_type;
  // Seconds, as the upstream sent it, so the caller's SDK backs off the way the provider asked.
  std::optional<std::string> retry_after;
  std::string provider;

  static Error make(ErrorCode code, std::string message) {
    Error e;
    e.code = code;
    e.message = std::move(message);
    return e;
  }
  static Error invalid(std::string message) {
    return make(ErrorCode::InvalidArgument, std::move(message));
  }
  static Error not_found(std::string message) {
    return make(ErrorCode::NotFound, std::move(message));
  }
  static Error internal(std::string message) {
    return make(ErrorCode::Internal, std::move(message));
  }
};

// The HTTP status a caller receives for this error.
int http_status(const Error& error);
// The code a bare HTTP status stands for (used when mapping upstream errors).
ErrorCode code_from_status(int status);
// Whether another attempt (same or next candidate) may succeed.
bool is_retryable(const Error& error);

// Needed by boost::system::result<T, Error>::value() to throw when the result holds an error.
[[noreturn]] void throw_exception_from_error(const Error& error, const boost::source_location& loc);

template <class T>
using Result = boost::system::result<T, Error>;

}  // namespace heimdall::schema

// Propagates an error from a Result-returning call, binding the value on success. Works in
// coroutines too: `HEIMDALL_TRY_AS(co_return, auto req, decode(body));`.
#define HEIMDALL_CONCAT_INNER(a, b) a##b
#define HEIMDALL_CONCAT(a, b) HEIMDALL_CONCAT_INNER(a, b)
#define HEIMDALL_TRY_AS(ret, lhs, expr)                              \
  auto HEIMDALL_CONCAT(heimdall_try_, __LINE__) = (expr);            \
  if (!HEIMDALL_CONCAT(heimdall_try_, __LINE__)) {                   \
    ret HEIMDALL_CONCAT(heimdall_try_, __LINE__).error();            \
  }                                                                  \
  lhs = std::move(*HEIMDALL_CONCAT(heimdall_try_, __LINE__))
#define HEIMDALL_TRY(lhs, expr) HEIMDALL_TRY_AS(return, lhs, expr)
#define HEIMDALL_CO_TRY(lhs, expr) HEIMDALL_TRY_AS(co_return, lhs, expr)
