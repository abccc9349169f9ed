// Retention resolution: Loki's priority/tie rules, the precedence of tenant overrides, global
// rules, the rules file and periods; the seed's rules file; file:line errors; runtime reload.
#include <catch.hpp>

#include <fstream>

#include "store/retention/policy_source.h"
#include "store/retention/retention_files.h"
#include "store/store_config_loader.h"
#include "tests/store/wal/temp_dir.h"

using namespace skald;
using namespace skald::retention;

namespace {

constexpr int64_t kDay = 24LL * 3600 * 1000000000LL;

LabelSet L(const std::string& s) { return *LabelSet::Parse(s); }

std::vector<StreamRule> Rules(const std::vector<RetentionStreamRule>& in) {
  auto r = CompileStreamRules(in, "test");
  REQUIRE(r.ok());
  return std::move(*r);
}

void Write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::trunc) << text; }

}  // namespace

TEST_CASE("retention_stream: highest priority wins, equal priority picks the shortest period") {
  auto rules = Rules({{R"({ns="dev"})", 1, 10 * kDay},
                      {R"({app="loki"})", 1, 3 * kDay},
                      {R"({ns="prod"})", 2, 14 * kDay}});
  RetentionPolicy p(30 * kDay, rules, {}, {});
  struct Case { const char* labels; int64_t want; };
  for (const Case& c : {Case{R"({ns="dev", app="loki"})", 3 * kDay},     // tie at 1 → shortest
                        Case{R"({ns="prod", app="loki"})", 14 * kDay},   // priority 2 beats 1
                        Case{R"({ns="dev"})", 10 * kDay},
                        Case{R"({ns="other"})", 30 * kDay}}) {            // nothing → global period
    INFO(c.labels);
    CHECK(p.PeriodFor("fake", L(c.labels)) == c.want);
  }
}

TEST_CASE("precedence: tenant streams, global streams, rules file, tenant period, global period") {
  auto global = Rules({{R"({ns="dev"})", 1, 1 * kDay}});
  auto file = *ParseRetentionRules("rules.yaml", "- match: '{service=\"postgres\"}'\n  retention: 90d\n"
                                                 "- match: '{level=\"INFO\"}'\n  retention: 30d\n");
  std::map<std::string, TenantRetention> tenants;
  tenants["t1"].period_ns = 7 * kDay;
  tenants["t2"].streams = Rules({{R"({ns="prod"})", 1, 2 * kDay}});
  RetentionPolicy p(31 * kDay, global, file, tenants);
  CHECK(p.PeriodFor("fake", L(R"({ns="dev", service="postgres"})")) == 1 * kDay);   // global stream
  CHECK(p.PeriodFor("fake", L(R"({service="postgres", level="INFO"})")) == 90 * kDay);  // file: first wins
  CHECK(p.PeriodFor("fake", L(R"({service="x", level="INFO"})")) == 30 * kDay);
  CHECK(p.PeriodFor("fake", L(R"({service="x"})")) == 31 * kDay);                   // global period
  CHECK(p.PeriodFor("t1", L(R"({service="x"})")) == 7 * kDay);                      // tenant period
  CHECK(p.PeriodFor("t1", L(R"({ns="dev"})")) == 1 * kDay);                         // inherits global streams
  CHECK(p.PeriodFor("t2", L(R"({ns="prod"})")) == 2 * kDay);                        // tenant streams
  CHECK(p.PeriodFor("t2", L(R"({ns="dev"})")) == 31 * kDay);                        // replaced global streams
  CHECK(p.CutoffFor("fake", L(R"({service="x"})"), 100 * kDay) == 69 * kDay);
  CHECK_FALSE(p.KeepsEverything());
  CHECK(RetentionPolicy(0, {}, {}, {}).KeepsEverything());
  CHECK(RetentionPolicy(0, {}, {}, {}).CutoffFor("fake", L(R"({a="b"})"), 5) == INT64_MIN);
}

TEST_CASE("the seed's retention-rules.yaml loads in file order") {
  auto r = LoadRetentionRulesFile(std::string(SKALD_SOURCE_DIR) + "/configs/retention-rules.yaml");
  REQUIRE(r.ok());
  REQUIRE(r->size() == 8);
  CHECK((*r)[0].period_ns == 90 * kDay);
  CHECK((*r)[4].period_ns == 7 * kDay);
  CHECK((*r)[7].period_ns == 30 * kDay);
  RetentionPolicy p(30 * kDay, {}, *r, {});
  CHECK(p.PeriodFor("fake", L(R"({service="postgres", level="INFO"})")) == 90 * kDay);
  CHECK(p.PeriodFor("fake", L(R"({service="caddy", level="ERROR"})")) == 14 * kDay);
  CHECK(p.PeriodFor("fake", L(R"({service="grafana", level="ERROR"})")) == 90 * kDay);
  CHECK(p.PeriodFor("fake", L(R"({service="grafana", level="DEBUG"})")) == 30 * kDay);
}

