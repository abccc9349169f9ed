// StoreApp wiring: HTTP options from server/limits config, build info metric, /config text.
// Other store modules plug in through http() and registry(); the lead wires them in main.
#include "store/store_app.h"

#include "common/logger.h"
#include "common/version.h"
#include "store/store_config_loader.h"

namespace skald {

StoreApp::StoreApp(StoreConfig cfg, metrics::Registry* registry)
    : cfg_(std::move(cfg)), registry_(registry ? registry : &metrics::Registry::Default()) {
  HttpServerOptions opts;
  opts.address = cfg_.server.http_listen_address;
  opts.port = cfg_.server.http_listen_port;
  opts.max_body_bytes = size_t(cfg_.limits.max_push_body_bytes);
  opts.read_timeout_ms = cfg_.server.http_server_read_timeout_ms;
  opts.write_timeout_ms = cfg_.server.http_server_write_timeout_ms;
  opts.idle_timeout_ms = cfg_.server.http_server_idle_timeout_ms;
  http_ = std::make_unique<HttpServer>(opts, registry_);
  http_->SetConfigText(StoreConfigToYaml(cfg_));
  registry_->NewGaugeVec("skald_build_info", "Skald build information; always 1.",
                         {"version", "component"})
      .WithLabelValues({kVersion, "store"})
      .Set(1);
}

StoreApp::~StoreApp() { Stop(); }

Status StoreApp::Start(bool mark_ready) {
  http_->SetReady(false, "starting");
  SKALD_RETURN_IF_ERROR(http_->Start());
  if (mark_ready) http_->SetReady(true);
  SKALD_LOG(info, "skald-store started", {{"version", kVersion}, {"port", http_->port()}});
  return Status::Ok();
}

void StoreApp::Stop() {
  if (!http_->running()) return;
  http_->SetReady(false, "stopping");
  http_->Stop();
  SKALD_LOG(info, "skald-store stopped");
}

}  // namespace skald
