// The ruler against a REAL Alertmanager (Debian prometheus-alertmanager): an error burst pushed
// into skald-store fires HighErrorRate with templated labels/annotations and resolves when it stops;
// a service that goes silent fires DatabaseDown; the seed's rule file loads minus its log query.
#include <catch.hpp>
#include <httplib.h>
#include <simdjson.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "tests/e2e/ruler_harness.h"

using namespace skald::e2e;

namespace {

const char* kRules = R"(groups:
  - name: e2e
    interval: 1s
    rules:
      - alert: HighErrorRate
        expr: sum by (service) (rate({job="docker", level="ERROR"}[2s])) > 5
        for: 2s
        labels:
          severity: warning
        annotations:
          summary: "High error rate detected"
          description: "{{ $labels.service }} is logging errors at {{ $value }} errors/sec"
      - alert: DatabaseDown
        expr: absent_over_time({service="postgres"}[2s])
        for: 2s
        labels:
          severity: critical
        annotations:
          summary: "Database stopped logging"
          description: "{{ $labels.service }} has not logged in 2 seconds"
)";

using Alerts = std::vector<std::map<std::string, std::string>>;  // labels + "ann:<name>" entries

Alerts AmAlerts(int port, const std::string& alertname) {
  Alerts out;
  std::string body = HttpGetBody(port, "/api/v2/alerts");
  if (body.empty()) return out;
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  if (p.parse(body).get(doc)) return out;
  for (simdjson::dom::element a : doc.get_array()) {
    std::map<std::string, std::string> m;
    for (auto [k, v] : a["labels"].get_object()) m[std::string(k)] = std::string(v.get_string().value());
    for (auto [k, v] : a["annotations"].get_object())
      m["ann:" + std::string(k)] = std::string(v.get_string().value());
    m["generatorURL"] = std::string(a["generatorURL"].get_string().value());
    if (m["alertname"] == alertname) out.push_back(std::move(m));
  }
  return out;
}

