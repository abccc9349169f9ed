// Read fan-out across real skald-store processes (issue #22): two stores act as write nodes, a
// third with skald_cluster.write_nodes answers Loki's API over its own data and theirs, merged
// and de-duplicated; a write node killed with SIGKILL fails queries (503 naming it) or, with
// tolerate_unavailable_write_nodes, leaves its data out.
#include <catch.hpp>
#include <httplib.h>
#include <signal.h>
#include <simdjson.h>

#include <fmt/format.h>

#include <map>
#include <string>
#include <vector>

#include "store/auth/password_hash.h"
#include "tests/e2e/process.h"
#include "tests/e2e/store_under_test.h"

using namespace skald;
using namespace skald::e2e;

namespace {

constexpr int64_t kMs = 1000000;

// Entries "id=<n> ..." for ids [from, to), stamped base + n ms; every 5th carries metadata (so
// counting reads entries) unless `metadata` is false (counting then takes the count-run path).
std::vector<LogEntry> Ids(int from, int to, int64_t base, bool metadata = true) {
  std::vector<LogEntry> out;
  for (int n = from; n < to; n++) {
    LogEntry e{base + n * kMs, fmt::format("id={} level={}", n, n % 3 == 0 ? "error" : "info"), {}};
    if (metadata && n % 5 == 0) e.metadata.push_back({"trace_id", fmt::format("t{}", n)});
    out.push_back(std::move(e));
  }
  return out;
}

void Push(const StoreUnderTest& s, const std::vector<LogStream>& streams) {
  httplib::Client cli("127.0.0.1", s.port());
  auto res = cli.Post("/loki/api/v1/push", JsonPushBody(streams), "application/json");
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 204);
}

// Metric query result as {metric labels text → value}.
std::map<std::string, double> Metric(httplib::Client& cli, const std::string& query, int64_t t_ns) {
  auto res = cli.Get("/loki/api/v1/query", httplib::Params{{"query", query}, {"time", std::to_string(t_ns)}},
                     httplib::Headers{});
  REQUIRE(res);
  INFO(query << " -> " << res->body.substr(0, 400));
  REQUIRE(res->status == 200);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(res->body);
  std::map<std::string, double> out;
  for (auto r : doc["data"]["result"].get_array()) {
    std::string key;
    for (auto [k, v] : r["metric"].get_object()) key += fmt::format("{}={},", k, std::string_view(v.get_string()));
    out[key] = std::stod(std::string(r["value"].at(1).get_string().value()));
  }
  return out;
}

// The lines' "id=<n>" in timestamp order (forward, or backward): a response splits a stream by
// structured metadata, so the order is by timestamp across the result's streams.
std::vector<std::string> Lines(const std::string& body, bool backward) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(body);
  std::vector<std::pair<int64_t, std::string>> got;
  for (auto stream : doc["data"]["result"].get_array())
    for (auto v : stream["values"].get_array())
      got.emplace_back(std::stoll(std::string(v.at(0).get_string().value())), std::string(v.at(1).get_string().value()));
  std::stable_sort(got.begin(), got.end(), [&](const auto& a, const auto& b) {
    return backward ? a.first > b.first : a.first < b.first;
  });
  std::vector<std::string> out;
  for (auto& [ts, line] : got) out.push_back(line.substr(0, line.find(' ')));
  return out;
}

std::string Get(httplib::Client& cli, const std::string& path, const httplib::Params& p, int want_status = 200) {
  auto res = cli.Get(path, p, httplib::Headers{});
  REQUIRE(res);
  INFO(path << " -> " << res->status << " " << res->body.substr(0, 400));
  REQUIRE(res->status == want_status);
  return res->body;
}

struct Cluster {
  TempDir dir{"skald-cluster-fanout"};
  StoreUnderTest w1{dir.path(), "w1"}, w2{dir.path(), "w2"}, reader{dir.path(), "read"};
  int64_t base = NowNs() - 10 * 60 * 1000 * kMs;   // ten minutes ago: inside query_ingesters_within

