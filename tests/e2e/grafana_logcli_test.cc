// The requests Grafana's Loki data source and logcli make, against a real skald-store process:
// label browser, query_range as Grafana sends it, show-context, logcli paging both ways, the health
// check and the logs-volume query, each answer checked field by field against what was pushed.
#include <catch.hpp>
#include <httplib.h>
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "tests/e2e/object_store_mode.h"
#include "tests/e2e/process.h"
#include "tests/e2e/store_under_test.h"

using namespace skald::e2e;

namespace {

constexpr int64_t kSec = 1000000000LL;

struct Pushed {
  std::map<std::string, std::string> labels;   // as pushed (the store adds service_name)
  int64_t ts;
  std::string line;
};

// Three streams over 20 minutes ending a minute before now.
std::vector<Pushed> Lines(int64_t base) {
  std::vector<Pushed> out;
  for (int i = 0; i < 60; ++i)
    out.push_back({{{"job", "app"}, {"service", "api"}, {"level", "info"}}, base + i * 10 * kSec,
                   "GET /api/items/" + std::to_string(i) + " status=200 took=" + std::to_string(i) + "ms"});
  for (int i = 0; i < 20; ++i)
    out.push_back({{{"job", "app"}, {"service", "api"}, {"level", "error"}}, base + i * 30 * kSec + 5 * kSec,
                   "failed to connect to db attempt=" + std::to_string(i)});
  for (int i = 0; i < 30; ++i)
    out.push_back({{{"job", "app"}, {"service", "web"}}, base + i * 20 * kSec + 7 * kSec,
                   R"({"msg":"render","page":)" + std::to_string(i) + "}"});
  return out;
}

std::string PushBody(const std::vector<Pushed>& lines) {
  std::map<std::map<std::string, std::string>, std::vector<const Pushed*>> by;
  for (const auto& p : lines) by[p.labels].push_back(&p);
  std::string b = R"({"streams":[)";
  for (const auto& [ls, ps] : by) {
    if (b.back() != '[') b.append(",");
    b.append(R"({"stream":{)");
    for (const auto& [k, v] : ls) {
      if (b.back() != '{') b.append(",");
      b.append("\"").append(k).append("\":\"").append(v).append("\"");
    }
    b.append(R"(},"values":[)");
    for (const auto* p : ps) {
      if (b.back() != '[') b.append(",");
      b.append("[\"").append(std::to_string(p->ts)).append("\",\"");
      for (char c : p->line) {
        if (c == '"') b.push_back('\\');
        b.push_back(c);
      }
      b.append("\"]");
    }
    b.append("]}");
  }
  b.append("]}");
  return b;
}

struct Api {
  httplib::Client cli;
  simdjson::dom::parser parser;
  explicit Api(int port) : cli("127.0.0.1", port) {}
  simdjson::dom::element Get(const std::string& path, const httplib::Params& params) {
    auto res = cli.Get(path, params, httplib::Headers{});
    REQUIRE(res);
    INFO(path << " -> " << res->status << " " << res->body);
    REQUIRE(res->status == 200);
    simdjson::dom::element doc;
    REQUIRE(parser.parse(res->body).get(doc) == simdjson::SUCCESS);
    REQUIRE(std::string_view(doc["status"]) == "success");
    return doc;
  }
};

std::vector<std::string> Strings(simdjson::dom::element arr) {
  std::vector<std::string> out;
  for (auto v : arr.get_array()) out.emplace_back(std::string_view(v));
  return out;
}

std::map<std::string, std::string> Object(simdjson::dom::element obj) {
  std::map<std::string, std::string> out;
  for (auto [k, v] : obj.get_object()) out[std::string(k)] = std::string(std::string_view(v));
  return out;
}

// (labels, ts, line) of a streams result, in response order.
using Row = std::tuple<std::map<std::string, std::string>, int64_t, std::string>;
std::vector<Row> Rows(simdjson::dom::element doc) {
  REQUIRE(std::string_view(doc["data"]["resultType"]) == "streams");
  std::vector<Row> out;
  for (auto s : doc["data"]["result"].get_array()) {
    auto ls = Object(s["stream"]);
    for (auto v : s["values"].get_array()) {
      auto a = v.get_array();
      REQUIRE(a.size() == 2);
      out.emplace_back(ls, std::stoll(std::string(std::string_view(a.at(0)))), std::string(std::string_view(a.at(1))));
    }
  }
  return out;
}

std::map<std::string, std::string> WithService(std::map<std::string, std::string> ls) {
  ls["service_name"] = ls["service"];
  return ls;
}

struct Fixture {
  TempDir dir{"skald-grafana"};
  int port = FreePort();
  std::unique_ptr<Process> store;
  int64_t now = 0, base = 0;
  std::vector<Pushed> lines;
  Fixture() {
    WriteFile(dir.path() + "/store.yaml", StoreYaml(port, dir.path() + "/data", false));
    store = std::make_unique<Process>(
        std::vector<std::string>{BinPath("skald-store"), "-config.file=" + dir.path() + "/store.yaml"},
        dir.path() + "/store.log");
    if (!WaitReady(port, 15000)) FAIL("store not ready: " << ReadFile(dir.path() + "/store.log"));
    now = NowNs();
    base = (now - 21 * 60 * kSec) / kSec * kSec;
    lines = Lines(base);
    httplib::Client cli("127.0.0.1", port);
    auto res = cli.Post("/loki/api/v1/push", PushBody(lines), "application/json");
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 204);
    SettleInBucket(port, dir.path() + "/data");   // the "e2e-s3: " variant reads these from the bucket
  }
  std::string Start() const { return std::to_string(base - 60 * kSec); }
  std::string End() const { return std::to_string(now); }
  // Pushed rows of the streams matching `keep`, newest first (backward) or oldest first.
  std::vector<Row> Want(bool backward, const std::function<bool(const Pushed&)>& keep) const {
    std::vector<Row> out;
    for (const auto& p : lines)
      if (keep(p)) out.emplace_back(WithService(p.labels), p.ts, p.line);
    std::sort(out.begin(), out.end(), [&](const Row& a, const Row& b) {
      return backward ? std::get<1>(a) > std::get<1>(b) : std::get<1>(a) < std::get<1>(b);
    });
    return out;
  }
};

