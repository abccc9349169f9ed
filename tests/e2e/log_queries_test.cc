// Runs every ```logql block of docs/LOG_QUERIES.md against a real skald-store started on the shipped
// configs/skald-store.yaml, holding realistic container lines labelled as configs/skald-collector.yaml
// labels them; each result is checked against an oracle computed from the pushed lines.
#include <catch.hpp>
#include <httplib.h>
#include <simdjson.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/e2e/object_store_mode.h"
#include "tests/e2e/process.h"
#include "tests/e2e/seed_log_lines.h"

using namespace skald::e2e;

using Line = SeedLine;

namespace {

// ```logql blocks of the doc; inside a block, queries are separated by comment or blank lines and
// a query's consecutive lines are joined with one space.
std::vector<std::string> DocQueries(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  std::string line, cur;
  bool in_block = false;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(cur);
    cur.clear();
  };
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0) {
      flush();
      in_block = !in_block && line == "```logql";
      continue;
    }
    if (!in_block) continue;
    size_t b = line.find_first_not_of(' ');
    if (b == std::string::npos || line[b] == '#') {
      flush();
      continue;
    }
    if (!cur.empty()) cur += ' ';
    cur.append(line, b, std::string::npos);
  }
  return out;
}

// What a query must return: for a log query the kept lines (optionally re-rendered); for a metric
// query the value per group of `by` labels (or only the sum of all series when by == {"*"}).
struct Expect {
  std::function<bool(const Line&)> keep;
  std::function<std::string(const Line&)> render;
  std::vector<std::string> by;
  std::function<std::map<std::string, double>(const std::vector<Line>&)> values;
};

using Groups = std::map<std::string, double>;
bool Has(const Line& l, const char* s) {
  return l.text.find(s) != std::string::npos;
}
std::string Lbl(const Line& l, const char* k) {
  auto m = SeedLabels(l);
  return m.count(k) ? m[k] : "";
}

Groups CountBy(const std::vector<Line>& ls, const std::function<bool(const Line&)>& keep,
               const std::function<std::string(const Line&)>& key, double scale = 1) {
  Groups g;
  for (const auto& l : ls)
    if (keep(l)) g[key(l)] += scale;
  return g;
}

double Quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  double rank = q * static_cast<double>(v.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(rank));
  size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (rank - static_cast<double>(lo));
}

Groups TopK(Groups g, size_t k) {
  std::vector<std::pair<double, std::string>> v;
  for (auto& [n, c] : g) v.push_back({c, n});
  std::sort(v.rbegin(), v.rend());
  REQUIRE((v.size() <= k || v[k - 1].first != v[k].first));  // no tie at the cut in the data
  Groups out;
  for (size_t i = 0; i < std::min(k, v.size()); ++i) out[v[i].second] = v[i].first;
  return out;
}

auto Svc = [](const Line& l) { return l.service; };
auto Err = [](const Line& l) { return Lbl(l, "level") == "ERROR"; };
auto All = [](const Line&) { return true; };
auto Five = [](const Line& l) { return l.status >= 500; };

struct OracleTable {
  std::map<std::string, Expect> m;
  void log(const std::string& q, std::function<bool(const Line&)> keep,
           std::function<std::string(const Line&)> render = nullptr) {
    m[q] = {keep, render, {}, nullptr};
  }
  void metric(const std::string& q, std::vector<std::string> by,
              std::function<Groups(const std::vector<Line>&)> f) {
    m[q] = {nullptr, nullptr, by, f};
  }
};

