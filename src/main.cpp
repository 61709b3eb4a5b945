// heimdall: the gateway binary. Wiring only: flags (Bifrost's, single or double dash), logging,
// configuration, the server and the signal-driven graceful stop.
#include "config/config.hpp"
#include "engine/gateway.hpp"
#include "engine/runtime.hpp"
#include "http/server.hpp"
#include "log_setup.hpp"
#include "surfaces/router.hpp"

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#if HEIMDALL_MIMALLOC
#include <mimalloc.h>
#else
#include <malloc.h>
#endif

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace {

// Bifrost's flags are Go-style: `-app-dir DIR` and `--app-dir DIR` mean the same. CLI11 reads only
// the double-dash form for long names, so single-dash long names are rewritten before parsing.
std::vector<std::string> normalise_flags(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.size() > 2 && arg[0] == '-' && arg[1] != '-' && !std::isdigit(arg[1])) {
      arg.insert(0, "-");
    }
    args.push_back(std::move(arg));
  }
  std::reverse(args.begin(), args.end());  // CLI11's vector form expects reverse order
  return args;
}

std::string default_app_dir() {
  if (const char* home = std::getenv("HOME")) {
    return (std::filesystem::path(home) / ".config" / "heimdall").string();
  }
  return ".";
}

// A worker's housekeeping (ServerOptions::worker_housekeeping): hands memory freed on this thread
// back to the OS. Cheap when there is nothing to return.
void return_free_memory() {
#if HEIMDALL_MIMALLOC
  mi_collect(false);
#else
  malloc_trim(0);
#endif
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"heimdall: an LLM gateway that speaks the Anthropic and OpenAI APIs"};
  std::string app_dir = default_app_dir();
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  std::string log_level = "info";
  std::string log_style = "pretty";
  unsigned workers = 0;
  // Go's flag package lets a later repetition override an earlier one; scripts rely on that.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--app-dir", app_dir, "directory holding config.json (and, later, the stores)");
  app.add_option("--host", host, "address to listen on");
  app.add_option("--port", port, "port to listen on (0 picks a free one)");
  app.add_option("--log-level", log_level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  app.add_option("--log-style", log_style, "json or pretty")
      ->check(CLI::IsMember({"json", "pretty"}));
  app.add_option("--workers", workers, "worker threads (0: one per core)");
  try {
    app.parse(normalise_flags(argc, argv));
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  heimdall::setup_logging(log_level, log_style);

  // Signals are taken by a dedicated sigwait below; every thread started from here inherits the
  // block, so no worker is interrupted.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    std::vector<std::string> warnings;
    auto config = heimdall::config::load_config(app_dir, heimdall::config::process_env(), warnings);
    for (const auto& warning : warnings) spdlog::warn("config: {}", warning);
    if (config.providers.empty()) {
      spdlog::warn(
          "no provider configured: add {}/config.json or set ANTHROPIC_API_KEY, "
          "OPENAI_API_KEY, …",
          app_dir);
    }
    for (const auto& [name, provider] : config.providers) {
      spdlog::info("provider {}: {} key(s)", name, provider.keys.size());
    }
    heimdall::http::ServerOptions options;
    options.host = host;
    options.port = port;
    options.workers = workers;
    options.max_body_bytes = config.client.max_request_body_size_mb << 20;
    options.worker_housekeeping = return_free_memory;
    auto runtime = std::make_shared<const heimdall::engine::Runtime>(std::move(config));
    auto gateway = std::make_shared<const heimdall::engine::Gateway>(runtime);
    auto router = std::make_shared<const heimdall::surfaces::Router>(gateway);
    heimdall::http::Server server(options, [router](heimdall::http::Request& request,
                                                    heimdall::http::ResponseWriter& writer) {
      return router->handle(request, writer);
    });
    server.start();
    spdlog::info("heimdall listening on {}:{}", host, server.port());

    int signal = 0;
    sigwait(&signals, &signal);
    spdlog::info("received {}, draining in-flight requests",
                 signal == SIGTERM ? "SIGTERM" : "SIGINT");
    server.stop(std::chrono::seconds(20));
    server.wait();
    spdlog::info("stopped");
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
  return 0;
}
