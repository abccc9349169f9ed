// StoreApp: skald-store's process shell — the HTTP server with /ready, /metrics, /config on the
// configured port. Ingestion, query and API modules register their routes on http() before Start().
#pragma once

#include <memory>

#include "common/http_server.h"
#include "common/metrics.h"
#include "common/status.h"
#include "store/store_config.h"

namespace skald {

class StoreApp {
 public:
  // registry == nullptr uses metrics::Registry::Default().
  explicit StoreApp(StoreConfig cfg, metrics::Registry* registry = nullptr);
  ~StoreApp();  // Stop()s

  // Binds the HTTP port and serves. With mark_ready, /ready answers 200 at once; otherwise the
  // caller flips it (SetReady) when its modules are up (e.g. after WAL replay).
  Status Start(bool mark_ready = true);
  // Marks not ready, then stops the HTTP server (in-flight requests finish). Idempotent.
  void Stop();

  void SetReady(bool ready, const std::string& reason = "") { http_->SetReady(ready, reason); }
  httplib::Server& http() { return http_->server(); }
  HttpServer& http_server() { return *http_; }
  metrics::Registry& registry() { return *registry_; }
  const StoreConfig& config() const { return cfg_; }
  int port() const { return http_->port(); }  // the bound port (useful with port 0)

 private:
  StoreConfig cfg_;
  metrics::Registry* registry_;
  std::unique_ptr<HttpServer> http_;
};

}  // namespace skald