  void ConfigureReader(bool tolerate) {
    reader.Configure(dir.path() + "/read", false,
                     fmt::format("skald_cluster:\n  write_nodes: [{}, \"dns+localhost:{}\"]\n  peer_timeout: 3s\n"
                                 "  tolerate_unavailable_write_nodes: {}\n",
                                 w1.url(), w2.port(), tolerate ? "true" : "false"));
  }
  void Start() {
    w1.Configure(dir.path() + "/w1", false);
    w2.Configure(dir.path() + "/w2", false);
    ConfigureReader(false);
    REQUIRE(w1.Start());
    REQUIRE(w2.Start());
    REQUIRE(reader.Start());
    // {app="api"}: ids 0-49 on w1, 25-74 on w2 (25-49 pushed to both), 70-79 on the reader itself
    Push(w1, {MakeStream({{"app", "api"}, {"node", "x"}}, Ids(0, 50, base)),
              MakeStream({{"app", "db"}, {"env", "prod"}}, Ids(100, 105, base)),
              MakeStream({{"app", "plain"}}, Ids(300, 320, base, false))});
    Push(w2, {MakeStream({{"app", "api"}, {"node", "x"}}, Ids(25, 75, base)),
              MakeStream({{"app", "web"}}, Ids(200, 210, base)),
              MakeStream({{"app", "plain"}}, Ids(310, 330, base, false))});
    Push(reader, {MakeStream({{"app", "api"}, {"node", "x"}}, Ids(70, 80, base)),
                  MakeStream({{"app", "plain"}}, Ids(325, 335, base, false))});
  }
};

TEST_CASE("a read node answers log and metric queries over its write nodes, de-duplicated") {
  Cluster c;
  c.Start();
  httplib::Client cli("127.0.0.1", c.reader.port());
  const int64_t start = c.base - 60 * 1000 * kMs, end = NowNs() + 60 * 1000 * kMs;

  auto seen = SeenIds(cli, R"({app="api"})", start, end);
  REQUIRE(seen.size() == 80);
  for (const auto& [id, n] : seen) {
    INFO("id " << id);
    CHECK(n == 1);
    CHECK((id >= 0 && id < 80));
  }
  // backward with a limit: the newest ten, across the reader's own data and w2's
  auto newest = Lines(Get(cli, "/loki/api/v1/query_range",
                          {{"query", R"({app="api"})"}, {"start", std::to_string(start)}, {"end", std::to_string(end)},
                           {"limit", "10"}, {"direction", "backward"}}),
                      true);
  std::vector<std::string> want;
  for (int n = 79; n >= 70; n--) want.push_back(fmt::format("id={}", n));
  CHECK(newest == want);
  auto oldest = Lines(Get(cli, "/loki/api/v1/query_range",
                          {{"query", R"({app="api"} |= "level=error")"}, {"start", std::to_string(start)},
                           {"end", std::to_string(end)}, {"limit", "3"}, {"direction", "forward"}}),
                      false);
  CHECK(oldest == std::vector<std::string>{"id=0", "id=3", "id=6"});

  const int64_t t = NowNs();
  auto total = Metric(cli, R"(sum(count_over_time({app="api"}[1h])))", t);
  CHECK(total[""] == 80);
  auto by_app = Metric(cli, R"(sum by (app) (count_over_time({app=~".+"}[1h])))", t);
  CHECK(by_app == std::map<std::string, double>{{"app=api,", 80}, {"app=db,", 5}, {"app=plain,", 35}, {"app=web,", 10}});
  // no structured metadata: counted from count runs (the merged write-node run), still once each
  CHECK(Metric(cli, R"(count_over_time({app="plain"}[1h]))", t).begin()->second == 35);
  double plain_bytes = 0;
  for (const auto& e : Ids(300, 335, c.base)) plain_bytes += static_cast<double>(e.line.size());
  CHECK(Metric(cli, R"(sum(bytes_over_time({app="plain"}[1h])))", t)[""] == plain_bytes);
  auto errors = Metric(cli, R"(sum(count_over_time({app="api"} |= "level=error" [1h])))", t);
  CHECK(errors[""] == 27);   // ids 0, 3, ..., 78
  auto rate = Metric(cli, R"(sum(rate({app=~"api|web"}[1h])))", t);
  CHECK(rate[""] == Approx(90.0 / 3600));
  auto bytes = Metric(cli, R"(sum(bytes_over_time({app="web"}[1h])))", t);
  double web_bytes = 0;
  for (const auto& e : Ids(200, 210, c.base)) web_bytes += static_cast<double>(e.line.size());
  CHECK(bytes[""] == web_bytes);

  std::string labels = Get(cli, "/loki/api/v1/labels", {{"start", std::to_string(start)}, {"end", std::to_string(end)}});
  INFO(labels);
  CHECK(labels.find(R"("data":["app","env","node","service_name"])") != std::string::npos);   // discovered
  std::string apps = Get(cli, "/loki/api/v1/label/app/values", {{"start", std::to_string(start)}, {"end", std::to_string(end)}});
  INFO(apps);
  CHECK(apps.find(R"("data":["api","db","plain","web"])") != std::string::npos);
  std::string series = Get(cli, "/loki/api/v1/series",
                           {{"match[]", R"({app=~".+"})"}, {"start", std::to_string(start)}, {"end", std::to_string(end)}});
  CHECK(CountOf(series, R"("app":)") == 4);
}

