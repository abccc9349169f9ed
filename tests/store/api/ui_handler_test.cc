// The web UI's routes on a real router + HTTP server: redirects that keep a proxy's path prefix,
// the embedded files with gzip, ETag and cache headers (or the short note when built without them).
#include <catch.hpp>
#include <httplib.h>

#include "common/http/http_server.h"
#include "store/api/ui_assets.h"
#include "store/api/ui_handler.h"
#include "tests/route_server.h"

using namespace skald;

TEST_CASE("Accept-Encoding parsing for the UI's gzip bodies") {
  CHECK(api::AcceptsGzip("gzip"));
  CHECK(api::AcceptsGzip("gzip, deflate, br"));
  CHECK(api::AcceptsGzip("br;q=1.0, GZIP;q=0.5"));
  CHECK(api::AcceptsGzip("*"));
  CHECK_FALSE(api::AcceptsGzip(""));
  CHECK_FALSE(api::AcceptsGzip("deflate, br"));
  CHECK_FALSE(api::AcceptsGzip("gzip;q=0"));
  CHECK_FALSE(api::AcceptsGzip("gzip;q=0.000"));
  CHECK(api::AcceptsGzip("gzip;q=0.1"));
  CHECK_FALSE(api::AcceptsGzip("x-gzip2"));
}

namespace {

const api::UiAsset* Find(std::string_view name) {
  for (const api::UiAsset& a : api::EmbeddedUiAssets())
    if (a.name == name) return &a;
  return nullptr;
}

}  // namespace

TEST_CASE("/ and /ui redirect relatively to ui/, /ui/ serves index.html or the not-built note") {
  testing::RouteServer server;
  api::RegisterUiRoutes(server.router());
  httplib::Client cli("127.0.0.1", server.Start());
  const bool built = !api::EmbeddedUiAssets().empty();
  auto root = cli.Get("/");
  REQUIRE(root);
  auto ui = cli.Get("/ui/");
  REQUIRE(ui);
  CHECK(ui->status == 200);
  CHECK(ui->get_header_value("Content-Type") == "text/html; charset=utf-8");
  if (!built) {
    WARN("skald-store built with SKALD_UI=OFF: only the note is checked");
    CHECK(root->status == 200);
    CHECK(root->body.find("SKALD_UI=OFF") != std::string::npos);
    return;
  }
  CHECK(root->status == 302);
  CHECK(root->get_header_value("Location") == "ui/");
  auto bare = cli.Get("/ui");
  REQUIRE(bare);
  CHECK(bare->status == 301);
  CHECK(bare->get_header_value("Location") == "ui/");
  CHECK(ui->body == std::string(Find("index.html")->body));
  CHECK(ui->get_header_value("Cache-Control") == "no-cache");
  CHECK(ui->get_header_value("Content-Security-Policy").find("default-src 'self'") != std::string::npos);
  // Every reference in the page is relative, so a path prefix added by a proxy survives.
  CHECK(ui->body.find("src=\"app.js?v=") != std::string::npos);
  CHECK(ui->body.find("href=\"app.css?v=") != std::string::npos);
  CHECK(cli.Get("/ui/no-such-file.js")->status == 404);
}

TEST_CASE("UI files: gzip when accepted, ETag revalidation, immutable when versioned") {
  const api::UiAsset* js = Find("app.js");
  if (js == nullptr) {
    WARN("skald-store built with SKALD_UI=OFF: no UI files to serve");
    return;
  }
  testing::RouteServer server;
  api::RegisterUiRoutes(server.router());
  httplib::Client cli("127.0.0.1", server.Start());
  cli.set_decompress(false);
  auto plain = cli.Get("/ui/app.js");
  REQUIRE(plain);
  CHECK(plain->status == 200);
  CHECK(plain->body == std::string(js->body));
  CHECK(plain->get_header_value("Content-Type") == "text/javascript; charset=utf-8");
  CHECK_FALSE(plain->has_header("Content-Encoding"));
  CHECK(plain->get_header_value("Cache-Control") == "no-cache");
  CHECK(plain->get_header_value("Vary") == "Accept-Encoding");

  auto gz = cli.Get("/ui/app.js?v=1", {{"Accept-Encoding", "gzip, deflate"}});
  REQUIRE(gz);
  CHECK(gz->get_header_value("Content-Encoding") == "gzip");
  CHECK(gz->body == std::string(js->gzip));
  CHECK(gz->body.size() * 2 < js->body.size());
  CHECK(gz->get_header_value("Cache-Control") == "public, max-age=31536000, immutable");

  auto again = cli.Get("/ui/app.js", {{"If-None-Match", std::string(js->etag)}});
  REQUIRE(again);
  CHECK(again->status == 304);
  CHECK(again->body.empty());
  auto changed = cli.Get("/ui/app.js", {{"If-None-Match", "\"stale\""}});
  CHECK(changed->status == 200);
}
