// Real Node.js clients (winston-loki: protobuf+snappy; pino-loki: JSON + structured metadata)
// pushing to the real push routes. Needs `node`; npm packages are installed once per build dir
// with `npm ci`. If node exists but the install fails, the test fails (it never silently skips).
#include <catch.hpp>

#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/store/api/push_test_server.h"

namespace fs = std::filesystem;
using skald::LimitsConfig;
using skald::testing::PushTestServer;

namespace {

// Runs a shell command, returning its exit status and combined output.
int Run(const std::string& cmd, std::string* output) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) output->append(buf, n);
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

bool HaveNode() {
  std::string out;
  return Run("command -v node && command -v npm", &out) == 0;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Copies tests/e2e/node to <build>/e2e-node and runs `npm ci` unless the same lock file is
// already installed there. Returns the directory.
fs::path PrepareNodeDir() {
  fs::path src = fs::path(SKALD_SOURCE_DIR) / "tests/e2e/node";
  fs::path dst = fs::path(SKALD_BINARY_DIR) / "e2e-node";
  fs::create_directories(dst);
  for (const auto& f : fs::directory_iterator(src))
    if (f.is_regular_file()) fs::copy_file(f.path(), dst / f.path().filename(), fs::copy_options::overwrite_existing);
  fs::path stamp = dst / "node_modules/.skald-lock";
  std::string lock = ReadFile(dst / "package-lock.json");
  if (!fs::exists(stamp) || ReadFile(stamp) != lock) {
    std::string out;
    int rc = Run("cd '" + dst.string() + "' && npm ci --no-audit --no-fund --loglevel=error", &out);
    INFO("npm ci output:\n" << out);
    REQUIRE(rc == 0);  // node is here, so the clients must install: fail loudly
    std::ofstream(stamp, std::ios::binary) << lock;
  }
  return dst;
}

}  // namespace

TEST_CASE("winston-loki and pino-loki push through the real endpoint", "[push]") {
  if (!HaveNode()) {
    WARN("node/npm not installed: Node client test not run");
    return;
  }
  fs::path dir = PrepareNodeDir();
  PushTestServer srv(LimitsConfig{}, true);
  std::string url = "http://127.0.0.1:" + std::to_string(srv.port());

  std::string out;
  int rc = Run("cd '" + dir.string() + "' && timeout 60 node push_winston.js " + url + " 5 team-node", &out);
  INFO("winston output:\n" << out);
  REQUIRE(rc == 0);
  out.clear();
  rc = Run("cd '" + dir.string() + "' && timeout 60 node push_pino.js " + url + " 4 team-node", &out);
  INFO("pino output:\n" << out);
  REQUIRE(rc == 0);

  // Both clients answered after their flush, so every line is in the sink now.
  int winston = 0, pino = 0;
  for (const auto& row : srv.sink.Rows()) {
    CHECK(row.tenant == "team-node");
    if (row.line.find("winston line ") != std::string::npos) {
      ++winston;
      CHECK(row.labels == "{app=\"winston-e2e\", env=\"test\", level=\"info\", service_name=\"winston-e2e\"}");
    } else if (row.line.find("pino line ") != std::string::npos) {
      ++pino;
      CHECK(row.labels.find("app=\"pino-e2e\"") != std::string::npos);
      CHECK(row.labels.find("service_name=\"pino-e2e\"") != std::string::npos);
      CHECK(row.metadata.find("trace_id=trace-") != std::string::npos);
    }
  }
  CHECK(winston == 5);
  CHECK(pino == 4);
}
