// Env expansion, schema walking (unknown keys with line numbers and suggestions, known-unused
// warnings once), typed binders, and Go-style flags.
#include <catch.hpp>

#include <cstdlib>

#include "common/cli_flags.h"
#include "common/config_yaml.h"

using namespace skald;
using namespace skald::config;

TEST_CASE("ExpandEnv: braced vars with defaults - bare vars - escaped dollars - relabel groups kept") {
  setenv("SKALD_T_SET", "value", 1);
  setenv("SKALD_T_EMPTY", "", 1);
  unsetenv("SKALD_T_UNSET");
  struct Case { const char* in; const char* want; } cases[] = {
      {"a: ${SKALD_T_SET}", "a: value"},
      {"a: ${SKALD_T_UNSET}", "a: "},
      {"a: ${SKALD_T_UNSET:-./data}/store", "a: ./data/store"},
      {"a: ${SKALD_T_EMPTY:-dflt}", "a: dflt"},
      {"a: ${SKALD_T_EMPTY-dflt}", "a: "},
      {"a: ${SKALD_T_UNSET-dflt}", "a: dflt"},
      {"a: ${SKALD_T_UNSET:-${SKALD_T_SET}}", "a: value"},
      {"a: $SKALD_T_SET/x", "a: value/x"},
      {"cost: $$5", "cost: $5"},
      {"replacement: '${1}:${2}'", "replacement: '${1}:${2}'"},
      {"regex: '(.*)$'", "regex: '(.*)$'"},
      {"a: ${unterminated", "a: ${unterminated"}};
  for (const auto& c : cases) CHECK(ExpandEnv(c.in) == c.want);
}

TEST_CASE("ParseYamlText reports syntax errors with file:line:col") {
  auto r = ParseYamlText("cfg.yaml", "a: 1\nb: [unclosed\n", false);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().rfind("cfg.yaml:", 0) == 0);
  CHECK(r.status().message().find("yaml:") != std::string::npos);
  auto list = ParseYamlText("cfg.yaml", "- a\n- b\n", false);
  CHECK_FALSE(list.ok());
  auto empty = ParseYamlText("cfg.yaml", "", false);
  REQUIRE(empty.ok());
  CHECK(empty->root.IsMap());
}

namespace {

struct Sample {
  int port = 0;
  int64_t retention = 0, size = 0, timeout_ms = 0;
  bool enabled = false;
  double rate = 0;
  std::string name;
  std::vector<std::string> list;
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<int> items;
  YAML::Node opaque;
};

Schema SampleSchema(Sample* s) {
  return {Section("server", {Value("port", BindInt(&s->port)), Unused("grpc_port")}),
          Section("limits", {Value("retention_period", BindDuration(&s->retention)),
                             Value("size", BindBytes(&s->size)),
                             Value("timeout", BindDurationMs(&s->timeout_ms)),
                             Value("enabled", BindBool(&s->enabled)),
                             Value("rate", BindDouble(&s->rate))}),
          Value("name", BindString(&s->name)), Value("list", BindStringList(&s->list)),
          Value("labels", BindStringMap(&s->labels)), Value("opaque", BindNode(&s->opaque)),
          List("items", [s](size_t) {
            s->items.push_back(0);
            return Schema{Value("v", BindInt(&s->items.back())), Unused("old")};
          }),
          Unused("schema_config")};
}

std::pair<Sample, Walker> WalkText(const std::string& text) {
  auto doc = ParseYamlText("t.yaml", text, false);
  REQUIRE(doc.ok());
  Sample s;
  Walker w("t.yaml");
  w.Walk(doc->root, SampleSchema(&s), "");
  return {s, w};
}

}  // namespace

TEST_CASE("walker binds typed values") {
  auto [s, w] = WalkText(
      "server:\n  port: 3100\n"
      "limits:\n  retention_period: 30d\n  size: 15MB\n  timeout: 1.5s\n  enabled: yes\n"
      "  rate: 2.5\n"
      "name: skald\nlist: [a, b]\nlabels: {job: x, env: prod}\n"
      "opaque:\n  - anything: [1, 2]\n"
      "items:\n  - v: 1\n  - v: 2\n");
  INFO(w.ToStatus().message());
  REQUIRE(w.errors().empty());
  CHECK(s.port == 3100);
  CHECK(s.retention == 30LL * 24 * 3600 * 1000000000LL);
  CHECK(s.size == 15000000);
  CHECK(s.timeout_ms == 1500);
  CHECK(s.enabled);
  CHECK(s.rate == 2.5);
  CHECK(s.name == "skald");
  CHECK(s.list == std::vector<std::string>{"a", "b"});
  CHECK(s.labels.size() == 2);
  CHECK(s.labels[1] == std::make_pair(std::string("env"), std::string("prod")));
  REQUIRE(s.opaque.IsSequence());
  CHECK(s.opaque.Mark().line == 12);  // 0-based: the "- anything" line  // marks survive for later validators
  CHECK(s.items == std::vector<int>{1, 2});
}

