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

#include "tests/node_clients.h"
#include "tests/store/api/push_test_server.h"

namespace fs = std::filesystem;
using skald::LimitsConfig;
using skald::testing::PushTestServer;
using skald::testing::HaveNode;
using skald::testing::PrepareNodeDir;
using skald::testing::RunShell;

TEST_CASE("winston-loki and pino-loki push through the real endpoint", "[push]") {
  if (!HaveNode()) {
    WARN("node/npm not installed: Node client test not run");
    return;
  }
  fs::path dir = PrepareNodeDir();
  PushTestServer srv(LimitsConfig{}, true);
  std::string url = "http://127.0.0.1:" + std::to_string(srv.port());

  std::string out;
  int rc = RunShell("cd '" + dir.string() + "' && timeout 60 node push_winston.js " + url + " 5 team-node", &out);
  INFO("winston output:\n" << out);
  REQUIRE(rc == 0);
  out.clear();
  rc = RunShell("cd '" + dir.string() + "' && timeout 60 node push_pino.js " + url + " 4 team-node", &out);
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