// Streams come sorted by label string, entries inside one in query order: compare as sets of
// per-stream sequences by flattening in timestamp order (the pushed timestamps are all distinct).
std::vector<Row> ByTime(std::vector<Row> rows, bool backward) {
  std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    return backward ? std::get<1>(a) > std::get<1>(b) : std::get<1>(a) < std::get<1>(b);
  });
  return rows;
}

TEST_CASE("grafana: label browser, query_range, show context, health check, logs volume", "[e2e][objstore]") {
  Fixture f;
  Api api(f.port);
  const httplib::Params range{{"start", f.Start()}, {"end", f.End()}};

  SECTION("label browser") {
    CHECK(Strings(api.Get("/loki/api/v1/labels", range)["data"]) ==
          std::vector<std::string>{"job", "level", "service", "service_name"});
    CHECK(Strings(api.Get("/loki/api/v1/label/level/values", range)["data"]) == std::vector<std::string>{"error", "info"});
    auto p = range;
    p.emplace("query", R"({level="error"})");
    CHECK(Strings(api.Get("/loki/api/v1/label/service/values", p)["data"]) == std::vector<std::string>{"api"});
    p = range;
    p.emplace("match[]", R"({job="app", service="api"})");
    std::set<std::map<std::string, std::string>> got;
    for (auto s : api.Get("/loki/api/v1/series", p)["data"].get_array()) got.insert(Object(s));
    CHECK(got == std::set<std::map<std::string, std::string>>{
                     {{"job", "app"}, {"level", "error"}, {"service", "api"}, {"service_name", "api"}},
                     {{"job", "app"}, {"level", "info"}, {"service", "api"}, {"service_name", "api"}}});
  }

  SECTION("query_range as the data source sends it, streams sorted by labels") {
    auto p = range;
    p.emplace("query", R"({job="app"})");
    p.emplace("limit", "1000");
    p.emplace("step", "2000ms");
    p.emplace("direction", "backward");
    auto doc = api.Get("/loki/api/v1/query_range", p);
    auto rows = Rows(doc);
    CHECK(ByTime(rows, true) == f.Want(true, [](const Pushed&) { return true; }));
    std::vector<std::string> order;
    for (auto s : doc["data"]["result"].get_array()) {
      std::string key;
      for (auto [k, v] : Object(s["stream"])) key += k + "=" + v + ",";
      order.push_back(key);
      int64_t prev = INT64_MAX;
      for (auto v : s["values"].get_array()) {   // newest first inside each stream
        int64_t ts = std::stoll(std::string(std::string_view(v.get_array().at(0))));
        CHECK(ts < prev);
        prev = ts;
      }
    }
    CHECK(order.size() == 3);
    CHECK(std::is_sorted(order.begin(), order.end()));
    int64_t lines = 0;
    REQUIRE(doc["data"]["stats"]["summary"]["totalLinesProcessed"].get(lines) == simdjson::SUCCESS);
    CHECK(lines >= 110);
    CheckReadsHitBucket(f.port);
  }

  SECTION("show context: rows before and after one row") {
    const Pushed& row = f.lines[30];   // stream A, i = 30
    const std::string sel = R"({job="app", level="info", service="api", service_name="api"})";
    auto info = [](const Pushed& p) { return p.labels.at("service") == "api" && p.labels.count("level") && p.labels.at("level") == "info"; };
    httplib::Params before{{"query", sel}, {"limit", "10"}, {"direction", "backward"},
                           {"start", std::to_string(row.ts - 7200 * kSec)}, {"end", std::to_string(row.ts)}};
    auto want_before = f.Want(true, [&](const Pushed& p) { return info(p) && p.ts < row.ts; });
    want_before.resize(10);
    CHECK(Rows(api.Get("/loki/api/v1/query_range", before)) == want_before);
    httplib::Params after{{"query", sel}, {"limit", "10"}, {"direction", "forward"},
                          {"start", std::to_string(row.ts)}, {"end", std::to_string(row.ts + 7200 * kSec)}};
    auto want_after = f.Want(false, [&](const Pushed& p) { return info(p) && p.ts >= row.ts; });
    want_after.resize(10);
    CHECK(Rows(api.Get("/loki/api/v1/query_range", after)) == want_after);
  }

  SECTION("health check: vector(1)+vector(1) at a far-future instant") {
    auto doc = api.Get("/loki/api/v1/query", {{"direction", "backward"}, {"query", "vector(1)+vector(1)"}, {"time", "4000000000"}});
    CHECK(std::string_view(doc["data"]["resultType"]) == "vector");
    auto r = doc["data"]["result"].get_array();
    REQUIRE(r.size() == 1);
    CHECK(Object(r.at(0)["metric"]).empty());
    auto v = r.at(0)["value"].get_array();
    CHECK(double(v.at(0)) == 4000000000.0);
    CHECK(std::string_view(v.at(1)) == "2");
  }

  SECTION("logs drilldown: patterns of one service with per-step samples") {
    auto p = range;
    p.emplace("query", R"({service_name="api", level="error"})");
    p.emplace("step", "60s");
    auto doc = api.Get("/loki/api/v1/patterns", p);
    auto data = doc["data"].get_array();
    REQUIRE(data.size() == 1);
    CHECK(std::string_view(data.at(0)["pattern"]) == "failed to connect to db attempt=<_>");
    int64_t total = 0;
    for (auto s : data.at(0)["samples"].get_array()) {
      CHECK(int64_t(s.get_array().at(0)) % 60 == 0);
      total += int64_t(s.get_array().at(1));
    }
    CHECK(total == 20);
  }

  SECTION("logs volume: sum by (level, detected_level) over count_over_time with drop __error__") {
    auto p = range;
    p.emplace("query", R"(sum by (level, detected_level) (count_over_time({job="app"} | drop __error__ [1m])))");
    p.emplace("step", "60000ms");
    auto doc = api.Get("/loki/api/v1/query_range", p);
    CHECK(std::string_view(doc["data"]["resultType"]) == "matrix");
    std::map<std::map<std::string, std::string>, double> totals;
    for (auto s : doc["data"]["result"].get_array()) {
      double sum = 0;
      double prev_t = 0;
      for (auto pt : s["values"].get_array()) {
        auto a = pt.get_array();
        double t = double(a.at(0));
        CHECK(t > prev_t);
        prev_t = t;
        sum += std::stod(std::string(std::string_view(a.at(1))));
      }
      totals[Object(s["metric"])] = sum;
    }
    // step = range = 1m: the windows tile the query range, so each line is counted once.
    CHECK(totals == std::map<std::map<std::string, std::string>, double>{
                        {{}, 30}, {{{"level", "error"}}, 20}, {{{"level", "info"}}, 60}});
    CheckReadsHitBucket(f.port);
  }
}

