// skald-collector pushing to a skald-store that serves HTTPS and requires client certificates: with
// clients[].tls_config (ca_file, cert_file, key_file) the lines arrive; without the client
// certificate nothing is delivered and the collector's log says why.
#include <catch.hpp>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <simdjson.h>
#include <string>
#include <thread>

#include "tests/e2e/process.h"
#include "tests/test_certs.h"

using namespace skald::e2e;

namespace {

std::string CollectorYaml(const std::string& dir, const std::string& name, int port, int store_port,
                          const std::string& tls) {
  return "server:\n  http_listen_port: " + std::to_string(port) + "\npositions:\n  filename: " + dir + "/" +
         name + "-positions.yaml\n  sync_period: 100ms\n"
         "clients:\n  - url: https://localhost:" + std::to_string(store_port) +
         "/loki/api/v1/push\n    batchwait: 100ms\n    backoff_config: {min_period: 100ms, max_period: 500ms}\n"
         "    external_labels: {via: " + name + "}\n    tls_config:\n" + tls +
         "scrape_configs:\n  - job_name: files\n    static_configs:\n"
         "      - targets: [localhost]\n        labels:\n          job: app\n"
         "          __path__: " + dir + "/logs/*.log\n";
}

std::unique_ptr<httplib::SSLClient> StoreClient(int port, const skald::testing::TestCerts& c) {
  auto cli = std::make_unique<httplib::SSLClient>("localhost", port, c.client_cert, c.client_key);
  cli->set_ca_cert_path(c.ca.c_str());
  cli->enable_server_certificate_verification(true);
  return cli;
}

std::vector<std::string> QueryLines(int port, const skald::testing::TestCerts& c, const std::string& q) {
  httplib::Params p{{"query", q}, {"limit", "1000"}, {"direction", "FORWARD"}, {"since", "1h"}};
  auto res = StoreClient(port, c)->Get("/loki/api/v1/query_range", p, httplib::Headers{});
  std::vector<std::string> out;
  if (!res || res->status != 200) return out;
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(res->body);
  for (auto stream : doc["data"]["result"].get_array()) {
    for (auto v : stream["values"].get_array()) out.emplace_back(v.at(1).get_string().value());
  }
  return out;
}

}  // namespace

TEST_CASE("collector to an HTTPS store requiring client certificates", "[e2e]") {
  TempDir dir("skald-collector-tls");
  const skald::testing::TestCerts certs = skald::testing::MakeTestCerts(dir.path() + "/pki");
  std::filesystem::create_directories(dir.path() + "/logs");
  WriteFile(dir.path() + "/logs/app.log", "");
  const int store_port = FreePort(), good_port = FreePort(), bare_port = FreePort();
  WriteFile(dir.path() + "/store.yaml",
            "auth_enabled: false\nserver:\n  http_listen_port: " + std::to_string(store_port) +
                "\n  http_tls_config:\n    cert_file: " + certs.server_cert + "\n    key_file: " +
                certs.server_key + "\n    client_auth_type: RequireAndVerifyClientCert\n    client_ca_file: " +
                certs.ca + "\ncommon:\n  path_prefix: " + dir.path() + "/data\n");
  const std::string ca = "      ca_file: " + certs.ca + "\n";
  WriteFile(dir.path() + "/good.yaml",
            CollectorYaml(dir.path(), "good", good_port, store_port,
                          ca + "      cert_file: " + certs.client_cert + "\n      key_file: " + certs.client_key + "\n"));
  WriteFile(dir.path() + "/bare.yaml", CollectorYaml(dir.path(), "bare", bare_port, store_port, ca));
  const std::string log = dir.path() + "/processes.log", bare_log = dir.path() + "/bare.log";
  Process store({BinPath("skald-store"), "-config.file=" + dir.path() + "/store.yaml"}, log);
  bool ready = false;
  for (int i = 0; i < 300 && !ready; ++i) {
    auto res = StoreClient(store_port, certs)->Get("/ready");
    ready = res && res->status == 200;
    if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(ready);
  Process good({BinPath("skald-collector"), "-config.file=" + dir.path() + "/good.yaml"}, log);
  Process bare({BinPath("skald-collector"), "-config.file=" + dir.path() + "/bare.yaml"}, bare_log);
  REQUIRE(WaitReady(good_port, 15000));
  REQUIRE(WaitReady(bare_port, 15000));
  AppendFile(dir.path() + "/logs/app.log", "tls-one\ntls-two\ntls-three\n");

  std::vector<std::string> got;
  for (int i = 0; i < 150 && got.size() < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    got = QueryLines(store_port, certs, R"({job="app", via="good"})");
  }
  INFO(ReadFile(log));
  REQUIRE(got == std::vector<std::string>{"tls-one", "tls-two", "tls-three"});
  std::string bare_out;
  for (int i = 0; i < 100 && bare_out.find("error sending batch") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    bare_out = ReadFile(bare_log);
  }
  INFO(bare_out);
  CHECK(bare_out.find("error sending batch, will retry") != std::string::npos);
  CHECK(QueryLines(store_port, certs, R"({job="app", via="bare"})").empty());
}
