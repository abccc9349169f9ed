// The web UI in a real browser: Debian's chromium driven by puppeteer-core (tests/e2e/ui/*.cjs)
// against a real skald-store; skipped with a warning only when chromium or the UI build is missing.
#include <catch.hpp>
#include <httplib.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "store/auth/password_hash.h"
#include "tests/e2e/process.h"
#include "tests/e2e/store_under_test.h"
#include "tests/node_clients.h"

using namespace skald::e2e;
using skald::testing::HaveNode;
using skald::testing::RunShell;
namespace fs = std::filesystem;

namespace {

// $SKALD_CHROMIUM, else chromium on PATH; "" when there is none.
std::string FindChromium() {
  if (const char* env = std::getenv("SKALD_CHROMIUM"); env != nullptr && *env != '\0') return env;
  std::string out;
  if (RunShell("command -v chromium", &out) != 0) return "";
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

// chromium and the UI's node_modules, or "" (after a WARN saying why the test does not run).
std::string BrowserPrerequisites(fs::path* node_modules) {
  const std::string chromium = FindChromium();
  if (chromium.empty()) {
    WARN("chromium not installed (scripts/install-deps.sh installs it): browser UI test not run");
    return "";
  }
  *node_modules = fs::path(SKALD_BINARY_DIR) / "ui-npm/node_modules";
  if (!HaveNode() || !fs::exists(*node_modules / "puppeteer-core")) {
    WARN("skald-store built without its web UI (SKALD_UI=OFF or npm ci failed): browser UI test not run");
    return "";
  }
  return chromium;
}

std::string Hash(const std::string& pw) {
  auto h = skald::auth::HashPassword(pw, "$2b$", 5);
  REQUIRE(h.ok());
  return *h;
}

}  // namespace

TEST_CASE("web UI in chromium: search, histogram zoom, fields, live tail, patterns, URL state, path prefix") {
  fs::path node_modules;
  const std::string chromium = BrowserPrerequisites(&node_modules);
  if (chromium.empty()) return;
  TempDir dir("skald-ui");
  StoreUnderTest store(dir.path());
  store.Configure(dir.path() + "/data", false);
  REQUIRE(store.Start());
  httplib::Client cli("127.0.0.1", store.port());
  auto metrics = cli.Get("/metrics");
  REQUIRE(metrics);
  REQUIRE(metrics->body.find("skald_ui_embedded 1") != std::string::npos);

  // Screenshots go to the test's temp dir unless SKALD_UI_SHOTS names a directory (docs/ui/).
  const char* shots_env = std::getenv("SKALD_UI_SHOTS");
  const std::string shots = shots_env != nullptr ? shots_env : dir.path() + "/shots";
  const std::string cmd = fmt::format(
      "cd '{}' && NODE_PATH='{}' STORE_URL='{}' CHROMIUM='{}' SKALD_UI_SHOTS='{}' timeout 180 node tests/e2e/ui/browser_test.cjs",
      SKALD_SOURCE_DIR, node_modules.string(), store.url(), chromium, shots);
  std::string out;
  const int rc = RunShell(cmd, &out);
  INFO("browser test output:\n" << out << "\nstore log:\n" << ReadFile(store.log()));
  CHECK(rc == 0);
  CHECK(out.find("ok - no console errors or external requests") != std::string::npos);
  const size_t t = out.find("timings ");
  if (t != std::string::npos) WARN(out.substr(t, out.find('\n', t) - t));
}

TEST_CASE("web UI with skald_auth: open page, 401 and 403 messages, browser credentials on API and tail, "
          "tenant box on the tail") {
  fs::path node_modules;
  const std::string chromium = BrowserPrerequisites(&node_modules);
  if (chromium.empty()) return;
  TempDir dir("skald-ui-auth");
  WriteFile(dir.path() + "/credentials.yaml",
            fmt::format("credentials:\n"
                        "  - name: ui-push\n    basic_auth: {{username: uipush, password_hash: \"{}\"}}\n"
                        "    tenants: [uiteam, uiother]\n    scopes: [push]\n"
                        "  - name: ui-read\n    basic_auth: {{username: uiread, password_hash: \"{}\"}}\n"
                        "    tenants: [uiteam]\n    scopes: [read]\n"
                        "  - name: ui-multi\n    basic_auth: {{username: uimulti, password_hash: \"{}\"}}\n"
                        "    tenants: [uiteam, uiother]\n    scopes: [read]\n",
                        Hash("push-Pa55word"), Hash("read-Pa55word"), Hash("multi-Pa55word")));
  StoreUnderTest store(dir.path());
  store.Configure(dir.path() + "/data", true,
                  fmt::format("skald_auth:\n  credentials_file: {}/credentials.yaml\n  max_failures: 1000\n", dir.path()));
  REQUIRE(store.Start());
  const std::string cmd = fmt::format(
      "cd '{}' && NODE_PATH='{}' STORE_URL='{}' CHROMIUM='{}' PUSH_USER=uipush PUSH_PW=push-Pa55word "
      "READ_USER=uiread READ_PW=read-Pa55word MULTI_USER=uimulti MULTI_PW=multi-Pa55word "
      "timeout 120 node tests/e2e/ui/auth_test.cjs",
      SKALD_SOURCE_DIR, node_modules.string(), store.url(), chromium);
  std::string out;
  const int rc = RunShell(cmd, &out);
  INFO("browser test output:\n" << out << "\nstore log:\n" << ReadFile(store.log()));
  CHECK(rc == 0);
}

TEST_CASE("web UI tenant box on a store without credentials: the live tail carries the tenant (org_id)") {
  fs::path node_modules;
  const std::string chromium = BrowserPrerequisites(&node_modules);
  if (chromium.empty()) return;
  TempDir dir("skald-ui-tenant");
  StoreUnderTest store(dir.path());
  store.Configure(dir.path() + "/data", true);
  REQUIRE(store.Start());
  const std::string cmd = fmt::format(
      "cd '{}' && NODE_PATH='{}' STORE_URL='{}' CHROMIUM='{}' timeout 120 node tests/e2e/ui/tenant_tail_test.cjs",
      SKALD_SOURCE_DIR, node_modules.string(), store.url(), chromium);
  std::string out;
  const int rc = RunShell(cmd, &out);
  INFO("browser test output:\n" << out << "\nstore log:\n" << ReadFile(store.log()));
  CHECK(rc == 0);
}