// Errors by service, one container, JSON / logfmt fields.
void FieldOracles(OracleTable& t) {
  t.log(R"({job="docker", level="ERROR"})", Err);
  t.metric(R"(sum by (service) (count_over_time({job="docker", level="ERROR"}[5m])))", {"service"},
           [](auto& ls) { return CountBy(ls, Err, Svc); });
  t.metric(
      R"(sum by (service) (count_over_time({job="docker", level="ERROR"}[5m])) / sum by (service) (count_over_time({job="docker"}[5m])))",
      {"service"}, [](auto& ls) {
        Groups e = CountBy(ls, Err, Svc), a = CountBy(ls, All, Svc);
        for (auto& [k, v] : e) v /= a[k];
        return e;
      });
  t.log(R"({container="caddy"} != "/healthz")",
        [](const Line& l) { return l.service == "caddy" && !Has(l, "/healthz"); });
  t.log(R"({container="postgres", stream="stderr"})",
        [](const Line& l) { return l.service == "postgres" && l.stream == "stderr"; });
  t.log(R"({service="caddy"} | json | request_method="POST" and status >= 400)",
        [](const Line& l) { return l.service == "caddy" && l.method == "POST" && l.status >= 400; });
  t.log(R"({service="authelia"} | logfmt | level="error" | line_format "{{.remote_ip}} {{.msg}}")",
        [](const Line& l) { return l.service == "authelia" && Has(l, "level=error"); },
        [](const Line& l) { return l.remote_ip + " " + l.msg; });
}

// 5xx rates, noisy containers, unwrap.
void RateOracles(OracleTable& t) {
  t.metric(
      R"(sum by (service) (rate({job="docker"} |= "status" | json | __error__="" | status >= 500 [5m])))",
      {"service"}, [](auto& ls) { return CountBy(ls, Five, Svc, 1.0 / 300); });
  t.metric(R"(sum by (service, http_status) (rate({job="docker", http_status=~"5.."}[5m])))",
           {"service", "http_status"}, [](auto& ls) {
             return CountBy(
                 ls, [](const Line& l) { return Lbl(l, "http_status")[0] == '5'; },
                 [](const Line& l) { return l.service + "," + Lbl(l, "http_status"); }, 1.0 / 300);
           });
  t.metric(R"(topk(3, sum by (container) (count_over_time({job="docker"}[1h]))))", {"container"},
           [](auto& ls) { return TopK(CountBy(ls, All, Svc), 3); });
  t.metric(R"(topk(3, sum by (container) (bytes_over_time({job="docker"}[1h]))))", {"container"},
           [](auto& ls) {
             Groups g;
             for (const auto& l : ls) g[l.service] += static_cast<double>(l.text.size());
             return TopK(g, 3);
           });
  t.log(R"({service="caddy"} | json | duration > 1)",
        [](const Line& l) { return l.service == "caddy" && l.dur > 1; });
  t.metric(
      R"(quantile_over_time(0.99, {service="caddy"} | json | __error__="" | unwrap duration [5m]) by (service))",
      {"service"}, [](auto& ls) {
        std::vector<double> d;
        for (auto& l : ls)
          if (l.service == "caddy") d.push_back(l.dur);
        return Groups{{"caddy", Quantile(d, 0.99)}};
      });
  t.metric(
      R"(avg_over_time({service="vllm"} | json | __error__="" | unwrap duration(duration) [5m]) by (service))",
      {"service"}, [](auto& ls) {
        double s = 0, n = 0;
        for (auto& l : ls)
          if (l.service == "vllm") {
            s += l.dur;
            ++n;
          }
        return Groups{{"vllm", s / n}};
      });
}

// Stack traces and correlation.
void TraceOracles(OracleTable& t) {
  t.log(R"({service="probe-orchestrator"} |= "Exception" |~ "\n\\s+at ")", [](const Line& l) {
    return l.service == "probe-orchestrator" && Has(l, "Exception") && Has(l, "\n\tat ");
  });
  t.log(
      R"({service="probe-orchestrator"} |~ "Caused by: java.net.ConnectException" | line_format "{{ __line__ | trunc 80 }}")",
      [](const Line& l) {
        return l.service == "probe-orchestrator" && Has(l, "Caused by: java.net.ConnectException");
      },
      [](const Line& l) { return l.text.substr(0, 80); });
  t.log(R"({job="docker"} |= "request_id=abc123")",
        [](const Line& l) { return Has(l, "request_id=abc123"); });
}

