// Issue #23 acceptance: a real Prometheus scrapes skald-store and skald-collector and every expression in
// tests/e2e/testdata/mixin-expressions.yaml (Loki/Promtail mixins, Skald dashboard) returns a non-empty result.
#include <catch.hpp>
#include <fmt/format.h>
#include <httplib.h>
#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <functional>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/process.h"
#include "tests/e2e/ruler_harness.h"
#include "tests/e2e/store_under_test.h"

using namespace skald::e2e;

namespace {

struct Expr {
  std::string group, source, title, expr, check;  // check: what is evaluated (expr after substitution)
};

struct ExpressionList {
  std::vector<Expr> exprs;
  std::string recording_rules_yaml;  // a Prometheus rule file
  size_t recording_rules = 0;
  size_t not_applicable = 0;
};

// Absolute: Prometheus resolves relative rule_files against its own config file's directory.
std::string SourceDir() { return SKALD_SOURCE_DIR; }

// Applies the list's `substitutions` (ECMAScript regex → replacement, in order).
std::string Substitute(const YAML::Node& subs, std::string s) {
  for (const auto& sub : subs) {
    s = std::regex_replace(s, std::regex(sub["regex"].as<std::string>()), sub["replace"].as<std::string>());
  }
  return s;
}

ExpressionList LoadList(const std::string& path) {
  YAML::Node doc = YAML::LoadFile(path);
  ExpressionList out;
  for (const char* group : {"loki_mixin", "promtail_mixin", "skald"}) {
    for (const auto& e : doc[group]) {
      Expr x{group, e["source"].as<std::string>(), e["title"].as<std::string>(), e["expr"].as<std::string>(), ""};
      // `check` replaces the expression where its trailing filter or threshold is dropped (alerts).
      x.check = Substitute(doc["substitutions"], e["check"] ? e["check"].as<std::string>() : x.expr);
      out.exprs.push_back(std::move(x));
    }
  }
  YAML::Node rules;
  for (const auto& g : doc["recording_rules"]) {
    YAML::Node group;
    group["name"] = g["name"];
    group["rules"] = g["rules"];
    out.recording_rules += g["rules"].size();
    rules["groups"].push_back(group);
  }
  out.recording_rules_yaml = YAML::Dump(rules) + "\n";
  out.not_applicable = doc["not_applicable"].size();
  return out;
}

// Every `expr` of a Grafana dashboard JSON's panels (nested rows included).
void CollectDashboardExprs(simdjson::dom::element node, std::set<std::string>* out) {
  if (node.is_array()) {
    for (auto child : node.get_array()) CollectDashboardExprs(child, out);
    return;
  }
  if (!node.is_object()) return;
  for (auto field : node.get_object()) {
    if (field.key == "expr" && field.value.is_string()) out->insert(std::string(field.value.get_string().value()));
    else CollectDashboardExprs(field.value, out);
  }
}

std::string PrometheusYaml(int store_port, int collector_port, const std::string& dir) {
  // Target labels as the mixins' selectors expect: job="<namespace>/<component>", cluster, namespace.
  return fmt::format(
      "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
      "rule_files:\n  - {0}/mixin-rules.yaml\n  - {1}/configs/prometheus-alerts-skald.yaml\n"
      "scrape_configs:\n"
      "  - job_name: skald/loki\n    static_configs:\n      - targets: ['127.0.0.1:{2}']\n"
      "        labels: {{cluster: skald-e2e, namespace: skald}}\n"
      "  - job_name: skald/promtail\n    static_configs:\n      - targets: ['127.0.0.1:{3}']\n"
      "        labels: {{cluster: skald-e2e, namespace: skald}}\n",
      dir, SourceDir(), store_port, collector_port);
}

std::string CollectorYaml(const std::string& dir, int port, int store_port) {
  return fmt::format(
      "server:\n  http_listen_port: {1}\npositions:\n  filename: {0}/positions.yaml\n  sync_period: 100ms\n"
      "clients:\n  - url: http://127.0.0.1:{2}/loki/api/v1/push\n    batchwait: 100ms\n"
      "scrape_configs:\n  - job_name: files\n    static_configs:\n"
      "      - targets: [localhost]\n        labels:\n          job: app\n          __path__: {0}/logs/*.log\n"
      "    pipeline_stages:\n      - regex:\n          expression: '(?P<level>(ERROR|INFO))'\n"
      "      - labels:\n          level:\n",
      dir, port, store_port);
}

std::string StoreExtra(const std::string& dir) {
  return "ingester:\n  chunk_idle_period: 1s\n  max_chunk_age: 2s\n"
         "limits_config:\n  retention_period: 48h\n  reject_old_samples_max_age: 1w\n"
         "compactor:\n  working_directory: " + dir + "/compactor\n  compaction_interval: 1s\n"
         "  retention_enabled: true\n  retention_delete_delay: 0s\n  delete_request_cancel_period: 1s\n"
         "  delete_request_store: filesystem\n";
}

// The traffic the dashboards show: pushes (fresh, 3 days old = past retention, 2 weeks old = rejected),
// a flush, queries of every read route, a delete request, and lines the collector tails.
void Drive(int port, const std::string& logs_dir, int round) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(10, 0);
  const int64_t now = NowNs(), day = 86400LL * 1000000000LL;
  std::vector<skald::LogEntry> fresh, old, too_old;
  for (int i = 0; i < 50; ++i) fresh.push_back({now - 1000000LL * (50 - i), fmt::format("GET /{} 200", i), {}});
  old.push_back({now - 3 * day + round, fmt::format("old line {}", round), {}});
  too_old.push_back({now - 14 * day, "too old", {}});
  const std::string stream = fmt::format("r{}", round);
  cli.Post("/loki/api/v1/push", JsonPushBody({MakeStream({{"job", "mixin"}, {"round", stream}}, fresh)}),
           "application/json");
  cli.Post("/loki/api/v1/push", JsonPushBody({MakeStream({{"job", "mixin-old"}}, old)}), "application/json");
  cli.Post("/loki/api/v1/push", JsonPushBody({MakeStream({{"job", "mixin"}}, too_old)}), "application/json");
  cli.Post("/flush", "", "text/plain");
  httplib::Params range{{"query", R"(sum by (round) (count_over_time({job="mixin"}[1m])))"}, {"since", "10m"}};
  cli.Get("/loki/api/v1/query_range", range, httplib::Headers{});
  httplib::Params instant{{"query", R"(count_over_time({job="mixin"}[5m]))"}};
  cli.Get("/loki/api/v1/query", instant, httplib::Headers{});
  cli.Get("/loki/api/v1/labels");
  cli.Get("/loki/api/v1/label/job/values");
  cli.Get("/loki/api/v1/series?match[]=%7Bjob%3D%22mixin%22%7D");
  if (round == 0) {
    httplib::Params del{{"query", R"({job="mixin"} |= "GET /1 ")"}, {"start", std::to_string(now / 1000000000LL - 600)}};
    cli.Post("/loki/api/v1/delete", del);
  }
  AppendFile(logs_dir + "/app.log", fmt::format("INFO round {}\nERROR round {}\n", round, round));
}

