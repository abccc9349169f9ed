// CollectorApp wiring: HTTP options from the server section, build info metric, /config text,
// and the data path: Shipper (discovery -> tail) with relabel + pipeline hooks -> clients.
#include "collector/collector_app.h"

#include <chrono>

#include "collector/collector_config_loader.h"
#include "collector/pipeline/pipeline.h"
#include "collector/scrape_hooks.h"
#include "common/logger.h"
#include "common/version.h"

namespace skald {

CollectorApp::CollectorApp(CollectorConfig cfg, CollectorAppOptions opts,
                           metrics::Registry* registry)
    : cfg_(std::move(cfg)),
      opts_(opts),
      registry_(registry ? registry : &metrics::Registry::Default()) {
  HttpServerOptions h;
  h.address = cfg_.server.http_listen_address;
  h.port = cfg_.server.http_listen_port;
  h.tls = cfg_.server.http_tls_config;
  h.max_body_bytes = 10u << 20;
  h.thread_count = 2;       // /metrics, /targets: small answers; scrapes and probes never wait long
  h.query_concurrency = 1;  // no query routes here
  http_ = std::make_unique<HttpServer>(h, registry_);
  http_->SetConfigText(CollectorConfigToYaml(cfg_));
  registry_->NewGaugeVec("skald_build_info", "Skald build information; always 1.",
                         {"version", "component"})
      .WithLabelValues({kVersion, "collector"})
      .Set(1);
  // Promtail's build_info: the Promtail dashboard's cluster/namespace variables list its labels.
  registry_->NewGaugeVec("promtail_build_info", "A metric with a constant '1' value labeled by version, revision, "
                         "branch from which promtail was built.", {"version", "revision", "branch"})
      .WithLabelValues({kVersion, "", ""})
      .Set(1);
}

CollectorApp::~CollectorApp() { Stop(); }

Status CollectorApp::Start(bool mark_ready) {
  started_ = true;
  http_->SetReady(false, "starting");
  custom_metrics_ = std::make_shared<pipeline::CustomMetrics>();
  const std::string file = cfg_.config_file;
  auto metrics = custom_metrics_;
  PipelineShared shared{metrics, &pipeline::DroppedLinesCounter(*registry_)};
  HooksFactory factory = [file, shared](const ScrapeConfig& sc) {
    return MakeScrapeHooks(sc, file, shared);
  };
  ShipperOptions sopts;
  sopts.registry = registry_;
  shipper_ = std::make_unique<Shipper>(cfg_, factory, sopts);
  SKALD_RETURN_IF_ERROR(shipper_->Start());
  RegisterTargetsHandler(http_->router(), *shipper_);
  http_->AddExposition([metrics] {
    // max_idle_duration: idle series go at scrape time (the metrics stage stamps the steady clock).
    metrics->Expire(std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::steady_clock::now().time_since_epoch()).count());
    return metrics->Exposition();
  });
  if (!cfg_.server.disable) SKALD_RETURN_IF_ERROR(http_->Start());
  if (mark_ready) http_->SetReady(true);
  SKALD_LOG(info, "skald-collector started",
            {{"version", kVersion}, {"port", http_->port()}, {"dry_run", opts_.dry_run}});
  return Status::Ok();
}

void CollectorApp::Stop() {
  if (!started_) return;
  started_ = false;
  http_->SetReady(false, "stopping");
  if (shipper_) shipper_->Stop();  // drains clients, commits positions
  http_->Stop();
  SKALD_LOG(info, "skald-collector stopped");
}

}  // namespace skald