// The seed's queries.logql, and the corrected line_format.
void SeedOracles(OracleTable& t) {
  t.log(R"({service="postgres"})", [](const Line& l) { return l.service == "postgres"; });
  t.log(R"({job="docker"} |= "ERROR")", [](const Line& l) { return Has(l, "ERROR"); });
  t.log(R"({service="vllm"} | json | duration > 1s)",
        [](const Line& l) { return l.service == "vllm" && l.dur > 1; });
  t.log(R"({service="authelia"} |= "authentication failed")",
        [](const Line& l) { return l.service == "authelia" && Has(l, "authentication failed"); });
  t.log(R"({service=~"postgres|mariadb"} |= "connection refused")", [](const Line& l) {
    return (l.service == "postgres" || l.service == "mariadb") && Has(l, "connection refused");
  });
  t.metric(R"(rate({service="caddy"} | json | http_status >= 500 [5m]))", {"*"}, [](auto& ls) {
    return CountBy(
        ls, [](const Line& l) { return l.service == "caddy" && l.status >= 500; },
        [](const Line&) { return std::string("*"); }, 1.0 / 300);
  });
  t.metric(R"(topk(10, sum by (container) (count_over_time({job="docker"}[1h]))))", {"container"},
           [](auto& ls) { return CountBy(ls, All, Svc); });
  t.log(R"({job="docker", level="ERROR"} | line_format "{{.service}}: {{.log}}")", Err,
        [](const Line& l) { return l.service + ": "; });
  t.log(R"({job="docker", level="ERROR"} | line_format "{{.service}}: {{__line__}}")", Err,
        [](const Line& l) { return l.service + ": " + l.text; });
}

std::map<std::string, Expect> Oracles() {
  OracleTable t;
  FieldOracles(t);
  RateOracles(t);
  TraceOracles(t);
  SeedOracles(t);
  return t.m;
}

simdjson::dom::element Get(simdjson::dom::parser& p, int port, const std::string& path,
                           const httplib::Params& params) {
  httplib::Client cli("127.0.0.1", port);
  auto res = cli.Get(path, params, httplib::Headers{});
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 200);
  return p.parse(res->body).value();  // parse copies the body into the parser's buffer
}

void CheckLog(int port, const std::string& q, const Expect& e, const std::vector<Line>& lines, int64_t now) {
  simdjson::dom::parser p;
  auto doc = Get(p, port, "/loki/api/v1/query_range",
                 {{"query", q},
                  {"limit", "5000"},
                  {"start", std::to_string(now - 3600LL * 1000000000)},
                  {"end", std::to_string(now + 60LL * 1000000000)}});
  std::vector<std::string> got, want;
  for (auto s : doc["data"]["result"].get_array()) {
    std::string svc(s["stream"]["service"].get_string().value());
    for (auto v : s["values"].get_array())
      got.push_back(svc + " | " + std::string(v.at(1).get_string().value()));
  }
  for (const auto& l : lines)
    if (e.keep(l)) want.push_back(l.service + " | " + (e.render ? e.render(l) : l.text));
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  REQUIRE(!want.empty());
  CHECK(got == want);
}

void CheckMetric(int port, const std::string& q, const Expect& e, const std::vector<Line>& lines,
                 int64_t now) {
  simdjson::dom::parser p;
  auto doc = Get(p, port, "/loki/api/v1/query", {{"query", q}, {"time", std::to_string(now)}});
  REQUIRE(std::string(doc["data"]["resultType"].get_string().value()) == "vector");
  Groups got;
  for (auto s : doc["data"]["result"].get_array()) {
    std::string key;
    for (const auto& b : e.by) {
      std::string_view v = "*";
      if (b != "*" && s["metric"][b].get_string().get(v) != simdjson::SUCCESS) v = "<missing>";
      if (!key.empty()) key += ',';
      key.append(v);
    }
    got[key] += std::stod(std::string(s["value"].at(1).get_string().value()));
  }
  Groups want = e.values(lines);
  REQUIRE(!want.empty());
  CHECK(got.size() == want.size());
  for (const auto& [k, v] : want) {
    INFO("group " << k << " want " << v << " got " << (got.count(k) ? got[k] : -1));
    CHECK(std::fabs(got[k] - v) <= 1e-6 * std::max(1.0, std::fabs(v)));
  }
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t i = s.find(from); i != std::string::npos; i = s.find(from, i + to.size()))
    s.replace(i, from.size(), to);
  return s;
}