// /api/v1/query: "" when the result is non-empty, else why not.
std::string EvaluateNonEmpty(int prom_port, const std::string& expr) {
  httplib::Client cli("127.0.0.1", prom_port);
  cli.set_read_timeout(10, 0);
  auto res = cli.Get("/api/v1/query", httplib::Params{{"query", expr}}, httplib::Headers{});
  if (!res) return "no answer from Prometheus";
  if (res->status != 200) return fmt::format("HTTP {}: {}", res->status, res->body);
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  if (p.parse(res->body).get(doc) != simdjson::SUCCESS) return "unparsable answer";
  simdjson::dom::element result = doc["data"]["result"];
  if (result.is_array() && result.get_array().size() == 0) return "empty result";
  return "";
}

// Each expression's failure ("" = passed), retried while Prometheus gathers scrapes.
std::vector<std::string> EvaluateAll(int prom_port, const std::vector<Expr>& exprs, int tries,
                                     const std::function<void(int)>& between) {
  std::vector<std::string> why(exprs.size(), "not evaluated");
  for (int t = 0; t < tries; ++t) {
    bool all = true;
    for (size_t i = 0; i < exprs.size(); ++i) {
      if (!why[i].empty()) why[i] = EvaluateNonEmpty(prom_port, exprs[i].check);
      all = all && why[i].empty();
    }
    if (all) break;
    between(t);
  }
  return why;
}

