// The inbound route table: /anthropic/… (Anthropic Messages), /openai/… and /v1/… (OpenAI Chat),
// /health. Maps a route to (dialect, operation) and hands it to the engine; unknown routes and
// requests the server rejected are answered in the dialect their path implies.
#pragma once

#include "engine/gateway.hpp"
#include "http/server.hpp"

#include <boost/asio/awaitable.hpp>

#include <memory>

namespace heimdall::surfaces {

class Router {
 public:
  explicit Router(std::shared_ptr<const engine::Gateway> gateway);

  boost::asio::awaitable<void> handle(http::Request& request, http::ResponseWriter& writer) const;

 private:
  std::shared_ptr<const engine::Gateway> gateway_;
};

}  // namespace heimdall::surfaces
