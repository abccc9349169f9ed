// The real skald-store / skald-collector binaries: flags, config verification with file:line
// errors, and a store serving /ready and /metrics on a real port until SIGTERM.
#include <catch.hpp>

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "common/http/http_server.h"
#include "tests/e2e/process.h"

using namespace skald::e2e;

namespace {

std::string Seed(const std::string& name) {
  return std::string(SKALD_SOURCE_DIR) + "/../shared/seed/" + name;
}

// Runs one of our binaries by name.
RunResult RunBin(const std::string& bin, std::vector<std::string> args) {
  args.insert(args.begin(), BinPath(bin));
  return Run(std::move(args));
}

}  // namespace

TEST_CASE("both binaries print their version") {
  for (const char* bin : {"skald-store", "skald-collector"}) {
    RunResult r = RunBin(bin, {"-version"});
    CHECK(r.code == 0);
    CHECK(r.out.rfind(std::string(bin) + ", version ", 0) == 0);
  }
  RunResult bad = RunBin("skald-store", {"-no-such-flag"});
  CHECK(bad.code == 2);
  CHECK(bad.err.find("flag provided but not defined: -no-such-flag") != std::string::npos);
}

TEST_CASE("skald-store -verify-config: the seed passes with warnings a typo fails with its line") {
  RunResult ok = RunBin("skald-store", {"-verify-config", "-config.file=" + Seed("loki-config.yaml")});
  CHECK(ok.code == 0);
  CHECK(ok.err.find("level=warn") != std::string::npos);
  CHECK(ok.err.find("schema_config") != std::string::npos);
  CHECK(ok.err.find("msg=\"config is valid\"") != std::string::npos);
  RunResult printed = RunBin("skald-store", {"-verify-config", "-print-config-stderr", "-log.level=error",
                                       "-config.file=" + Seed("loki-config.yaml")});
  CHECK(printed.code == 0);
  CHECK(printed.err.find("retention_period: 30d\n") != std::string::npos);
  CHECK(printed.err.find("per_stream_rate_limit: 12000000\n") != std::string::npos);
  CHECK(printed.err.find("level=warn") == std::string::npos);  // filtered by -log.level

  TempDir dir("skald-cli");
  std::string text = ReadFile(Seed("loki-config.yaml"));
  text.replace(text.find("retention_period:"), 17, "retention_peroid:");
  std::string typo = dir.path() + "/typo.yaml";
  std::ofstream(typo) << text;
  RunResult bad = RunBin("skald-store", {"--verify-config", "--config.file", typo});
  CHECK(bad.code != 0);
  CHECK(bad.err.find(typo + ":21: unknown key \"retention_peroid\"") != std::string::npos);
  CHECK(bad.err.find("did you mean retention_period?") != std::string::npos);
}

TEST_CASE("skald-collector -check-syntax on the seed and on a broken file") {
  RunResult ok = RunBin("skald-collector",
                  {"-check-syntax", "-config.file=" + Seed("promtail-config.yaml")});
  CHECK(ok.code == 0);
  CHECK(ok.out == "Valid config file! No syntax issues found\n");
  CHECK(ok.err.find("server.grpc_listen_port") != std::string::npos);

  TempDir dir("skald-cli");
  std::string bad_file = dir.path() + "/bad.yaml";
  std::ofstream(bad_file) << "clients:\n  - url: http://x/loki/api/v1/push\n    batchwiat: 1s\n";
  RunResult bad = RunBin("skald-collector", {"-check-syntax", "-config.file=" + bad_file});
  CHECK(bad.code != 0);
  CHECK(bad.err.find(bad_file + ":3: unknown key \"batchwiat\"") != std::string::npos);
  RunResult dry = RunBin("skald-collector", {"-dry-run", "-check-syntax", "-config.file=" + bad_file});
  CHECK(dry.code != 0);
}

TEST_CASE("skald-store serves /ready and /metrics and exits cleanly on SIGTERM") {
  TempDir dir("skald-cli");
  int port = FreePort();
  std::string cfg = dir.path() + "/store.yaml";
  std::ofstream(cfg) << "auth_enabled: false\nserver:\n  http_listen_address: 127.0.0.1\n"
                        "  http_listen_port: ${SKALD_E2E_PORT}\n"
                        "common:\n  path_prefix: " << dir.path() + "/data" << "\n";
  setenv("SKALD_E2E_PORT", std::to_string(port).c_str(), 1);
  TempDir logs("skald-cli-logs");
  Process store({BinPath("skald-store"), "-config.file=" + cfg, "-config.expand-env=true"},
                logs.path() + "/stdout", logs.path() + "/stderr");
  int code = 0;
  for (int i = 0; i < 250 && code != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    code = skald::HttpGetStatus("127.0.0.1", port, "/ready", 1000);
  }
  CHECK(code == 200);
  std::string body;
  CHECK(skald::HttpGetStatus("127.0.0.1", port, "/metrics", 2000, &body) == 200);
  CHECK(body.find("skald_build_info{") != std::string::npos);
  CHECK(skald::HttpGetStatus("127.0.0.1", port, "/nope", 2000, &body) == 404);
  CHECK(body == "404 page not found\n");
  RunResult health = RunBin("skald-store", {"-health", "-config.file=" + cfg, "-config.expand-env"});
  CHECK(health.code == 0);

  store.Kill(SIGTERM);
  CHECK(store.WaitFor(10000) == 0);
  std::string err = ReadFile(logs.path() + "/stderr");
  CHECK(err.find("msg=\"received shutdown signal\" signal=15") != std::string::npos);
  CHECK(skald::HttpGetStatus("127.0.0.1", port, "/ready", 500) == 0);
  RunResult down = RunBin("skald-store", {"-health", "-config.file=" + cfg, "-config.expand-env"});
  CHECK(down.code == 1);
}