// configs/grafana-dashboard-docker-logs.json: each panel's expr, with Grafana's variables replaced as
// Grafana would ($service = All), answers 200 with data; the service variable's values come back.
void CheckDashboard(int port, int64_t now, size_t services) {
  std::ifstream in(SKALD_SOURCE_DIR "/configs/grafana-dashboard-docker-logs.json");
  std::stringstream ss;
  ss << in.rdbuf();
  simdjson::dom::parser dp;
  auto dash = dp.parse(ss.str()).value();
  size_t n = 0;
  for (auto panel : dash["panels"].get_array()) {
    for (auto t : panel["targets"].get_array()) {
      std::string q(t["expr"].get_string().value());
      q = Replace(Replace(Replace(Replace(q, "$service", ".+"), "$__interval", "1m"), "$__range", "1h"),
                  "$search", "");
      INFO("dashboard query: " << q);
      simdjson::dom::parser p;
      const bool log = q[0] == '{';
      auto doc = log ? Get(p, port, "/loki/api/v1/query_range",
                           {{"query", q},
                            {"limit", "1000"},
                            {"start", std::to_string(now - 3600LL * 1000000000)},
                            {"end", std::to_string(now)}})
                     : Get(p, port, "/loki/api/v1/query_range",
                           {{"query", q},
                            {"step", "60"},
                            {"start", std::to_string(now - 3600LL * 1000000000)},
                            {"end", std::to_string(now)}});
      CHECK(doc["data"]["result"].get_array().value().size() > 0);
      ++n;
    }
  }
  CHECK(n == 5);
  simdjson::dom::parser p;
  auto vals = Get(p, port, "/loki/api/v1/label/service/values",
                  {{"query", R"({job="docker"})"},
                   {"start", std::to_string(now - 3600LL * 1000000000)},
                   {"end", std::to_string(now)}});
  CHECK(vals["data"].get_array().value().size() == services);
}

}  // namespace

TEST_CASE("docs/LOG_QUERIES.md: every query returns what the pushed lines say", "[e2e][objstore]") {
  const std::vector<std::string> queries = DocQueries(SKALD_SOURCE_DIR "/docs/LOG_QUERIES.md");
  const std::map<std::string, Expect> oracles = Oracles();
  REQUIRE(queries.size() >= 20);
  for (const auto& q : queries) {
    INFO("doc query without an oracle in this test: " << q);
    CHECK(oracles.count(q) == 1);
  }
  TempDir dir("skald-logq");
  const int port = FreePort();
  // The shipped store config, as the compose stack runs it (with the repo's rules and retention).
  setenv("SKALD_DATA", dir.path().c_str(), 1);
  setenv("SKALD_CONFIG_DIR", SKALD_SOURCE_DIR "/configs", 1);
  setenv("SKALD_HTTP_PORT", std::to_string(port).c_str(), 1);
  // The "e2e-s3: " variant: the same file followed by the bucket sections (object_store_mode.h).
  std::string config = SKALD_SOURCE_DIR "/configs/skald-store.yaml";
  if (ObjectStoreMode()) {
    WriteFile(dir.path() + "/store.yaml", ReadFile(config) + "\n" + ObjectStoreYaml(dir.path() + "/store"));
    config = dir.path() + "/store.yaml";
  }
  Process store({BinPath("skald-store"), "-config.file=" + config, "-config.expand-env=true"},
                dir.path() + "/store.log");
  unsetenv("SKALD_HTTP_PORT");
  unsetenv("SKALD_CONFIG_DIR");
  unsetenv("SKALD_DATA");
  if (!WaitReady(port, 15000)) FAIL("store not ready: " << ReadFile(dir.path() + "/store.log"));

  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const std::vector<Line> lines = MakeSeedLines(now);
  httplib::Client cli("127.0.0.1", port);
  auto res = cli.Post("/loki/api/v1/push", SeedPushBody(lines), "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 204);
  SettleInBucket(port, dir.path() + "/store");   // path_prefix of the shipped config

  for (const auto& q : queries) {
    auto it = oracles.find(q);
    if (it == oracles.end()) continue;
    INFO("query: " << q);
    if (q[0] == '{')
      CheckLog(port, q, it->second, lines, now);
    else
      CheckMetric(port, q, it->second, lines, now);
  }
  CheckDashboard(port, now, 6);
  CheckReadsHitBucket(port);
}