TEST_CASE("logcli: paging backward and forward by the last timestamp, since-style range, series", "[e2e][objstore]") {
  Fixture f;
  Api api(f.port);
  for (bool backward : {true, false}) {
    INFO((backward ? "BACKWARD" : "FORWARD"));
    // logcli: batches of `limit`, moving end to last ts + 1 ns (backward) or start to the last ts
    // (forward), dropping the boundary rows it has already printed.
    std::string start = std::to_string(f.now - 3600 * kSec), end = f.End();
    std::vector<Row> all;
    std::set<Row> seen;
    for (int page = 0; page < 20; ++page) {
      httplib::Params p{{"query", R"({job="app"})"}, {"limit", "25"}, {"direction", backward ? "BACKWARD" : "FORWARD"},
                        {"start", start}, {"end", end}};
      auto rows = ByTime(Rows(api.Get("/loki/api/v1/query_range", p)), backward);
      size_t fresh = 0;
      for (const auto& r : rows)
        if (seen.insert(r).second) all.push_back(r), fresh++;
      if (rows.size() < 25 || fresh == 0) break;
      if (backward) end = std::to_string(std::get<1>(rows.back()) + 1);
      else start = std::to_string(std::get<1>(rows.back()));
    }
    CHECK(all == f.Want(backward, [](const Pushed&) { return true; }));
  }
  auto doc = api.Get("/loki/api/v1/series", {{"match", R"({service="web"})"}, {"start", f.Start()}, {"end", f.End()}});
  auto arr = doc["data"].get_array();
  REQUIRE(arr.size() == 1);
  CHECK(Object(arr.at(0)) == std::map<std::string, std::string>{{"job", "app"}, {"service", "web"}, {"service_name", "web"}});
  CheckReadsHitBucket(f.port);
}

}  // namespace