TEST_CASE("a write node killed with SIGKILL fails the read node's queries naming it, or is left out when tolerated") {
  Cluster c;
  c.Start();
  httplib::Client cli("127.0.0.1", c.reader.port());
  const int64_t start = c.base - 60 * 1000 * kMs, end = NowNs() + 60 * 1000 * kMs;
  c.w1.Kill(SIGKILL);
  c.w1.Wait();
  httplib::Params p{{"query", R"({app="api"})"}, {"start", std::to_string(start)}, {"end", std::to_string(end)},
                    {"limit", "1000"}};
  std::string err = Get(cli, "/loki/api/v1/query_range", p, 503);
  CHECK(err.find(c.w1.url()) != std::string::npos);
  Get(cli, "/loki/api/v1/query", {{"query", R"(sum(count_over_time({app="api"}[1h])))"}}, 503);
  std::string metrics = Get(cli, "/metrics", {});
  CHECK(metrics.find("skald_cluster_peer_failures_total{node=\"" + c.w1.url() + "\",reason=\"unavailable\"}") !=
        std::string::npos);
  CHECK(metrics.find("loki_ingester_client_request_duration_seconds_count{operation=\"/logproto.Querier/Series\",status_code=\"200\"}") !=
        std::string::npos);

  REQUIRE(c.reader.Stop() == 0);
  c.ConfigureReader(true);
  REQUIRE(c.reader.Start());
  auto seen = SeenIds(cli, R"({app="api"})", start, end);
  CHECK(seen.size() == 55);   // w2's 25-74 and the reader's 70-79; w1's 0-24 are missing
  CHECK(seen.count(24) == 0);
  CHECK(seen.count(25) == 1);
  auto total = Metric(cli, R"(sum(count_over_time({app="api"}[1h])))", NowNs());
  CHECK(total[""] == 55);
}

TEST_CASE("write nodes with skald_auth answer a read node holding a read credential, and refuse a wrong one") {
  TempDir dir("skald-cluster-auth");
  const std::string creds = dir.path() + "/credentials.yaml";
  WriteFile(creds, fmt::format(R"(credentials:
  - name: pushers
    bearer_token_sha256: {}
    tenants: ["*"]
    scopes: [push]
  - name: read-nodes
    bearer_token_sha256: {}
    tenants: ["*"]
    scopes: [read]
)", auth::TokenSha256("push-token"), auth::TokenSha256("reader-token")));
  WriteFile(dir.path() + "/good.token", "reader-token\n");
  WriteFile(dir.path() + "/bad.token", "push-token\n");   // no read scope
  StoreUnderTest w1(dir.path(), "w1"), reader(dir.path(), "read");
  w1.Configure(dir.path() + "/w1", true, "skald_auth:\n  credentials_file: " + creds + "\n");
  auto reader_config = [&](const std::string& token_file) {
    reader.Configure(dir.path() + "/read", true,
                     fmt::format("skald_cluster:\n  write_nodes: [{}]\n  bearer_token_file: {}\n", w1.url(), token_file));
  };
  reader_config(dir.path() + "/good.token");
  REQUIRE(w1.Start());
  REQUIRE(reader.Start());
  httplib::Client push("127.0.0.1", w1.port());
  push.set_bearer_token_auth("push-token");
  auto pushed = push.Post("/loki/api/v1/push", httplib::Headers{{"X-Scope-OrgID", "prod"}},
                          JsonPushBody({MakeStream({{"app", "api"}}, Ids(0, 20, NowNs() - 60 * 1000 * kMs))}),
                          "application/json");
  REQUIRE(pushed);
  REQUIRE(pushed->status == 204);
  httplib::Client cli("127.0.0.1", reader.port());
  httplib::Params q{{"query", R"(sum(count_over_time({app="api"}[1h])))"}, {"time", std::to_string(NowNs())}};
  auto ok = cli.Get("/loki/api/v1/query", q, httplib::Headers{{"X-Scope-OrgID", "prod"}});
  REQUIRE(ok);
  INFO(ok->body);
  REQUIRE(ok->status == 200);
  CHECK(ok->body.find(R"("20")") != std::string::npos);
  auto other = cli.Get("/loki/api/v1/query", q, httplib::Headers{{"X-Scope-OrgID", "staging"}});
  REQUIRE(other);
  CHECK(other->status == 200);
  CHECK(other->body.find(R"("result":[])") != std::string::npos);   // the tenant travels to the write node

  REQUIRE(reader.Stop() == 0);
  reader_config(dir.path() + "/bad.token");
  REQUIRE(reader.Start());
  auto refused = cli.Get("/loki/api/v1/query", q, httplib::Headers{{"X-Scope-OrgID", "prod"}});
  REQUIRE(refused);
  INFO(refused->body);
  CHECK(refused->status == 503);
  CHECK(refused->body.find(w1.url() + " answered 403") != std::string::npos);
}

}  // namespace
