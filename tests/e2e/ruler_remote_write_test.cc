// Recording rules → REAL Prometheus (Debian, --web.enable-remote-write-receiver): the series a
// rule records from logs pushed into skald-store is queryable in Prometheus with its labels.
#include <catch.hpp>
#include <httplib.h>
#include <simdjson.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/e2e/ruler_harness.h"

using namespace skald::e2e;

TEST_CASE("ruler e2e: a recording rule's series arrives in a real Prometheus", "[e2e]") {
  if (!HaveBinary("/usr/bin/prometheus")) return;
  TempDir dir("skald-ruler-rw");
  const std::string log = dir.path() + "/processes.log";
  Peer prom = StartPrometheus(dir.path(), log);
  REQUIRE(WaitHttp200(prom.port, "/-/ready", 60000));
  std::filesystem::create_directories(dir.path() + "/rules/fake");
  WriteFile(dir.path() + "/rules/fake/record.yaml",
            "groups:\n  - name: lines\n    interval: 1s\n    rules:\n"
            "      - record: service:log_lines:count5s\n"
            "        expr: sum by (service) (count_over_time({job=\"app\"}[5s]))\n"
            "        labels:\n          source: skald\n");
  Peer store = StartStoreWithRuler(
      dir.path(),
      "  external_labels:\n    cluster: e2e\n  remote_write:\n    enabled: true\n    clients:\n"
      "      local:\n        url: http://127.0.0.1:" + std::to_string(prom.port) + "/api/v1/write\n",
      log);
  REQUIRE(WaitReady(store.port, 15000));

  std::string metric, value;
  for (int i = 0; i < 60 && metric.empty(); ++i) {
    REQUIRE(PushLines(store.port, R"({"job":"app","service":"web"})", "GET / 200", 10));
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    httplib::Client cli("127.0.0.1", prom.port);
    auto res = cli.Get("/api/v1/query?query=service%3Alog_lines%3Acount5s");
    if (!res || res->status != 200) continue;
    simdjson::dom::parser p;
    simdjson::dom::element doc = p.parse(res->body);
    auto result = doc["data"]["result"].get_array();
    if (result.size() == 0) continue;
    metric = simdjson::minify(result.at(0)["metric"]);
    value = std::string(result.at(0)["value"].at(1).get_string().value());
  }
  REQUIRE(!metric.empty());
  CHECK(metric == R"({"__name__":"service:log_lines:count5s","cluster":"e2e","service":"web","source":"skald"})");
  CHECK(std::stod(value) >= 10);
  const std::string m = HttpGetBody(store.port, "/metrics");
  CHECK(m.find("skald_ruler_remote_write_sent_total{url=\"http://127.0.0.1:" + std::to_string(prom.port) +
               "/api/v1/write\"}") != std::string::npos);
  CHECK(m.find("skald_ruler_rule_evaluations_total{tenant=\"fake\",rule_group=\"record.yaml;lines\"}") != std::string::npos);
}
