// HttpServer: cpp-httplib's Server on a background thread with the endpoints every Loki/Promtail
// process has (/ready, /metrics, /config), Go's 404 body, a body size limit and graceful Stop().
#pragma once

#include <httplib.h>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>
#include <mutex>
#include <string>
#include <thread>

#include "common/metrics.h"
#include "common/status.h"

namespace skald {

struct HttpServerOptions {
  std::string address;             // "" or "0.0.0.0" = all interfaces
  int port = 0;                    // 0 = ephemeral; see HttpServer::port()
  size_t max_body_bytes = 100u << 20;  // larger bodies get 413 before any handler runs
  int64_t read_timeout_ms = 30000;
  int64_t write_timeout_ms = 30000;
  int64_t idle_timeout_ms = 120000;
  int thread_count = 0;            // worker threads; 0 = max(8, hardware threads)
};

// Register routes on server() before or after Start(). Thread-safe: Start/Stop from one thread;
// SetReady/SetConfigText from any.
class HttpServer {
 public:
  HttpServer(HttpServerOptions opts, metrics::Registry* registry);
  ~HttpServer();  // Stop()s
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  httplib::Server& server() { return *server_; }

  // Binds (reporting the bound port) and serves on a background thread.
  Status Start();
  // Stops accepting, lets in-flight requests finish, joins the thread. Idempotent.
  void Stop();
  int port() const { return port_.load(); }
  bool running() const { return running_.load(); }

  // /ready answers 200 "ready\n" once ready, else 503 with the reason.
  void SetReady(bool ready, std::string not_ready_reason = "");
  // /config answers this YAML text.
  void SetConfigText(std::string yaml);
  // /metrics appends this text after the registry's (e.g. the collector's pipeline metrics).
  void AddExposition(std::function<std::string()> fn);

 private:
  void InstallDefaultRoutes();
  HttpServerOptions opts_;
  metrics::Registry* registry_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<int> port_{0};
  std::atomic<bool> running_{false};
  mutable std::mutex mu_;
  bool ready_ = false;                          // guarded by mu_
  std::string not_ready_reason_ = "starting";   // guarded by mu_
  std::string config_text_;                     // guarded by mu_
  std::vector<std::function<std::string()>> extra_exposition_;  // guarded by mu_
  metrics::CounterVec* requests_ = nullptr;
};

// GET http://host:port/path with a timeout; returns the status code (0 when unreachable).
int HttpGetStatus(const std::string& host, int port, const std::string& path, int timeout_ms,
                  std::string* body = nullptr);

// The binaries' -health: GET /ready on the configured listen address (a wildcard address or ""
// means loopback); 0 when it answers 200, else 1 (a container healthcheck's exit code).
int ReadyProbeExitCode(std::string listen_address, int port);

}  // namespace skald
