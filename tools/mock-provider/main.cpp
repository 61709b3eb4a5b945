// heimdall-mock-provider: a deterministic fake Anthropic / OpenAI upstream for Heimdall's tests and
// benchmarks (see README.md). Wiring only: flags, server, ready line, signal handling.
#include "mock_handler.hpp"
#include "mock_service.hpp"

#include "http/server.hpp"

#include <CLI/CLI.hpp>

#include <pthread.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <exception>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  CLI::App app{"heimdall-mock-provider: a deterministic fake LLM upstream"};
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  unsigned workers = 1;
  app.add_option("--host", host, "address to bind")->capture_default_str();
  app.add_option("--port", port, "port to bind (0 picks a free one)")->capture_default_str();
  app.add_option("--workers", workers, "worker threads")
      ->check(CLI::Range(1U, 256U))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  // Blocked before the workers start so they inherit the mask and only sigwait below sees the
  // signals.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  heimdall::mock::MockService service;
  heimdall::http::ServerOptions options;
  options.host = host;
  options.port = port;
  options.workers = workers;
  heimdall::http::Server server(options, heimdall::mock::make_handler(service));
  try {
    server.start();
  } catch (const std::exception& e) {
    std::cerr << "mock-provider: " << e.what() << '\n';
    return 1;
  }
  std::cout << "mock-provider listening on " << host << ':' << server.port() << std::endl;

  int sig = 0;
  sigwait(&signals, &sig);
  server.stop(std::chrono::milliseconds(2000));
  server.wait();
  return 0;
}
