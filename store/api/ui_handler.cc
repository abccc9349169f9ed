// RegisterUiRoutes (see ui_handler.h): redirects, asset lookup, content negotiation (gzip), ETag /
// If-None-Match and cache headers; counts requests by result and logs whether the UI is built in.
#include "store/api/ui_handler.h"

#include <string>

#include "common/logger.h"
#include "common/metrics.h"
#include "store/api/ui_assets.h"

namespace skald::api {
namespace {

struct UiMetrics {
  metrics::CounterVec& requests = metrics::Registry::Default().NewCounterVec(
      "skald_ui_requests_total", "Web UI requests by result (ok, not_modified, not_found, not_built).",
      {"result"});
  metrics::Gauge& embedded = metrics::Registry::Default().NewGauge(
      "skald_ui_embedded", "1 when the web UI bundle is compiled into this binary, 0 when built without it.");
  static UiMetrics& Get() {
    static UiMetrics m;
    return m;
  }
};

constexpr const char* kNotBuiltHtml =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>Skald</title></head><body>"
    "<h1>skald-store</h1><p>This binary was built without its web UI (CMake option "
    "<code>SKALD_UI=OFF</code>, or Node.js/npm were missing at build time). The Loki HTTP API is "
    "served under <a href=\"loki/api/v1/labels\">loki/api/v1/</a>; see docs/UI.md to build the UI.</p>"
    "</body></html>\n";

// Assets reference each other with ?v=<hash>, so such requests may be cached for good.
constexpr const char* kImmutable = "public, max-age=31536000, immutable";
constexpr const char* kCsp =
    "default-src 'self'; connect-src 'self' ws: wss:; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'self'";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = char(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = char(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

const UiAsset* FindAsset(std::string_view name) {
  if (name.empty()) name = "index.html";
  for (const UiAsset& a : EmbeddedUiAssets())
    if (a.name == name) return &a;
  return nullptr;
}

void NotBuilt(http::Response& res) {
  UiMetrics::Get().requests.WithLabelValues({"not_built"}).Inc();
  res.status = 200;
  res.set_header("Cache-Control", "no-cache");
  res.set_content(kNotBuiltHtml, "text/html; charset=utf-8");
}

void Redirect(http::Response& res, int status) {
  res.status = status;
  res.set_header("Location", "ui/");  // relative: resolved against the URL the browser sees
  res.set_content("see ui/\n", "text/plain; charset=utf-8");
}

void ServeAsset(const UiAsset& a, const http::Request& req, http::Response& res) {
  res.set_header("ETag", std::string(a.etag));
  res.set_header("Vary", "Accept-Encoding");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Cache-Control", req.has_param("v") && a.name != "index.html" ? kImmutable : "no-cache");
  if (a.name == "index.html") res.set_header("Content-Security-Policy", kCsp);
  if (req.get_header_value("If-None-Match") == a.etag) {
    UiMetrics::Get().requests.WithLabelValues({"not_modified"}).Inc();
    res.status = 304;
    return;
  }
  UiMetrics::Get().requests.WithLabelValues({"ok"}).Inc();
  res.status = 200;
  if (!a.gzip.empty() && AcceptsGzip(req.get_header_value("Accept-Encoding"))) {
    res.set_header("Content-Encoding", "gzip");
    res.set_content(std::string(a.gzip), std::string(a.content_type));
    return;
  }
  res.set_content(std::string(a.body), std::string(a.content_type));
}

void ServeUiPath(const http::Request& req, http::Response& res) {
  const std::string name = req.matches.size() > 1 ? req.matches[1].str() : "";
  const bool built = !EmbeddedUiAssets().empty();
  if (!built && name.empty()) return NotBuilt(res);
  const UiAsset* a = FindAsset(name);
  if (a == nullptr) {
    UiMetrics::Get().requests.WithLabelValues({"not_found"}).Inc();
    res.status = 404;
    res.set_content("no such UI file\n", "text/plain; charset=utf-8");
    return;
  }
  ServeAsset(*a, req, res);
}

}  // namespace

bool AcceptsGzip(std::string_view accept_encoding) {
  size_t pos = 0;
  while (pos <= accept_encoding.size()) {
    size_t comma = accept_encoding.find(',', pos);
    std::string_view item = accept_encoding.substr(pos, comma == std::string_view::npos ? std::string_view::npos
                                                                                           : comma - pos);
    size_t semi = item.find(';');
    std::string_view coding = Trim(item.substr(0, semi));
    if (EqualsIgnoreCase(coding, "gzip") || coding == "*") {
      std::string_view params = semi == std::string_view::npos ? "" : Trim(item.substr(semi + 1));
      bool zero = params.starts_with("q=0") && params.find_first_of("123456789", 3) == std::string_view::npos;
      if (!zero) return true;
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return false;
}

void RegisterUiRoutes(http::Router& router) {
  const bool built = !EmbeddedUiAssets().empty();
  UiMetrics::Get().embedded.Set(built ? 1 : 0);
  if (built) {
    SKALD_LOG(info, "web UI served at / and /ui/", {{"files", EmbeddedUiAssets().size()}});
  } else {
    SKALD_LOG(info, "web UI not built into this binary (SKALD_UI=OFF): / answers a short note");
  }
  router.Get("/", [built](const http::Request&, http::Response& res) {
    if (built) return Redirect(res, 302);
    NotBuilt(res);
  });
  router.Get("/ui", [](const http::Request&, http::Response& res) { Redirect(res, 301); });
  router.Get("/ui/(.*)", ServeUiPath);
}

}  // namespace skald::api