std::string ReadText(const std::string& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("ruler e2e: HighErrorRate and DatabaseDown reach a real Alertmanager", "[e2e]") {
  if (!HaveBinary("/usr/bin/prometheus-alertmanager")) return;
  TempDir dir("skald-ruler-am");
  const std::string log = dir.path() + "/processes.log";
  const int am_port = FreePort();  // Alertmanager starts late: the ruler must retry meanwhile
  std::filesystem::create_directories(dir.path() + "/rules/fake");
  WriteFile(dir.path() + "/rules/fake/e2e.yaml", kRules);
  std::string seed = ReadText(std::string(SKALD_SOURCE_DIR) + "/tests/store/ruler/testdata/seed_alerts.yaml");
  REQUIRE(!seed.empty());
  WriteFile(dir.path() + "/rules/fake/seed.yaml", seed);
  Peer store = StartStoreWithRuler(dir.path(),
                                   "  alertmanager_url: http://127.0.0.1:" + std::to_string(am_port) +
                                       "\n  external_url: http://skald.test\n  external_labels:\n    cluster: e2e\n",
                                   log);
  REQUIRE(WaitReady(store.port, 15000));
  const std::string api = R"({"job":"docker","level":"ERROR","service":"api"})";
  const std::string pg = R"({"job":"docker","level":"INFO","service":"postgres"})";

  // Phase 1: postgres logs steadily, api bursts errors → HighErrorRate fires (after `for`) while
  // Alertmanager is still down; then it starts and receives the alert from the retrying queue.
  bool firing = false;
  for (int i = 0; i < 80 && !firing; ++i) {
    REQUIRE(PushLines(store.port, pg, "checkpoint complete", 1));
    REQUIRE(PushLines(store.port, api, "level=ERROR request failed", 25));
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    firing = HttpGetBody(store.port, "/prometheus/api/v1/alerts").find(R"("state":"firing")") != std::string::npos;
  }
  REQUIRE(firing);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(HttpGetBody(store.port, "/metrics").find("skald_ruler_notifications_errors_total{url=\"http://127.0.0.1:" +
                                                std::to_string(am_port) + "\"} 0") == std::string::npos);
  Peer am = StartAlertmanager(dir.path(), log, am_port);
  REQUIRE(WaitHttp200(am.port, "/-/ready", 30000));
  Alerts high;
  for (int i = 0; i < 80 && high.empty(); ++i) {
    REQUIRE(PushLines(store.port, pg, "checkpoint complete", 1));
    REQUIRE(PushLines(store.port, api, "level=ERROR request failed", 25));
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    high = AmAlerts(am.port, "HighErrorRate");
  }
  REQUIRE(high.size() == 1);
  CHECK(high[0]["service"] == "api");
  CHECK(high[0]["severity"] == "warning");
  CHECK(high[0]["cluster"] == "e2e");
  CHECK(high[0]["ann:summary"] == "High error rate detected");
  const std::string desc = high[0]["ann:description"];
  CHECK(desc.starts_with("api is logging errors at "));
  CHECK(desc.ends_with(" errors/sec"));
  CHECK(high[0]["generatorURL"].starts_with("http://skald.test/graph?g0.expr="));
  CHECK(AmAlerts(am.port, "DatabaseDown").empty());

  // Phase 2: the burst stops, postgres keeps logging → HighErrorRate resolves in Alertmanager.
  bool resolved = false;
  for (int i = 0; i < 60 && !resolved; ++i) {
    REQUIRE(PushLines(store.port, pg, "checkpoint complete", 1));
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    resolved = AmAlerts(am.port, "HighErrorRate").empty();
  }
  CHECK(resolved);
  CHECK(AmAlerts(am.port, "DatabaseDown").empty());

  // Phase 3: postgres goes silent → DatabaseDown fires with the service label from the selector.
  Alerts down;
  for (int i = 0; i < 60 && down.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    down = AmAlerts(am.port, "DatabaseDown");
  }
  REQUIRE(down.size() == 1);
  CHECK(down[0]["service"] == "postgres");
  CHECK(down[0]["severity"] == "critical");
  CHECK(down[0]["ann:description"] == "postgres has not logged in 2 seconds");

  // The seed file loaded next to it: three rules evaluate, LowDiskSpace was rejected.
  {
    std::string rules = HttpGetBody(store.port, "/prometheus/api/v1/rules");
    CHECK(rules.find(R"("name":"datamancy-alerts","file":"seed.yaml")") != std::string::npos);
    CHECK(rules.find(R"("name":"AuthenticationFailureSpike")") != std::string::npos);
    CHECK(rules.find("LowDiskSpace") == std::string::npos);
    CHECK(ReadText(log).find("rule \\\"LowDiskSpace\\\": could not parse expression") != std::string::npos);
  }
}

TEST_CASE("ruler e2e: the rules API writes, lists and deletes groups", "[e2e]") {
  TempDir dir("skald-ruler-api");
  const std::string log = dir.path() + "/processes.log";
  Peer store = StartStoreWithRuler(dir.path(), "", log);
  REQUIRE(WaitReady(store.port, 15000));
  httplib::Client cli("127.0.0.1", store.port);
  auto none = cli.Get("/loki/api/v1/rules");
  REQUIRE(none);
  CHECK(none->status == 404);
  CHECK(none->body == "no rule groups found");
  const std::string group =
      "name: lines\ninterval: 1s\nrules:\n  - record: app:lines:count1m\n    expr: sum(count_over_time({app=\"x\"}[1m]))\n";
  auto post = cli.Post("/loki/api/v1/rules/ns1", group, "application/yaml");
  REQUIRE(post);
  CHECK(post->status == 202);
  CHECK(post->body == R"({"status":"success","data":null,"errorType":"","error":""})");
  auto bad = cli.Post("/api/prom/rules/ns1", "name: bad\nrules:\n  - alert: X\n    expr: '{app=\"x\"}'\n",
                      "application/yaml");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(bad->body.find("log query") != std::string::npos);
  auto list = cli.Get("/api/prom/rules");
  REQUIRE(list);
  CHECK(list->status == 200);
  CHECK(list->get_header_value("Content-Type") == "application/yaml");
  CHECK(list->body.find("ns1:\n  - name: lines\n") == 0);
  auto one = cli.Get("/loki/api/v1/rules/ns1/lines");
  REQUIRE(one);
  CHECK(one->body.find("record: app:lines:count1m") != std::string::npos);
  bool listed = false;
  for (int i = 0; i < 30 && !listed; ++i) {
    listed = HttpGetBody(store.port, "/prometheus/api/v1/rules?type=record").find(R"("health":"ok")") != std::string::npos;
    if (!listed) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(listed);
  auto del = cli.Delete("/loki/api/v1/rules/ns1/lines");
  REQUIRE(del);
  CHECK(del->status == 202);
  CHECK(cli.Get("/loki/api/v1/rules/ns1")->status == 404);
  CHECK(HttpGetBody(store.port, "/prometheus/api/v1/rules") == R"({"status":"success","data":{"groups":[]}})");
}
