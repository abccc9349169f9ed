// Loki 2.9's ruler keys → RulerOptions: the seed's ruler section, remote_write `clients` (and the
// older single `client`), comma-separated Alertmanager URLs, notification settings.
#include <catch.hpp>

#include "store/ruler/ruler.h"
#include "store/store_config_loader.h"

using namespace skald;

TEST_CASE("ruler config: Loki keys map to the ruler's options") {
  const std::string yaml = R"(auth_enabled: false
ruler:
  storage:
    type: local
    local:
      directory: /loki/rules
  rule_path: /loki/rules-temp
  alertmanager_url: http://am1:9093, http://am2:9093/prefix
  external_url: http://grafana
  external_labels:
    cluster: home
  evaluation_interval: 30s
  poll_interval: 5s
  resend_delay: 2m
  notification_timeout: 3s
  notification_queue_capacity: 50
  ring:
    kvstore:
      store: inmemory
  enable_api: true
  remote_write:
    enabled: true
    add_org_id_header: false
    clients:
      prom:
        url: http://prom:9090/api/v1/write
    client:
      url: http://old:9090/api/v1/write
)";
  std::vector<std::string> warnings;
  auto cfg = ParseStoreConfig("loki.yaml", yaml, false, &warnings);
  REQUIRE(cfg.ok());
  ruler::RulerOptions o = ruler::RulerOptionsFromConfig(cfg->ruler);
  CHECK(o.rules_dir == "/loki/rules");
  CHECK(o.notifier.urls == std::vector<std::string>{"http://am1:9093", "http://am2:9093/prefix"});
  CHECK(o.notifier.timeout_ns == 3LL * 1000000000LL);
  CHECK(o.notifier.capacity == 50);
  CHECK(o.external_url == "http://grafana");
  CHECK(o.external_labels == ruler::StringPairs{{"cluster", "home"}});
  CHECK(o.evaluation_interval_ns == 30LL * 1000000000LL);
  CHECK(o.poll_interval_ns == 5LL * 1000000000LL);
  CHECK(o.resend_delay_ns == 120LL * 1000000000LL);
  CHECK(o.remote_write.urls ==
        std::vector<std::string>{"http://old:9090/api/v1/write", "http://prom:9090/api/v1/write"});
  CHECK(!o.remote_write.add_org_id_header);
  CHECK(cfg->ruler.enable_api);
}

TEST_CASE("ruler config: remote write stays off unless enabled, bad clients are errors") {
  std::vector<std::string> warnings;
  auto off = ParseStoreConfig("l.yaml", "ruler:\n  remote_write:\n    client:\n      url: http://p/w\n", false, &warnings);
  REQUIRE(off.ok());
  CHECK(ruler::RulerOptionsFromConfig(off->ruler).remote_write.urls.empty());
  auto bad = ParseStoreConfig("l.yaml", "ruler:\n  remote_write:\n    clients:\n      p:\n        name: x\n", false, &warnings);
  REQUIRE(!bad.ok());
  CHECK(bad.status().message().find("l.yaml:") != std::string::npos);
  CHECK(bad.status().message().find("needs a url") != std::string::npos);
}
