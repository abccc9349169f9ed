// Loading Promtail configs: the user's seed file (warnings only), typos with line numbers,
// clients/scrape configs binding, relabel/pipeline nodes kept with their line numbers.
#include <catch.hpp>

#include <fstream>

#include "collector/collector_config_loader.h"

using namespace skald;

namespace {

const std::string kSeed = std::string(SKALD_SOURCE_DIR) + "/../shared/seed/promtail-config.yaml";
constexpr int64_t kS = 1000000000LL;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("the seed promtail-config.yaml loads with warnings only") {
  std::vector<std::string> warnings;
  auto cfg = LoadCollectorConfig(kSeed, false, &warnings);
  INFO(cfg.status().message());
  REQUIRE(cfg.ok());
  CHECK(cfg->server.http_listen_port == 9080);
  CHECK(cfg->server.grpc_listen_port == 0);
  CHECK(cfg->positions.filename == "/tmp/positions.yaml");
  REQUIRE(cfg->clients.size() == 1);
  CHECK(cfg->clients[0].url == "http://loki:3100/loki/api/v1/push");
  CHECK(cfg->clients[0].batchwait_ns == kS);  // Promtail default kept
  REQUIRE(cfg->scrape_configs.size() == 1);
  const ScrapeConfig& sc = cfg->scrape_configs[0];
  CHECK(sc.job_name == "docker");
  REQUIRE(sc.docker_sd_configs.size() == 1);
  CHECK(sc.docker_sd_configs[0].host == "unix:///var/run/docker.sock");
  CHECK(sc.docker_sd_configs[0].refresh_interval_ns == 5 * kS);
  REQUIRE(sc.relabel_configs.IsSequence());
  CHECK(sc.relabel_configs.size() == 6);
  CHECK(sc.relabel_configs[0]["target_label"].Scalar() == "container");
  REQUIRE(sc.pipeline_stages.IsSequence());
  CHECK(sc.pipeline_stages.size() == 7);
  CHECK(sc.pipeline_stages[0].Mark().line + 1 == 45);  // "- json:" keeps its line
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("promtail-config.yaml:3: key \"server.grpc_listen_port\"") != std::string::npos);
}

TEST_CASE("a typo'd key is an error naming file and line") {
  std::string text = ReadFile(kSeed);
  size_t pos = text.find("refresh_interval:");
  REQUIRE(pos != std::string::npos);
  text.replace(pos, 17, "refresh_intervall:");
  auto cfg = ParseCollectorConfig("typo.yaml", text, false, nullptr);
  REQUIRE_FALSE(cfg.ok());
  CHECK(cfg.status().message() ==
        "typo.yaml:16: unknown key \"refresh_intervall\" in section "
        "\"scrape_configs.docker_sd_configs\" (did you mean refresh_interval?)");
}

TEST_CASE("clients static configs and limits bind - unused Promtail keys warn") {
  std::vector<std::string> warnings;
  auto cfg = ParseCollectorConfig(
      "c.yaml",
      "clients:\n"
      "  - url: https://logs.example/loki/api/v1/push\n"
      "    tenant_id: team-a\n    batchwait: 2s\n    batchsize: 1MiB\n    timeout: 5s\n"
      "    backoff_config: {min_period: 100ms, max_period: 10s, max_retries: 3}\n"
      "    external_labels: {host: h1}\n"
      "    basic_auth: {username: u, password: p}\n"
      "    tls_config: {insecure_skip_verify: true}\n"
      "    proxy_url: http://proxy\n"
      "scrape_configs:\n"
      "  - job_name: files\n"
      "    static_configs:\n"
      "      - targets: [localhost]\n"
      "        labels: {job: varlogs, __path__: /var/log/*.log}\n"
      "    file_sd_configs: [{files: [a.json]}]\n"
      "limits_config: {readline_rate_enabled: true, readline_rate: 50, max_line_size: 1MB}\n"
      "target_config: {sync_period: 30s}\n"
      "tracing: {enabled: false}\n",
      false, &warnings);
  INFO(cfg.status().message());
  REQUIRE(cfg.ok());
  const ClientConfig& c = cfg->clients[0];
  CHECK(c.tenant_id == "team-a");
  CHECK(c.batchwait_ns == 2 * kS);
  CHECK(c.batchsize == 1 << 20);
  CHECK(c.timeout_ns == 5 * kS);
  CHECK(c.backoff.min_period_ns == kS / 10);
  CHECK(c.backoff.max_retries == 3);
  CHECK(c.external_labels[0].second == "h1");
  CHECK(c.basic_auth_password == "p");
  CHECK(c.tls.insecure_skip_verify);
  CHECK(c.proxy_url == "http://proxy");
  const StaticConfig& st = cfg->scrape_configs[0].static_configs[0];
  CHECK(st.targets == std::vector<std::string>{"localhost"});
  CHECK(st.labels[1] == std::make_pair(std::string("__path__"), std::string("/var/log/*.log")));
  CHECK(cfg->limits.readline_rate_enabled);
  CHECK(cfg->limits.readline_rate == 50);
  CHECK(cfg->limits.max_line_size == 1000000);
  CHECK(cfg->target_sync_period_ns == 30 * kS);
  CHECK(warnings.size() == 2);  // file_sd_configs, tracing
}

TEST_CASE("invalid collector configs") {
  struct Case { const char* yaml; const char* want; } cases[] = {
      {"clients:\n  - tenant_id: x\n", "client needs target URL"},
      {"clients:\n  - url: http://a\n    batchwait: soon\n", "c.yaml:3: key \"clients.batchwait\""},
      {"scrape_configs:\n  - job_name: a\n  - job_name: a\n", "multiple scrape configs"},
      {"scrape_config:\n  - job_name: a\n", "c.yaml:1: unknown key \"scrape_config\" at top level "
                                            "(did you mean scrape_configs?)"},
      {"positions:\n  filename: [a]\n", "c.yaml:2: key \"positions.filename\": expected a string"}};
  for (const auto& c : cases) {
    INFO(c.yaml);
    auto cfg = ParseCollectorConfig("c.yaml", c.yaml, false, nullptr);
    REQUIRE_FALSE(cfg.ok());
    CHECK(cfg.status().message().find(c.want) != std::string::npos);
  }
}

TEST_CASE("the shipped configs/skald-collector.yaml loads cleanly with expand-env") {
  setenv("SKALD_DATA", "/tmp/skald-data", 1);
  std::vector<std::string> warnings;
  auto cfg = LoadCollectorConfig(std::string(SKALD_SOURCE_DIR) + "/configs/skald-collector.yaml",
                                 true, &warnings);
  unsetenv("SKALD_DATA");
  INFO(cfg.status().message());
  REQUIRE(cfg.ok());
  CHECK(warnings.empty());
  CHECK(cfg->positions.filename == "/tmp/skald-data/collector/positions.yaml");
  REQUIRE(cfg->scrape_configs.size() == 2);
  CHECK(cfg->scrape_configs[1].static_configs[0].labels[1].second ==
        "/tmp/skald-data/demo-logs/*.log");
  std::string dumped = CollectorConfigToYaml(*cfg);
  auto again = ParseCollectorConfig("dump.yaml", dumped, false, nullptr);
  INFO(again.status().message());
  REQUIRE(again.ok());
  CHECK(CollectorConfigToYaml(*again) == dumped);
}