TEST_CASE("retention file errors name file and line") {
  struct Case { const char* text; const char* want; };
  for (const Case& c : {Case{"- match: '{a=\"b\"}'\n  retention: 90d\n- match: '{a=\"b\"'\n  retention: 1d\n", "r.yaml:3"},
                        Case{"- match: '{a=\"b\"}'\n  retention: forever\n", "r.yaml:2"},
                        Case{"- match: '{a=\"b\"}'\n  keep: 1d\n", "r.yaml:2: unknown key \"keep\""},
                        Case{"- retention: 1d\n", "missing key \"match\""},
                        Case{"match: x\n", "r.yaml:1"},
                        Case{"- match: '{a=\"b\"}'\n  retention: 5h\n", "r.yaml:2: retention period must be >= 24h was 5h"}}) {
    auto r = ParseRetentionRules("r.yaml", c.text);
    REQUIRE_FALSE(r.ok());
    INFO(r.status().message());
    CHECK(r.status().message().find(c.want) != std::string::npos);
  }
  auto o = ParseRuntimeOverrides("rt.yaml", "overrides:\n  t1:\n    retention_period: 1d\n    retention_stream:\n"
                                            "    - selector: '{a=}'\n      priority: 1\n      period: 1d\n");
  REQUIRE_FALSE(o.ok());
  CHECK(o.status().message().find("rt.yaml:5") != std::string::npos);
  auto g = CompileStreamRules({{R"({a="b"})", 1, 3600LL * 1000000000LL}}, "cfg.yaml: limits_config.retention_stream");
  REQUIRE_FALSE(g.ok());
  CHECK(g.status().message() == "cfg.yaml: limits_config.retention_stream[0].period: retention period must be >= 24h was 1h");
}

// Regression (fuzz_retention_rules): a retention_stream entry without `period` or `selector` threw
// YAML::InvalidNode out of the parser (file:line of a missing node), terminating the store.
TEST_CASE("runtime overrides: retention_stream entries missing a key are errors, not exceptions") {
  struct Case { const char* entry; const char* want; };
  for (const Case& c : {Case{"    - selector: '{a=\"b\"}'\n      priority: 1\n", "rt.yaml:4: retention_stream: missing key \"period\""},
                        Case{"    - period: 48h\n", "rt.yaml:4: retention_stream: missing key \"selector\""},
                        Case{"    - {}\n", "missing key \"selector\""}}) {
    std::string text = std::string("overrides:\n  t1:\n    retention_stream:\n") + c.entry;
    auto o = ParseRuntimeOverrides("rt.yaml", text);   // threw before the fix; Catch2 fails on that
    REQUIRE_FALSE(o.ok());
    INFO(o.status().message());
    CHECK(o.status().message().find(c.want) != std::string::npos);
  }
}

TEST_CASE("runtime overrides reload on change without restart, a bad edit keeps the old policy") {
  testing::TempDir dir;
  std::string rt = dir / "runtime.yaml";
  Write(rt, "overrides:\n  t1:\n    retention_period: 7d\n");
  StoreConfig cfg;
  cfg.limits.retention_period_ns = 30 * kDay;
  cfg.runtime_config_file = rt;
  auto src = PolicySource::Open(cfg);
  REQUIRE(src.ok());
  LabelSet ls = L(R"({app="x"})");
  CHECK((*src)->Get()->PeriodFor("t1", ls) == 7 * kDay);
  CHECK((*src)->Get()->PeriodFor("t2", ls) == 30 * kDay);

  Write(rt, "overrides:\n  t2:\n    retention_stream:\n    - selector: '{app=\"x\"}'\n      priority: 1\n      period: 2d\n");
  REQUIRE((*src)->Reload().ok());
  CHECK((*src)->Get()->PeriodFor("t1", ls) == 30 * kDay);
  CHECK((*src)->Get()->PeriodFor("t2", ls) == 2 * kDay);

  Write(rt, "overrides:\n  t2:\n    retention_period: soon\n");
  Status st = (*src)->Reload();
  CHECK_FALSE(st.ok());
  CHECK(st.message().find("runtime.yaml:3") != std::string::npos);
  CHECK((*src)->Get()->PeriodFor("t2", ls) == 2 * kDay);

  SECTION("the poller picks up edits by itself") {
    (*src)->Start(100000000);   // 100ms
    Write(rt, "overrides:\n  t2:\n    retention_period: 5d\n");
    bool seen = false;
    for (int i = 0; i < 50 && !seen; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      seen = (*src)->Get()->PeriodFor("t2", ls) == 5 * kDay;
    }
    CHECK(seen);
    (*src)->Stop();
  }
}

TEST_CASE("configs/skald-store.yaml: compactor.retention_rules_file is a config key and loads") {
  setenv("SKALD_CONFIG_DIR", SKALD_SOURCE_DIR "/configs", 1);
  auto cfg = LoadStoreConfig(SKALD_SOURCE_DIR "/configs/skald-store.yaml", true, nullptr);
  REQUIRE(cfg.ok());
  CHECK(cfg->compactor.retention_enabled);
  CHECK(cfg->compactor.retention_rules_file == SKALD_SOURCE_DIR "/configs/retention-rules.yaml");
  auto src = PolicySource::Open(*cfg);
  REQUIRE(src.ok());
  CHECK((*src)->Get()->PeriodFor("fake", L(R"({service="postgres", level="INFO"})")) == 90 * kDay);
  CHECK((*src)->Get()->PeriodFor("fake", L(R"({service="other"})")) == 30 * kDay);

  auto bad = ParseStoreConfig("bad.yaml", "compactor:\n  retention_enabled: true\n  retention_rules_file: /nonexistent.yaml\n",
                              false, nullptr);
  REQUIRE(bad.ok());
  auto fails = PolicySource::Open(*bad);
  REQUIRE_FALSE(fails.ok());
  CHECK(fails.status().message().find("/nonexistent.yaml") != std::string::npos);
}