TEST_CASE("unknown keys are errors with line section and a suggestion") {
  auto [s, w] = WalkText(
      "server:\n  port: 1\n"
      "limits:\n  retention_peroid: 30d\n"
      "bogus: 1\n"
      "items:\n  - v: 1\n    vv: 2\n");
  REQUIRE(w.errors().size() == 3);
  CHECK(w.errors()[0] ==
        "t.yaml:4: unknown key \"retention_peroid\" in section \"limits\" (did you mean "
        "retention_period?)");
  CHECK(w.errors()[1] == "t.yaml:5: unknown key \"bogus\" at top level");
  CHECK(w.errors()[2] == "t.yaml:8: unknown key \"vv\" in section \"items\" (did you mean v?)");
  CHECK_FALSE(w.ToStatus().ok());
}

TEST_CASE("bad values name file line and the full key path") {
  auto [s, w] = WalkText(
      "server:\n  port: http\n"
      "limits:\n  retention_period: 30x\n  size: lots\n  enabled: maybe\n"
      "server2: 1\n"
      "list: {a: 1}\n"
      "items: notalist\n"
      "limits_dup: 1\n");
  const auto& e = w.errors();
  REQUIRE(e.size() >= 6);
  CHECK(e[0] == "t.yaml:2: key \"server.port\": invalid integer \"http\"");
  CHECK(e[1].rfind("t.yaml:4: key \"limits.retention_period\": time: unknown unit", 0) == 0);
  CHECK(e[2].rfind("t.yaml:5: key \"limits.size\":", 0) == 0);
  CHECK(e[3] == "t.yaml:6: key \"limits.enabled\": invalid boolean \"maybe\"");
  CHECK(e[4] == "t.yaml:7: unknown key \"server2\" at top level (did you mean server?)");
  CHECK(e[5] == "t.yaml:8: key \"list\": expected a list of strings");
}

TEST_CASE("known-unused keys warn once per path never error") {
  auto [s, w] = WalkText(
      "server:\n  grpc_port: 9095\n"
      "schema_config:\n  configs: [{from: 2024-01-01, anything: goes}]\n"
      "items:\n  - old: 1\n  - old: 2\n");
  CHECK(w.errors().empty());
  REQUIRE(w.warnings().size() == 3);
  CHECK(w.warnings()[0] ==
        "t.yaml:2: key \"server.grpc_port\" is not used by skald (accepted, ignored)");
  CHECK(w.warnings()[1].rfind("t.yaml:3: key \"schema_config\"", 0) == 0);
  CHECK(w.warnings()[2].rfind("t.yaml:6: key \"items.old\"", 0) == 0);
}

TEST_CASE("duplicate keys and non-map sections are errors") {
  auto [s, w] = WalkText("name: a\nname: b\nserver: [1]\n");
  REQUIRE(w.errors().size() == 2);
  CHECK(w.errors()[0] == "t.yaml:2: key \"name\" is set twice");
  CHECK(w.errors()[1] == "t.yaml:3: section \"server\" must be a mapping");
}

TEST_CASE("ClosestKey suggests only plausible typos") {
  std::vector<std::string> keys = {"retention_period", "retention_stream", "max_line_size"};
  CHECK(ClosestKey("retention_peroid", keys) == "retention_period");
  CHECK(ClosestKey("max_line_sise", keys) == "max_line_size");
  CHECK(ClosestKey("completely_else", keys) == "");
}

TEST_CASE("FlagSet parses Go flag syntax") {
  std::string file, level;
  bool verify = false, env = false;
  int n = 0;
  FlagSet f("prog");
  f.String("config.file", &file, "");
  f.String("log.level", &level, "");
  f.Bool("verify-config", &verify, "");
  f.Bool("config.expand-env", &env, "");
  f.Int("n", &n, "");
  const char* argv[] = {"prog", "--config.file", "a.yaml", "-log.level=debug", "-verify-config",
                        "-config.expand-env=false", "-n=3", "rest", "-x"};
  REQUIRE(f.Parse(9, argv).ok());
  CHECK(file == "a.yaml");
  CHECK(level == "debug");
  CHECK(verify);
  CHECK_FALSE(env);
  CHECK(n == 3);
  CHECK(f.args() == std::vector<std::string>{"rest", "-x"});

  FlagSet g("prog");
  g.Bool("b", &verify, "");
  g.String("s", &file, "");
  const char* unknown[] = {"prog", "-nope"};
  CHECK(g.Parse(2, unknown).message() == "flag provided but not defined: -nope");
  const char* missing[] = {"prog", "-s"};
  CHECK(g.Parse(2, missing).message() == "flag needs an argument: -s");
  const char* badbool[] = {"prog", "-b=maybe"};
  CHECK_FALSE(g.Parse(2, badbool).ok());
  const char* help[] = {"prog", "-h"};
  REQUIRE(g.Parse(2, help).ok());
  CHECK(g.help_requested());
}
