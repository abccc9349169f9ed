// The two real binaries together: skald-collector tails a file target through relabel_configs and
// pipeline_stages and pushes to a real skald-store; the lines come back from LogQL with the labels.
#include <catch.hpp>
#include <httplib.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <simdjson.h>
#include <string>
#include <thread>

#include "tests/e2e/process.h"

using namespace skald::e2e;

namespace {

std::string CollectorConfig(const std::string& dir, int port, int store_port) {
  return "server:\n  http_listen_port: " + std::to_string(port) +
         "\npositions:\n  filename: " + dir + "/positions.yaml\n  sync_period: 100ms\n"
         "clients:\n  - url: http://127.0.0.1:" + std::to_string(store_port) +
         "/loki/api/v1/push\n    batchwait: 100ms\n"
         "scrape_configs:\n  - job_name: files\n    static_configs:\n"
         "      - targets: [localhost]\n        labels:\n          job: app\n"
         "          __path__: " + dir + "/logs/*.log\n"
         "    relabel_configs:\n      - source_labels: [job]\n        target_label: service\n"
         "        replacement: svc-$1\n"
         "    pipeline_stages:\n"
         "      - regex:\n          expression: '(?P<level>(ERROR|INFO))'\n"
         "      - labels:\n          level:\n";
}

// query_range over the last hour; returns (labels JSON, line) pairs in forward order.
std::vector<std::pair<std::string, std::string>> Query(int port, const std::string& q) {
  httplib::Client cli("127.0.0.1", port);
  httplib::Params p{{"query", q}, {"limit", "1000"}, {"direction", "FORWARD"}, {"since", "1h"}};
  auto res = cli.Get("/loki/api/v1/query_range", p, httplib::Headers{});
  std::vector<std::pair<std::string, std::string>> out;
  if (!res || res->status != 200) return out;
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(res->body);
  for (auto stream : doc["data"]["result"].get_array()) {
    std::string labels = simdjson::minify(stream["stream"]);
    for (auto v : stream["values"].get_array())
      out.emplace_back(labels, std::string(v.at(1).get_string().value()));
  }
  return out;
}

}  // namespace

TEST_CASE("collector to store: file lines arrive through relabel and pipeline", "[e2e]") {
  TempDir dir("skald-c2s");
  std::filesystem::create_directories(dir.path() + "/logs");
  const int store_port = FreePort(), collector_port = FreePort();
  WriteFile(dir.path() + "/store.yaml", "auth_enabled: false\nserver:\n  http_listen_port: " +
                                            std::to_string(store_port) + "\ncommon:\n  path_prefix: " +
                                            dir.path() + "/data\n");
  WriteFile(dir.path() + "/collector.yaml", CollectorConfig(dir.path(), collector_port, store_port));
  const std::string log = dir.path() + "/processes.log";
  Process store({BinPath("skald-store"), "-config.file=" + dir.path() + "/store.yaml"}, log);
  REQUIRE(WaitReady(store_port, 15000));
  AppendFile(dir.path() + "/logs/app.log", "first INFO line\n");
  Process collector({BinPath("skald-collector"), "-config.file=" + dir.path() + "/collector.yaml"}, log);
  REQUIRE(WaitReady(collector_port, 15000));
  AppendFile(dir.path() + "/logs/app.log", "second ERROR line\nthird line\n");

  std::vector<std::pair<std::string, std::string>> got;
  for (int i = 0; i < 100 && got.size() < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    got = Query(store_port, R"({job="app"})");
  }
  REQUIRE(got.size() == 3);
  const std::string file = dir.path() + "/logs/app.log";
  std::map<std::string, std::string> by_line;
  for (auto& [labels, line] : got) by_line[line] = labels;
  CHECK(by_line["first INFO line"] == R"({"filename":")" + file +
                                          R"(","job":"app","level":"INFO","service":"svc-app","service_name":"svc-app"})");
  CHECK(by_line["second ERROR line"].find(R"("level":"ERROR")") != std::string::npos);
  CHECK(by_line["third line"].find("level") == std::string::npos);
  // LogQL over what arrived: a filter and a metric query.
  auto errors = Query(store_port, R"({service="svc-app"} |= "ERROR")");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].second == "second ERROR line");

  // Restarting the collector resumes from its positions file: nothing is sent twice.
  collector.Kill(SIGTERM);
  CHECK(collector.Wait() == 0);
  Process collector2({BinPath("skald-collector"), "-config.file=" + dir.path() + "/collector.yaml"}, log);
  REQUIRE(WaitReady(collector_port, 15000));
  AppendFile(file, "fourth INFO line\n");
  for (int i = 0; i < 100 && got.size() < 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    got = Query(store_port, R"({job="app"})");
  }
  REQUIRE(got.size() == 4);
  std::map<std::string, int> count;
  for (auto& [labels, line] : got) count[line]++;
  CHECK(count == std::map<std::string, int>{{"first INFO line", 1}, {"second ERROR line", 1},
                                            {"third line", 1}, {"fourth INFO line", 1}});
}