std::string Promtool(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"/usr/bin/promtool"};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult r = Run(argv);
  return r.code == 0 ? "" : r.out + r.err;
}

// promtool accepts the mixin recording rules (as the list holds them) and the shipped Skald configs.
void CheckWithPromtool(const ExpressionList& list, const std::string& dir) {
  const std::string src = SourceDir();
  WriteFile(dir + "/mixin-rules.yaml", list.recording_rules_yaml);
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"check", "rules", dir + "/mixin-rules.yaml"},
           {"check", "rules", src + "/configs/prometheus-alerts-skald.yaml"},
           {"check", "config", src + "/configs/prometheus-skald.yaml"}}) {
    const std::string problem = Promtool(args);
    INFO("promtool " << args[0] << " " << args[1] << " " << args[2] << ": " << problem);
    REQUIRE(problem.empty());
  }
}

std::unique_ptr<Process> StartCollector(const std::string& dir, int port, int store_port) {
  std::filesystem::create_directories(dir + "/logs");
  WriteFile(dir + "/logs/app.log", "INFO starting\n");
  WriteFile(dir + "/collector.yaml", CollectorYaml(dir, port, store_port));
  return std::make_unique<Process>(
      std::vector<std::string>{BinPath("skald-collector"), "-config.file=" + dir + "/collector.yaml"},
      dir + "/collector.log");
}

std::unique_ptr<Process> StartPrometheus(const std::string& dir, int port, int store_port, int collector_port) {
  std::filesystem::create_directories(dir + "/prom-data");
  WriteFile(dir + "/prom.yml", PrometheusYaml(store_port, collector_port, dir));
  return std::make_unique<Process>(
      std::vector<std::string>{"/usr/bin/prometheus", "--config.file=" + dir + "/prom.yml",
                               "--storage.tsdb.path=" + dir + "/prom-data",
                               "--web.listen-address=127.0.0.1:" + std::to_string(port)},
      dir + "/prometheus.log");
}

// The seed's phase-1 check: curl /metrics | grep loki_ingester_streams_created_total prints non-zero.
void CheckSeedStreamsCreated(int store_port) {
  const std::string metrics = HttpGetBody(store_port, "/metrics");
  std::smatch m;
  const std::regex created(R"((^|\n)loki_ingester_streams_created_total(\{[^}]*\})? ([0-9.e+]+))");
  INFO("store /metrics: no loki_ingester_streams_created_total sample, or it is 0");
  REQUIRE(std::regex_search(metrics, m, created));
  CHECK(std::stod(m[3].str()) > 0);
}

// One line per failed expression: group, source, panel or alert, why, and what was evaluated.
std::string FailureReport(const ExpressionList& list, const std::vector<std::string>& why, size_t* failed) {
  std::string report;
  for (size_t i = 0; i < why.size(); ++i) {
    if (why[i].empty()) continue;
    ++*failed;
    report += fmt::format("\n  [{}] {} / \"{}\": {}\n      {}", list.exprs[i].group, list.exprs[i].source,
                          list.exprs[i].title, why[i], list.exprs[i].check);
  }
  return report;
}

// Rules Prometheus loaded (mixin recording rules + Skald alerts) that failed to evaluate, and the count.
std::string RuleErrors(int prom_port, size_t* loaded) {
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  if (p.parse(HttpGetBody(prom_port, "/api/v1/rules")).get(doc) != simdjson::SUCCESS) return "no /api/v1/rules";
  std::string errors;
  for (auto group : doc["data"]["groups"].get_array()) {
    for (auto rule : group["rules"].get_array()) {
      ++*loaded;
      if (std::string_view(rule["health"].get_string().value()) == "err") {
        errors += fmt::format("\n  {}: {}", std::string_view(rule["name"].get_string().value()),
                              std::string_view(rule["lastError"].get_string().value()));
      }
    }
  }
  return errors;
}

}  // namespace

