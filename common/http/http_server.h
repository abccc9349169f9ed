// HttpServer: the event-driven HTTP/1.1 + WebSocket server of both binaries (Boost.Asio/Beast).
// Connections cost a socket and a few hundred bytes while idle, not a thread; handlers run on a
// bounded worker pool (queries on their own, querier.max_concurrent wide). Also serves the
// endpoints every Loki/Promtail process has (/ready, /metrics, /config). Why: docs/ARCHITECTURE.md.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/http/message.h"
#include "common/http/tls_config.h"
#include "common/http/worker_pool.h"
#include "common/http/router.h"
#include "common/metrics.h"
#include "common/status.h"

namespace skald {

struct HttpServerOptions {
  std::string address;                 // "" or "0.0.0.0" = all interfaces
  int port = 0;                        // 0 = ephemeral; see HttpServer::port()
  size_t max_body_bytes = 100u << 20;  // larger bodies get 413 before any handler runs
  size_t max_header_bytes = 1u << 20;  // request line + headers; larger get 431
  int64_t read_timeout_ms = 30000;     // whole request (head + body), from its first byte
  int64_t write_timeout_ms = 30000;    // handler + response; a streamed response: each write
  int64_t idle_timeout_ms = 120000;    // keep-alive wait for the next request
  int max_connections = 0;             // 0 = open-file limit minus a reserve; more are closed at once
  int thread_count = 0;                // general workers; 0 = max(8, 2 × hardware threads)
  int query_concurrency = 0;           // query-route workers (querier.max_concurrent); 0 = thread_count
  int ingest_threads = 0;              // push-route (kIngest) workers; 0 = pushes use the general pool
  int max_queued_queries = 2048;       // waiting query requests past which 429 is answered
  int max_queued_requests = 4096;      // waiting non-query requests past which 503 is answered
  int io_threads = 1;                  // network threads (parsing and writing only)
  http::CpuPriority query_priority = http::CpuPriority::kIdle;  // query workers yield the CPU to pushes
  http::TlsServerConfig tls;           // server.http_tls_config; plain HTTP unless a cert is set
  int64_t tls_reload_check_ms = 5000;  // certificate files are looked at (mtime) at most this often
};

namespace http {
struct ServerCore;
}

// Register routes on router() before or after Start(). Start/Stop from one thread; the rest from any.
class HttpServer {
 public:
  HttpServer(HttpServerOptions opts, metrics::Registry* registry);
  ~HttpServer();  // Stop()s
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  http::Router& router();

  // Binds (reporting the bound port), starts the network and worker threads.
  Status Start();
  // Stops accepting, lets in-flight requests finish (up to a few seconds, then cancels them),
  // closes WebSocket sessions, joins every thread. Idempotent.
  void Stop();
  int port() const { return port_.load(); }
  bool running() const { return running_.load(); }
  int open_connections() const;

  // /ready answers 200 "ready\n" once ready, else 503 with the reason.
  void SetReady(bool ready, std::string not_ready_reason = "");
  // While ready, /ready also asks each check; one that returns a non-empty reason makes /ready
  // answer 503 "Not ready: <reason>" (e.g. the WAL cannot write). Checks must be cheap and
  // thread-safe; they run on the network thread.
  void AddReadinessCheck(std::function<std::string()> check);
  // /config answers this YAML text.
  void SetConfigText(std::string yaml);
  // As Loki, /config?mode=defaults answers `defaults` and /config?mode=diff answers `diff` (only
  // the values that differ from the defaults); unset, both fall back to the full text.
  void SetConfigModes(std::string defaults, std::string diff);
  // /metrics appends this text after the registry's (e.g. the collector's pipeline metrics).
  void AddExposition(std::function<std::string()> fn);

 private:
  struct Impl;
  void InstallDefaultRoutes();
  HttpServerOptions opts_;
  metrics::Registry* registry_;
  std::unique_ptr<Impl> impl_;
  std::atomic<int> port_{0};
  std::atomic<bool> running_{false};
  mutable std::mutex mu_;
  bool ready_ = false;                          // guarded by mu_
  std::string not_ready_reason_ = "starting";   // guarded by mu_
  std::string config_text_;                     // guarded by mu_
  std::string config_defaults_, config_diff_;   // guarded by mu_; empty: not set
  std::vector<std::function<std::string()>> extra_exposition_;  // guarded by mu_
  std::vector<std::function<std::string()>> readiness_checks_;  // guarded by mu_
};

// GET http://host:port/path with a timeout; returns the status code (0 when unreachable).
int HttpGetStatus(const std::string& host, int port, const std::string& path, int timeout_ms,
                  std::string* body = nullptr);

// The same over HTTPS, without verifying the server's certificate (a local liveness probe; a
// client certificate is presented when given, for servers that require one). 0 when unreachable.
int HttpsGetStatus(const std::string& host, int port, const std::string& path, int timeout_ms,
                   const std::string& client_cert = "", const std::string& client_key = "");

// The binaries' -health: GET /ready on the configured listen address (a wildcard address or ""
// means loopback); 0 when it answers 200, else 1 (a container healthcheck's exit code). With `tls`
// set (server.http_tls_config) it probes over HTTPS, presenting the server's own certificate as its
// client certificate when the server requires one (see docs/TLS.md).
int ReadyProbeExitCode(std::string listen_address, int port, const http::TlsServerConfig& tls = {});

}  // namespace skald
