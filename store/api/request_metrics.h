// Loki's per-request HTTP metrics: loki_request_duration_seconds{method,route,status_code,ws} with
// Loki's route names (the mux template made a label value), and loki_panic_total for handlers that throw.
#pragma once

#include <map>
#include <shared_mutex>
#include <string>
#include <tuple>

#include "common/http/router.h"
#include "common/metrics.h"

namespace skald::api {

// Loki's route label for a registered pattern: groups become the names Loki's mux templates use
// ({name}, or {namespace}/{groupName} under rules), then runs of non-alphanumerics become "_",
// trimmed and lower-cased: "/loki/api/v1/label/([^/]+)/values" → "loki_api_v1_label_name_values".
std::string LokiRouteName(const std::string& pattern);

// Thread-safe. Histogram children are looked up once per (route, method, status, ws) and cached.
class RequestMetrics {
 public:
  explicit RequestMetrics(metrics::Registry& registry);
  void Observe(const http::Route& route, const http::Request& req, const http::Response& res, double seconds,
               bool threw);

 private:
  using Key = std::tuple<const http::Route*, std::string, int, bool>;
  metrics::Histogram& Child(const Key& k);

  metrics::HistogramVec& durations_;
  metrics::Counter& panics_;
  std::shared_mutex mu_;
  std::map<Key, metrics::Histogram*> cache_;  // guarded by mu_
};

// Installs the router's observer (which owns the RequestMetrics).
void InstallRequestMetrics(http::Router& router, metrics::Registry& registry);

}  // namespace skald::api