TEST_CASE("e2e: Skald's alert rules, scrape config and dashboard are valid and every panel is listed", "[e2e]") {
  if (!HaveBinary("/usr/bin/promtool")) return;
  ExpressionList list = LoadList(SourceDir() + "/tests/e2e/testdata/mixin-expressions.yaml");
  TempDir dir("skald-mixin-configs");
  CheckWithPromtool(list, dir.path());
  // Every expression of the Skald dashboard is in the list's `skald` group, so none goes unevaluated.
  simdjson::dom::parser jp;
  std::set<std::string> dash;
  CollectDashboardExprs(jp.load(SourceDir() + "/configs/grafana-dashboard-skald.json"), &dash);
  REQUIRE(!dash.empty());
  std::set<std::string> listed;
  for (const Expr& e : list.exprs) {
    if (e.group == "skald") listed.insert(e.expr);
  }
  for (const std::string& e : dash) {
    INFO("dashboard expression missing from mixin-expressions.yaml group skald: " << e);
    CHECK(listed.count(e) == 1);
  }
}

TEST_CASE("e2e: Loki and Promtail mixin dashboards and alerts evaluate non-empty against Skald", "[e2e]") {
  if (!HaveBinary("/usr/bin/prometheus") || !HaveBinary("/usr/bin/promtool")) return;
  ExpressionList list = LoadList(SourceDir() + "/tests/e2e/testdata/mixin-expressions.yaml");
  TempDir dir("skald-mixin");
  CheckWithPromtool(list, dir.path());
  StoreUnderTest store(dir.path());
  store.Configure(dir.path() + "/data", false, StoreExtra(dir.path()));
  REQUIRE(store.Start());
  const int collector_port = FreePort(), prom_port = FreePort();
  auto collector = StartCollector(dir.path(), collector_port, store.port());
  REQUIRE(WaitReady(collector_port, 15000));
  Drive(store.port(), dir.path() + "/logs", 0);
  auto prom = StartPrometheus(dir.path(), prom_port, store.port(), collector_port);
  REQUIRE(WaitHttp200(prom_port, "/-/ready", 20000));
  CheckSeedStreamsCreated(store.port());

  std::this_thread::sleep_for(std::chrono::seconds(4));  // a few scrapes and rule evaluations
  auto why = EvaluateAll(prom_port, list.exprs, 12, [&](int t) {
    Drive(store.port(), dir.path() + "/logs", t + 1);
    std::this_thread::sleep_for(std::chrono::seconds(2));
  });
  size_t failed = 0;
  const std::string report = FailureReport(list, why, &failed);
  INFO(fmt::format("{} of {} expressions failed ({} listed as not applicable):{}", failed, why.size(),
                   list.not_applicable, report));
  CHECK(failed == 0);
  size_t alerts = 0;
  for (const auto& g : YAML::LoadFile(SourceDir() + "/configs/prometheus-alerts-skald.yaml")["groups"]) {
    alerts += g["rules"].size();
  }
  // Every rule loaded (on a busy machine the API can list the groups before all are in).
  size_t rules = 0;
  std::string rule_errors;
  for (int i = 0; i < 30; ++i) {
    rules = 0;
    rule_errors = RuleErrors(prom_port, &rules);
    if (rules == list.recording_rules + alerts) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  INFO("rules failing in Prometheus:" << rule_errors);
  CHECK(rule_errors.empty());
  CHECK(rules == list.recording_rules + alerts);
  prom->Kill(SIGTERM);
  CHECK(prom->WaitFor(10000) == 0);
  collector->Kill(SIGTERM);
  CHECK(collector->WaitFor(10000) == 0);
  CHECK(store.Stop() == 0);
}
