#include "request_log.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace heimdall::mock {

void RequestLog::record(const MockRequest& req) {
  Entry e{std::string(req.method), std::string(req.path()), std::string(req.query()), req.headers,
          std::string(req.body)};
  const std::lock_guard lock(mutex_);
  if (capacity_ == 0) {
    return;
  }
  while (entries_.size() >= capacity_) {
    entries_.pop_front();
  }
  entries_.push_back(std::move(e));
}

std::string RequestLog::to_json() const {
  boost::json::array out;
  const std::lock_guard lock(mutex_);
  out.reserve(entries_.size());
  for (const auto& e : entries_) {
    boost::json::object headers;
    for (const auto& [name, value] : e.headers) {
      if (auto* existing = headers.if_contains(name)) {
        std::string joined(existing->as_string());
        joined.append(", ").append(value);
        *existing = joined;
      } else {
        headers[name] = value;
      }
    }
    out.push_back(boost::json::object{{"method", e.method},
                                      {"path", e.path},
                                      {"query", e.query},
                                      {"headers", std::move(headers)},
                                      {"body", e.body}});
  }
  return boost::json::serialize(out);
}

void RequestLog::clear() {
  const std::lock_guard lock(mutex_);
  entries_.clear();
}

size_t RequestLog::size() const {
  const std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace heimdall::mock
