// What every connection of one HttpServer shares: limits and timeouts, the routes, the worker
// pools, the connection count and cap, and the server's metrics. Internal to common/http.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/http/router.h"
#include "common/http/tls_context.h"
#include "common/http/worker_pool.h"
#include "common/metrics.h"

namespace skald::http {

struct ServerLimits {
  size_t max_body_bytes = 100u << 20;
  size_t max_header_bytes = 1u << 20;           // Go's http.DefaultMaxHeaderBytes
  std::chrono::milliseconds read_timeout{30000};    // a request's head and body, from its first byte
  std::chrono::milliseconds write_timeout{30000};   // handler + response write (a stream: per write)
  std::chrono::milliseconds idle_timeout{120000};   // between keep-alive requests
  int max_connections = 0;                      // 0: from the open-file limit
  size_t max_stream_queue_bytes = 1u << 20;     // a streamed body waits for the socket past this
};

struct ServerMetrics {
  metrics::CounterVec* requests = nullptr;      // by status code
  metrics::Gauge* open_connections = nullptr;
  metrics::Counter* connections_total = nullptr;
  metrics::Counter* connections_refused = nullptr;
  metrics::CounterVec* timeouts = nullptr;      // by phase: read, idle, write
  metrics::Counter* queries_refused = nullptr;  // 429: the query queue was full
  metrics::Counter* cancelled = nullptr;        // requests whose client went away mid-handler
  metrics::Counter* tls_handshake_errors = nullptr;
};

class Connection;

// Counts one open connection for as long as it lives (moved along on a WebSocket upgrade).
class ConnSlot;

struct ServerCore {
  ServerLimits limits;
  Router router;
  std::unique_ptr<WorkerPool> workers;
  std::unique_ptr<WorkerPool> ingest;   // null: kIngest routes run on `workers`
  std::unique_ptr<WorkerPool> queries;
  ServerMetrics m;
  std::shared_ptr<TlsContext> tls;  // null: plain HTTP
  std::atomic<int> open{0};
  std::atomic<bool> stopping{false};
  // Live connections and WebSocket sessions, so Stop() can close them. Guarded by mu.
  std::mutex mu;
  // closer(force): false = close when idle / after the response in flight; true = close now.
  std::unordered_map<void*, std::function<void(bool)>> closers;

  void Register(void* key, std::function<void(bool)> closer) {
    std::lock_guard<std::mutex> l(mu);
    closers[key] = std::move(closer);
  }
  void Unregister(void* key) {
    std::lock_guard<std::mutex> l(mu);
    closers.erase(key);
  }
};

class ConnSlot {
 public:
  explicit ConnSlot(ServerCore* core) : core_(core) {
    core_->open.fetch_add(1);
    core_->m.open_connections->Inc();
  }
  ~ConnSlot() {
    core_->open.fetch_sub(1);
    core_->m.open_connections->Dec();
  }
  ConnSlot(const ConnSlot&) = delete;
  ConnSlot& operator=(const ConnSlot&) = delete;

 private:
  ServerCore* core_;
};

}  // namespace skald::http
