// CollectorApp: skald-collector's process shell — the HTTP server with /ready, /metrics, /config.
// Discovery, tailing, pipeline and client modules hook in through the accessors before Start().
#pragma once

#include <memory>

#include "collector/collector_config.h"
#include "collector/pipeline/stages/custom_metrics.h"
#include "collector/shipper.h"
#include "common/http/http_server.h"
#include "common/metrics.h"
#include "common/status.h"

namespace skald {

struct CollectorAppOptions {
  bool dry_run = false;  // -dry-run: print entries instead of pushing (implemented by the client)
};

class CollectorApp {
 public:
  explicit CollectorApp(CollectorConfig cfg, CollectorAppOptions opts = {},
                        metrics::Registry* registry = nullptr);
  ~CollectorApp();  // Stop()s

  // Builds every scrape config's relabel + pipeline hooks (config errors name file and line),
  // starts the Shipper (discovery -> tail -> pipeline -> clients) and serves HTTP (/ready,
  // /metrics, /config, /targets) unless server.disable is set. With mark_ready, /ready answers
  // 200 once everything is up.
  Status Start(bool mark_ready = true);
  void Stop();  // idempotent

  void SetReady(bool ready, const std::string& reason = "") { http_->SetReady(ready, reason); }
  http::Router& http() { return http_->router(); }
  HttpServer& http_server() { return *http_; }
  metrics::Registry& registry() { return *registry_; }
  const CollectorConfig& config() const { return cfg_; }
  const CollectorAppOptions& options() const { return opts_; }
  int port() const { return http_->port(); }
  Shipper* shipper() { return shipper_.get(); }

 private:
  CollectorConfig cfg_;
  CollectorAppOptions opts_;
  metrics::Registry* registry_;
  std::unique_ptr<HttpServer> http_;
  std::shared_ptr<pipeline::CustomMetrics> custom_metrics_;
  std::unique_ptr<Shipper> shipper_;
  bool started_ = false;
};

}  // namespace skald
