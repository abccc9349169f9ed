// Per-request metrics for every store route (see request_metrics.h); Loki's buckets are dskit's
// instrument.DefBuckets.
#include "store/api/request_metrics.h"

#include <cctype>
#include <memory>
#include <mutex>

#include <fmt/format.h>

namespace skald::api {
namespace {

// The group names Loki's templates use at the same places.
std::string GroupName(const std::string& pattern, int index) {
  if (pattern.find("/rules") != std::string::npos) return index == 0 ? "namespace" : "groupName";
  return "name";
}

// Drops the regex groups in favour of their template names.
std::string Template(const std::string& pattern) {
  std::string out;
  int depth = 0, groups = 0;
  for (char c : pattern) {
    if (c == '(') {
      if (depth++ == 0) out += fmt::format("{{{}}}", GroupName(pattern, groups++));
    } else if (c == ')') {
      --depth;
    } else if (depth == 0) {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string LokiRouteName(const std::string& pattern) {
  std::string out;
  bool pending = false;
  for (char c : Template(pattern)) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      if (pending && !out.empty()) out += '_';
      pending = false;
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      pending = true;
    }
  }
  return out.empty() ? "root" : out;
}

RequestMetrics::RequestMetrics(metrics::Registry& r)
    : durations_(r.NewHistogramVec("loki_request_duration_seconds", "Time (in seconds) spent serving HTTP requests.",
                                   {"method", "route", "status_code", "ws"},
                                   {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 25, 50, 100})),
      panics_(r.NewCounter("loki_panic_total", "Requests whose handler threw (Loki: recovered panics).")) {}

metrics::Histogram& RequestMetrics::Child(const Key& k) {
  {
    std::shared_lock lock(mu_);
    auto it = cache_.find(k);
    if (it != cache_.end()) return *it->second;
  }
  const auto& [route, method, status, ws] = k;
  metrics::Histogram& h = durations_.WithLabelValues(
      {method, LokiRouteName(route->pattern), fmt::format("{}", status), ws ? "true" : "false"});
  std::unique_lock lock(mu_);
  cache_.emplace(k, &h);
  return h;
}

void RequestMetrics::Observe(const http::Route& route, const http::Request& req, const http::Response& res,
                             double seconds, bool threw) {
  if (threw) panics_.Inc();
  bool ws = res.websocket != nullptr;
  int status = ws ? 101 : res.status < 0 ? 200 : res.status;
  Child(Key{&route, req.method, status, ws}).Observe(seconds);
}

void InstallRequestMetrics(http::Router& router, metrics::Registry& registry) {
  auto m = std::make_shared<RequestMetrics>(registry);  // lives as long as the router keeps the observer
  router.SetObserver([m](const http::Route& route, const http::Request& req, const http::Response& res,
                         double seconds, bool threw) { m->Observe(route, req, res, seconds, threw); });
}

}  // namespace skald::api
