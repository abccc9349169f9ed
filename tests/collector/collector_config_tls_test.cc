// Loading clients[].tls_config / auth / proxy keys and docker_sd_configs[].tls_config: unreadable
// files and Prometheus-common's cross-field rules fail at start-up naming file, line and key.
#include <catch.hpp>

#include <unistd.h>

#include <fstream>

#include "collector/collector_config_loader.h"

using namespace skald;

namespace {
std::string TempFile(const std::string& text) {
  char tmpl[] = "/tmp/skald-cfg-tls-XXXXXX";
  const int fd = ::mkstemp(tmpl);
  ::close(fd);
  std::ofstream(tmpl) << text;
  return tmpl;
}
}  // namespace

TEST_CASE("client tls, auth and proxy keys bind and show in the effective config") {
  const std::string ca = TempFile("ca"), pw = TempFile("pw\n");
  std::vector<std::string> warnings;
  auto cfg = ParseCollectorConfig(
      "c.yaml",
      "clients:\n"
      "  - url: https://10.0.0.1:3100/loki/api/v1/push\n"
      "    basic_auth: {username: u, password_file: " + pw + "}\n"
      "    tls_config: {ca_file: " + ca + ", server_name: loki.internal}\n"
      "    headers: {X-Custom: v}\n"
      "    proxy_url: http://user:pass@proxy:3128\n"
      "    no_proxy: 10.0.0.0/8\n"
      "scrape_configs:\n"
      "  - job_name: d\n"
      "    docker_sd_configs:\n"
      "      - host: https://docker:2376\n"
      "        tls_config: {ca_file: " + ca + ", insecure_skip_verify: true}\n",
      false, &warnings);
  INFO(cfg.status().message());
  REQUIRE(cfg.ok());
  CHECK(warnings.empty());
  const ClientConfig& c = cfg->clients[0];
  CHECK(c.tls.ca_file == ca);
  CHECK(c.tls.server_name == "loki.internal");
  CHECK(c.basic_auth_password_file == pw);
  CHECK(c.proxy_url == "http://user:pass@proxy:3128");
  CHECK(c.no_proxy == "10.0.0.0/8");
  const DockerSDConfig& d = cfg->scrape_configs[0].docker_sd_configs[0];
  CHECK(d.tls.ca_file == ca);
  CHECK(d.tls.insecure_skip_verify);
  const std::string yaml = CollectorConfigToYaml(*cfg);
  CHECK(yaml.find("proxy_url: http://user:<secret>@proxy:3128") != std::string::npos);
  CHECK(yaml.find("server_name: loki.internal") != std::string::npos);
  CHECK(yaml.find("pass@") == std::string::npos);
  ::unlink(ca.c_str());
  ::unlink(pw.c_str());
}

TEST_CASE("unreadable tls, password and token files are config errors with file, line and key") {
  struct Case { std::string yaml, want; } cases[] = {
      {"clients:\n  - url: https://a\n    tls_config:\n      ca_file: /nonexistent/ca.crt\n",
       "c.yaml:4: key \"clients.tls_config.ca_file\": cannot read file \"/nonexistent/ca.crt\""},
      {"clients:\n  - url: https://a\n    tls_config: {cert_file: /nonexistent/c.crt, key_file: /nonexistent/c.key}\n",
       "key \"clients.tls_config.cert_file\": cannot read file"},
      {"clients:\n  - url: https://a\n    basic_auth: {username: u, password_file: /nonexistent/pw}\n",
       "key \"clients.basic_auth.password_file\": cannot read file"},
      {"clients:\n  - url: https://a\n    bearer_token_file: /nonexistent/token\n",
       "c.yaml:3: key \"clients.bearer_token_file\": cannot read file"},
      {"scrape_configs:\n  - job_name: d\n    docker_sd_configs:\n      - host: tcp://d:2376\n"
       "        tls_config: {ca_file: /nonexistent/ca.pem}\n",
       "c.yaml:5: key \"scrape_configs.docker_sd_configs.tls_config.ca_file\": cannot read file"}};
  for (const auto& c : cases) {
    INFO(c.yaml);
    auto cfg = ParseCollectorConfig("c.yaml", c.yaml, false, nullptr);
    REQUIRE_FALSE(cfg.ok());
    INFO(cfg.status().message());
    CHECK(cfg.status().message().find(c.want) != std::string::npos);
  }
}

TEST_CASE("Prometheus common's client rules are enforced at start-up") {
  const std::string f = TempFile("x");
  struct Case { std::string yaml, want; } cases[] = {
      {"basic_auth: {username: u, password: p, password_file: " + f + "}",
       "at most one of basic_auth password & password_file must be configured"},
      {"bearer_token: t\n    bearer_token_file: " + f,
       "at most one of bearer_token & bearer_token_file must be configured"},
      {"basic_auth: {username: u, password: p}\n    bearer_token: t",
       "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured"},
      {"tls_config: {cert_file: " + f + "}", "client cert file \"" + f + "\" specified without client key file"},
      {"tls_config: {key_file: " + f + "}", "client key file \"" + f + "\" specified without client cert file"},
      {"proxy_url: http://p\n    proxy_from_environment: true",
       "if proxy_from_environment is configured, proxy_url must not be configured"},
      {"no_proxy: example.org", "if no_proxy is configured, proxy_url must also be configured"}};
  for (const auto& c : cases) {
    const std::string yaml = "clients:\n  - url: https://a\n    " + c.yaml + "\n";
    INFO(yaml);
    auto cfg = ParseCollectorConfig("c.yaml", yaml, false, nullptr);
    REQUIRE_FALSE(cfg.ok());
    INFO(cfg.status().message());
    CHECK(cfg.status().message().find(c.want) != std::string::npos);
  }
  auto bad_host = ParseCollectorConfig(
      "c.yaml", "scrape_configs:\n  - job_name: d\n    docker_sd_configs:\n      - host: ssh://d\n", false, nullptr);
  REQUIRE_FALSE(bad_host.ok());
  CHECK(bad_host.status().message().find("want unix://, tcp://, http:// or https://") != std::string::npos);
  ::unlink(f.c_str());
}
