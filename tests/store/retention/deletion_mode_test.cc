// limits_config.deletion_mode: Loki's three names, the config-file key (file:line errors), per-tenant
// runtime overrides with reload, and the precedence of a tenant override over the global mode.
#include <catch.hpp>

#include <fstream>

#include "store/retention/deletion_mode.h"
#include "store/retention/policy_source.h"
#include "store/retention/retention_files.h"
#include "store/store_config_loader.h"
#include "tests/store/wal/temp_dir.h"

using namespace skald;
using namespace skald::retention;

TEST_CASE("deletion modes parse by Loki's names, anything else is an error naming the choices") {
  struct Case { const char* text; DeletionMode mode; } cases[] = {
      {"disabled", DeletionMode::kDisabled},
      {"filter-only", DeletionMode::kFilterOnly},
      {"filter-and-delete", DeletionMode::kFilterAndDelete}};
  for (const auto& c : cases) {
    INFO(c.text);
    auto m = ParseDeletionMode(c.text);
    REQUIRE(m.ok());
    CHECK(*m == c.mode);
    CHECK(DeletionModeName(*m) == c.text);
  }
  for (const char* bad : {"", "Disabled", "filter_only", "delete", "filter-and-delete "}) {
    INFO(bad);
    auto m = ParseDeletionMode(bad);
    REQUIRE_FALSE(m.ok());
    CHECK(m.status().message() ==
          "unknown deletion mode \"" + std::string(bad) + "\": want disabled, filter-only or filter-and-delete");
  }
}

TEST_CASE("limits_config.deletion_mode: Loki's default, the three values, unknown is a file:line error") {
  auto def = ParseStoreConfig("s.yaml", "auth_enabled: false\n", false, nullptr);
  REQUIRE(def.ok());
  CHECK(def->limits.deletion_mode == "filter-and-delete");
  for (const char* mode : {"disabled", "filter-only", "filter-and-delete"}) {
    std::vector<std::string> warnings;
    auto cfg = ParseStoreConfig("s.yaml", std::string("limits_config:\n  deletion_mode: ") + mode + "\n", false, &warnings);
    REQUIRE(cfg.ok());
    CHECK(cfg->limits.deletion_mode == mode);
    CHECK(warnings.empty());                    // was an ignored key (a warning) before
    CHECK(StoreConfigToYaml(*cfg).find(std::string("deletion_mode: ") + mode) != std::string::npos);
  }
  auto bad = ParseStoreConfig("s.yaml", "auth_enabled: false\nlimits_config:\n  deletion_mode: sometimes\n", false, nullptr);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "s.yaml:3: key \"limits_config.deletion_mode\": unknown deletion mode \"sometimes\": "
                                  "want disabled, filter-only or filter-and-delete");
}

TEST_CASE("deletion_mode per tenant in runtime overrides: inherits, overrides, reloads, file:line errors") {
  testing::TempDir dir;
  const std::string rt = dir / "runtime.yaml";
  std::ofstream(rt) << "overrides:\n  t1:\n    deletion_mode: disabled\n  t2:\n    retention_period: 7d\n";
  StoreConfig cfg;
  cfg.limits.deletion_mode = "filter-only";
  cfg.runtime_config_file = rt;
  auto src = PolicySource::Open(cfg);
  REQUIRE(src.ok());
  CHECK((*src)->Get()->DeletionModeFor("t1") == DeletionMode::kDisabled);
  CHECK((*src)->Get()->DeletionModeFor("t2") == DeletionMode::kFilterOnly);    // no override: global
  CHECK((*src)->Get()->DeletionModeFor("t3") == DeletionMode::kFilterOnly);

  std::ofstream(rt, std::ios::trunc) << "overrides:\n  t1:\n    deletion_mode: filter-and-delete\n";
  REQUIRE((*src)->Reload().ok());
  CHECK((*src)->Get()->DeletionModeFor("t1") == DeletionMode::kFilterAndDelete);

  std::ofstream(rt, std::ios::trunc) << "overrides:\n  t1:\n    retention_period: 7d\n    deletion_mode: [x]\n";
  Status st = (*src)->Reload();
  REQUIRE_FALSE(st.ok());
  CHECK(st.message() == "overrides.t1: " + rt + ":4: deletion_mode: unknown deletion mode \"\": "
                        "want disabled, filter-only or filter-and-delete");
  CHECK((*src)->Get()->DeletionModeFor("t1") == DeletionMode::kFilterAndDelete);   // the old policy stays

  auto o = ParseRuntimeOverrides("rt.yaml", "overrides:\n  a:\n    deletion_mode: filter-only\n  b: {}\n"
                                            "  c:\n    deletion_mode:\n");
  REQUIRE(o.ok());
  CHECK(o->at("a").deletion_mode == DeletionMode::kFilterOnly);
  CHECK_FALSE(o->at("b").deletion_mode.has_value());
  CHECK_FALSE(o->at("c").deletion_mode.has_value());   // empty value: inherit the global mode

  cfg.limits.deletion_mode = "never";   // a StoreConfig not from the loader still fails fast
  cfg.config_file = "s.yaml";
  auto bad = PolicySource::Open(cfg);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().rfind("s.yaml: limits_config.deletion_mode: unknown deletion mode \"never\"", 0) == 0);
}
