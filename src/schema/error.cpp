#include "schema/error.hpp"

#include <stdexcept>

namespace heimdall::schema {

int http_status(const Error& error) {
  if (error.upstream_status && *error.upstream_status >= 400 && *error.upstream_status <= 599) {
    return *error.upstream_status;
  }
  switch (error.code) {
    case ErrorCode::InvalidArgument: return 400;
    case ErrorCode::Unauthenticated: return 401;
    case ErrorCode::BillingRequired: return 402;
    case ErrorCode::PermissionDenied: return 403;
    case ErrorCode::NotFound: return 404;
    case ErrorCode::Conflict: return 409;
    case ErrorCode::PayloadTooLarge: return 413;
    case ErrorCode::Unprocessable: return 422;
    case ErrorCode::ResourceExhausted: return 429;
    case ErrorCode::Internal: return 500;
    case ErrorCode::BadGateway: return 502;
    case ErrorCode::Unavailable: return 503;
    case ErrorCode::DeadlineExceeded: return 504;
    case ErrorCode::Overloaded: return 529;
  }
  return 500;
}

ErrorCode code_from_status(int status) {
  switch (status) {
    case 400: return ErrorCode::InvalidArgument;
    case 401: return ErrorCode::Unauthenticated;
    case 402: return ErrorCode::BillingRequired;
    case 403: return ErrorCode::PermissionDenied;
    case 404: return ErrorCode::NotFound;
    case 409: return ErrorCode::Conflict;
    case 413: return ErrorCode::PayloadTooLarge;
    case 422: return ErrorCode::Unprocessable;
    case 429: return ErrorCode::ResourceExhausted;
    case 502: return ErrorCode::BadGateway;
    case 503: return ErrorCode::Unavailable;
    case 504: return ErrorCode::DeadlineExceeded;
    case 529: return ErrorCode::Overloaded;
    default: break;
  }
  return status >= 500 ? ErrorCode::Internal : ErrorCode::InvalidArgument;
}

bool is_retryable(const Error& error) {
  switch (error.code) {
    case ErrorCode::ResourceExhausted:
    case ErrorCode::Internal:
    case ErrorCode::BadGateway:
    case ErrorCode::Unavailable:
    case ErrorCode::DeadlineExceeded:
    case ErrorCode::Overloaded:
      return true;
    default:
      return false;
  }
}

void throw_exception_from_error(const Error& error, const boost::source_location&) {
  throw std::runtime_error(error.message);
}

}  // namespace heimdall::schema
