// docker_sd_configs against a dockerd listening on tcp://127.0.0.1 with --tlsverify: skald-collector
// (client certificate from tls_config) discovers a container and ships its lines to a real
// skald-store; a client certificate from another CA makes discovery fail with a log line and metrics.
#include <catch.hpp>
#include <httplib.h>

#include <chrono>
#include <simdjson.h>
#include <string>
#include <thread>

#include "tests/e2e/docker_harness.h"
#include "tests/e2e/process.h"
#include "tests/test_certs.h"

using namespace skald;
using namespace skald::e2e;

namespace {

std::string CollectorYaml(const std::string& dir, int port, int store_port, const std::string& docker_host,
                          const std::string& tls) {
  return "server:\n  http_listen_port: " + std::to_string(port) +
         "\npositions:\n  filename: " + dir + "/positions-" + std::to_string(port) + ".yaml\n"
         "clients:\n  - url: http://127.0.0.1:" + std::to_string(store_port) +
         "/loki/api/v1/push\n    batchwait: 100ms\n"
         "scrape_configs:\n  - job_name: docker\n    docker_sd_configs:\n"
         "      - host: " + docker_host + "\n        refresh_interval: 1s\n"
         "        tls_config:\n" + tls +
         "    relabel_configs:\n      - source_labels: [__meta_docker_container_name]\n"
         "        regex: '/(.*)'\n        target_label: container\n";
}

std::vector<std::string> QueryLines(int port, const std::string& q) {
  httplib::Client cli("127.0.0.1", port);
  httplib::Params p{{"query", q}, {"limit", "1000"}, {"direction", "FORWARD"}, {"since", "1h"}};
  auto res = cli.Get("/loki/api/v1/query_range", p, httplib::Headers{});
  std::vector<std::string> out;
  if (!res || res->status != 200) return out;
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(res->body);
  for (auto stream : doc["data"]["result"].get_array()) {
    for (auto v : stream["values"].get_array()) out.emplace_back(v.at(1).get_string().value());
  }
  return out;
}

std::string Metrics(int port) {
  httplib::Client cli("127.0.0.1", port);
  auto res = cli.Get("/metrics");
  return res && res->status == 200 ? res->body : "";
}

}  // namespace

TEST_CASE("docker_sd over tcp+TLS: discovery with a client certificate, refused with a foreign one", "[e2e]") {
  TempDir dir("skald-docker-tls");
  const skald::testing::TestCerts certs = skald::testing::MakeTestCerts(dir.path() + "/pki");
  const int docker_port = FreePort();
  const std::string docker_host = "tcp://127.0.0.1:" + std::to_string(docker_port);
  auto daemon = DockerDaemon::Start({"--host", docker_host, "--tlsverify", "--tlscacert", certs.ca,
                                     "--tlscert", certs.server_cert, "--tlskey", certs.server_key});
  INFO(daemon.status().message());
  REQUIRE(daemon.ok());  // where dockerd cannot start this fails, it never skips
  const DockerDaemon& d = **daemon;
  Status imp = d.ImportBusybox();
  INFO(imp.message());
  REQUIRE(imp.ok());
  auto web = d.RunShell({"--name", "tlsweb"}, "i=0; while [ $i -lt 20 ]; do echo tls-line-$i; i=$((i+1)); done; sleep 300");
  INFO(web.status().message());
  REQUIRE(web.ok());

  const int store_port = FreePort(), good_port = FreePort(), bad_port = FreePort();
  WriteFile(dir.path() + "/store.yaml", "auth_enabled: false\nserver:\n  http_listen_port: " +
                                            std::to_string(store_port) + "\ncommon:\n  path_prefix: " +
                                            dir.path() + "/data\n");
  const std::string good_tls = "          ca_file: " + certs.ca + "\n          cert_file: " + certs.client_cert +
                               "\n          key_file: " + certs.client_key + "\n";
  const std::string bad_tls = "          ca_file: " + certs.ca + "\n          cert_file: " + certs.other_client_cert +
                              "\n          key_file: " + certs.other_client_key + "\n";
  WriteFile(dir.path() + "/good.yaml", CollectorYaml(dir.path(), good_port, store_port, docker_host, good_tls));
  WriteFile(dir.path() + "/bad.yaml", CollectorYaml(dir.path(), bad_port, store_port, docker_host, bad_tls));
  const std::string log = dir.path() + "/processes.log", bad_log = dir.path() + "/bad.log";
  Process store({BinPath("skald-store"), "-config.file=" + dir.path() + "/store.yaml"}, log);
  REQUIRE(WaitReady(store_port, 15000));
  Process good({BinPath("skald-collector"), "-config.file=" + dir.path() + "/good.yaml"}, log);
  REQUIRE(WaitReady(good_port, 15000));
  Process bad({BinPath("skald-collector"), "-config.file=" + dir.path() + "/bad.yaml"}, bad_log);
  REQUIRE(WaitReady(bad_port, 15000));

  std::vector<std::string> got;
  for (int i = 0; i < 200 && got.size() < 20; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    got = QueryLines(store_port, R"({container="tlsweb"})");
  }
  INFO(ReadFile(log));
  REQUIRE(got.size() == 20);
  CHECK(got.front() == "tls-line-0");
  CHECK(got.back() == "tls-line-19");
  const std::string up_good = "skald_collector_docker_sd_up{host=\"" + docker_host + "\"} 1";
  CHECK(Metrics(good_port).find(up_good) != std::string::npos);

  // The foreign certificate: dockerd refuses the handshake; the collector says so and counts it.
  const std::string up_bad = "skald_collector_docker_sd_up{host=\"" + docker_host + "\"} 0";
  std::string m;
  for (int i = 0; i < 100 && m.find(up_bad) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    m = Metrics(bad_port);
  }
  INFO(m);
  CHECK(m.find(up_bad) != std::string::npos);
  CHECK(m.find("prometheus_sd_refresh_failures_total{mechanism=\"docker\"} 0\n") == std::string::npos);
  const std::string bad_out = ReadFile(bad_log);
  INFO(bad_out);
  CHECK(bad_out.find("docker_sd cannot reach the Docker daemon") != std::string::npos);
  CHECK(bad_out.find("certificate") != std::string::npos);  // e.g. "... alert bad certificate"
}
