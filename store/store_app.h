// StoreApp: skald-store's process: the Ingester (WAL + heads + chunks + index) behind Loki's push
// and read API, with /ready (after WAL replay), /metrics, /config and /flush on the configured port.
#pragma once

#include <memory>

#include "common/http_server.h"
#include "common/metrics.h"
#include "common/status.h"
#include "store/store_config.h"

namespace skald::head {
class Ingester;
}
namespace skald::ingest {
class Distributor;
}

namespace skald {

class StoreApp {
 public:
  // registry == nullptr uses metrics::Registry::Default().
  explicit StoreApp(StoreConfig cfg, metrics::Registry* registry = nullptr);
  ~StoreApp();  // Stop()s

  // Opens the Ingester (replaying the WAL), registers the push and read routes, binds the HTTP
  // port and serves. With mark_ready, /ready answers 200 once the WAL is replayed.
  Status Start(bool mark_ready = true);
  // Marks not ready, stops the HTTP server (in-flight requests finish), then closes the Ingester,
  // which flushes every head to chunk files. Idempotent.
  void Stop();

  void SetReady(bool ready, const std::string& reason = "") { http_->SetReady(ready, reason); }
  httplib::Server& http() { return http_->server(); }
  HttpServer& http_server() { return *http_; }
  metrics::Registry& registry() { return *registry_; }
  const StoreConfig& config() const { return cfg_; }
  int port() const { return http_->port(); }  // the bound port (useful with port 0)
  head::Ingester* ingester() { return ingester_.get(); }

 private:
  Status OpenIngester();
  void RegisterRoutes();

  StoreConfig cfg_;
  metrics::Registry* registry_;
  std::unique_ptr<HttpServer> http_;
  std::unique_ptr<head::Ingester> ingester_;
  std::unique_ptr<ingest::Distributor> distributor_;
  bool started_ = false;
};

}  // namespace skald
