// The skald_auth and skald_backup sections of the store config: defaults, binding, the dump, and
// the validation errors (credentials without auth_enabled, a relative backup root).
#include <catch.hpp>

#include "store/store_config_loader.h"

using namespace skald;

TEST_CASE("skald_auth and skald_backup bind, default and dump") {
  auto def = ParseStoreConfig("c.yaml", "auth_enabled: true\n", false, nullptr);
  REQUIRE(def.ok());
  CHECK(def->skald_auth.credentials_file.empty());
  CHECK(def->skald_auth.open_metrics);
  CHECK(def->skald_auth.max_failures == 10);
  CHECK(def->skald_backup.root_dir.empty());
  auto cfg = ParseStoreConfig("c.yaml",
                              "auth_enabled: true\nskald_auth:\n  credentials_file: /etc/skald/creds.yaml\n"
                              "  open_metrics: false\n  max_failures: 3\n  lockout_period: 5m\n"
                              "skald_backup:\n  root_dir: /backups\n",
                              false, nullptr);
  INFO(cfg.status().message());
  REQUIRE(cfg.ok());
  CHECK(cfg->skald_auth.credentials_file == "/etc/skald/creds.yaml");
  CHECK_FALSE(cfg->skald_auth.open_metrics);
  CHECK(cfg->skald_auth.max_failures == 3);
  CHECK(cfg->skald_auth.lockout_period_ns == 300LL * 1000000000LL);
  CHECK(cfg->skald_backup.root_dir == "/backups");
  const std::string dump = StoreConfigToYaml(*cfg);
  CHECK(dump.find("credentials_file: /etc/skald/creds.yaml") != std::string::npos);
  auto again = ParseStoreConfig("dump.yaml", dump, false, nullptr);
  INFO(again.status().message());
  REQUIRE(again.ok());
  CHECK(again->skald_backup.root_dir == "/backups");
}

TEST_CASE("skald_auth and skald_backup errors") {
  struct Case {
    const char* yaml;
    const char* want;
  };
  const Case cases[] = {
      {"auth_enabled: false\nskald_auth:\n  credentials_file: /c.yaml\n", "needs auth_enabled: true"},
      {"skald_auth:\n  max_failures: 0\n", "skald_auth.max_failures"},
      {"skald_backup:\n  root_dir: backups\n", "skald_backup.root_dir: must be an absolute path"},
      {"skald_auth:\n  credentials: /c.yaml\n", "c.yaml:2: unknown key \"credentials\" in section \"skald_auth\""},
  };
  for (const Case& c : cases) {
    auto r = ParseStoreConfig("c.yaml", c.yaml, false, nullptr);
    REQUIRE_FALSE(r.ok());
    INFO(r.status().message());
    CHECK(r.status().message().find(c.want) != std::string::npos);
  }
}
