// Rule file loading and validation: the user's real seed file (LowDiskSpace rejected with the
// metric form, the other three kept), our corrected copy, a table of invalid rules, YAML output.
#include <catch.hpp>

#include <fstream>
#include <sstream>

#include "store/ruler/rule_file.h"

using namespace skald::ruler;

namespace {

std::string ReadFile(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string OneRule(const std::string& rule_yaml) {
  return "groups:\n  - name: g\n    rules:\n" + rule_yaml;
}

}  // namespace

TEST_CASE("ruler: the seed alerts.yaml keeps three rules and rejects the log-query LowDiskSpace") {
  // testdata/seed_alerts.yaml is a verbatim copy of the user's seed file (checked when present).
  const std::string text = ReadFile(std::string(SKALD_SOURCE_DIR) + "/tests/store/ruler/testdata/seed_alerts.yaml");
  REQUIRE(!text.empty());
  const std::string shared = ReadFile("/work/shared/seed/alerts.yaml");
  if (!shared.empty()) CHECK(shared == text);
  auto f = ParseRuleFile("alerts.yaml", text);
  REQUIRE(f.ok());
  REQUIRE(f->groups.size() == 1);
  CHECK(f->groups[0].name == "datamancy-alerts");
  CHECK(f->groups[0].interval_ns == 60LL * 1000000000LL);
  REQUIRE(f->groups[0].rules.size() == 3);
  CHECK(f->groups[0].rules[0].alert == "HighErrorRate");
  CHECK(f->groups[0].rules[0].for_ns == 300LL * 1000000000LL);
  CHECK(f->groups[0].rules[1].alert == "DatabaseDown");
  CHECK(f->groups[0].rules[2].alert == "AuthenticationFailureSpike");
  REQUIRE(f->errors.size() == 1);
  const std::string& e = f->errors[0];
  CHECK(e.starts_with("alerts.yaml:39: group \"datamancy-alerts\", rule \"LowDiskSpace\": "));
  CHECK(e.find("log query") != std::string::npos);
  CHECK(e.find(R"(count_over_time({job="docker"} |~ "no space left on device" [1m]) > 0)") != std::string::npos);
}

TEST_CASE("ruler: the corrected configs/rules/fake/alerts.yaml loads all four rules") {
  auto f = ParseRuleFile("alerts.yaml", ReadFile(std::string(SKALD_SOURCE_DIR) + "/configs/rules/fake/alerts.yaml"));
  REQUIRE(f.ok());
  CHECK(f->errors.empty());
  REQUIRE(f->groups.size() == 1);
  CHECK(f->groups[0].rules.size() == 4);
}

TEST_CASE("ruler: invalid rules are reported with their reason and dropped") {
  struct Case {
    std::string rule;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"      - alert: A\n        record: b\n        expr: count_over_time({a=\"b\"}[1m])\n",
       "only one of 'record' and 'alert' must be set"},
      {"      - expr: count_over_time({a=\"b\"}[1m])\n", "one of 'record' or 'alert' must be set"},
      {"      - alert: A\n", "field 'expr' must be set in rule"},
      {"      - alert: A\n        expr: count_over_time({a=\"b\"}[1m]\n", "could not parse expression: parse error"},
      {"      - record: 1bad\n        expr: count_over_time({a=\"b\"}[1m])\n", "invalid recording rule name: 1bad"},
      {"      - record: r\n        expr: count_over_time({a=\"b\"}[1m])\n        for: 1m\n",
       "invalid field 'for' in recording rule"},
      {"      - record: r\n        expr: count_over_time({a=\"b\"}[1m])\n        annotations:\n          a: b\n",
       "invalid field 'annotations' in recording rule"},
      {"      - alert: A\n        expr: count_over_time({a=\"b\"}[1m])\n        labels:\n          bad-name: x\n",
       "invalid label name: bad-name"},
      {"      - alert: A\n        expr: count_over_time({a=\"b\"}[1m])\n        annotations:\n          s: \"{{ nope }}\"\n",
       "annotation s: template:"},
      {"      - alert: A\n        expr: count_over_time({a=\"b\"}[1m])\n        for: soon\n", "for:"},
      {"      - alert: A\n        expr: count_over_time({a=\"b\"}[1m])\n        severity: x\n",
       "field severity not found"},
  };
  for (const Case& c : cases) {
    INFO(c.rule);
    const std::string ok_rule = "      - record: ok\n        expr: count_over_time({a=\"b\"}[1m])\n";
    auto f = ParseRuleFile("f.yaml", OneRule(c.rule + ok_rule));
    REQUIRE(f.ok());
    REQUIRE(f->errors.size() == 1);
    CHECK(f->errors[0].starts_with("f.yaml:4: group \"g\", rule \""));
    CHECK(f->errors[0].find(c.reason) != std::string::npos);
    REQUIRE(f->groups.size() == 1);
    REQUIRE(f->groups[0].rules.size() == 1);  // the valid rule after it still loads
    CHECK(f->groups[0].rules[0].record == "ok");
  }
}

TEST_CASE("ruler: group-level problems") {
  auto dup = ParseRuleFile("f.yaml", "groups:\n  - name: g\n    rules: []\n  - name: g\n    rules: []\n");
  REQUIRE(dup.ok());
  REQUIRE(dup->errors.size() == 1);
  CHECK(dup->errors[0] == "f.yaml:4: groupname: \"g\" is repeated in the same file");
  auto noname = ParseRuleFile("f.yaml", "groups:\n  - rules: []\n");
  REQUIRE(noname.ok());
  REQUIRE(noname->errors.size() == 1);
  CHECK(noname->errors[0].find("group name should not be empty") != std::string::npos);
  auto bad_yaml = ParseRuleFile("f.yaml", "groups: [\n");
  CHECK(!bad_yaml.ok());
  CHECK(bad_yaml.status().message().starts_with("f.yaml:"));
  auto empty = ParseRuleFile("f.yaml", "");
  REQUIRE(empty.ok());
  CHECK(empty->groups.empty());
}

TEST_CASE("ruler: groups round-trip through the YAML the API writes") {
  auto f = ParseRuleFile("alerts.yaml", ReadFile(std::string(SKALD_SOURCE_DIR) + "/configs/rules/fake/alerts.yaml"));
  REQUIRE(f.ok());
  RuleGroupDesc g = f->groups[0];
  g.limit = 7;
  g.rules[0].keep_firing_for_ns = 90LL * 1000000000LL;
  auto back = ParseRuleFile("x.yaml", GroupsToFileYaml({g}));
  REQUIRE(back.ok());
  CHECK(back->errors.empty());
  REQUIRE(back->groups.size() == 1);
  CHECK(back->groups[0] == g);
  auto one = ParseRuleGroupYaml(GroupToYaml(g));
  REQUIRE(one.ok());
  CHECK(*one == g);
  CHECK(FormatDuration(90LL * 1000000000LL) == "1m30s");
}

// Regression (fuzz_ruler_rule_file): `name: \f[\xfa` parsed, but the YAML written back held U+FFFD
// for the invalid byte, so the group read back differed. Invalid UTF-8 is refused, as Loki does.
TEST_CASE("ruler: rule YAML with invalid UTF-8 is refused with its line") {
  auto g = ParseRuleGroupYaml("name: \f[\xfa");
  REQUIRE_FALSE(g.ok());
  CHECK(g.status().message() == "body:1: yaml: invalid UTF-8");
  auto f = ParseRuleFile("r.yaml", "groups:\n- name: ok\n  rules:\n  - alert: \xc3\n    expr: vector(1)\n");
  REQUIRE_FALSE(f.ok());
  CHECK(f.status().message() == "r.yaml:4: yaml: invalid UTF-8");
  auto fine = ParseRuleGroupYaml("name: caf\xc3\xa9\nrules: []\n");
  REQUIRE(fine.ok());
  CHECK(fine->name == "caf\xc3\xa9");
  auto back = ParseRuleGroupYaml(GroupToYaml(*fine));
  REQUIRE(back.ok());
  CHECK(*back == *fine);
}

// Regression (fuzz_ruler_rule_file, CI 2026-12-04): `name: lert\x06\x00NoLogsm` parsed, but
// yaml-cpp read the NUL as U+0085, so the group written back and read again differed. Control
// characters are refused, as Loki's YAML parser does; tab, LF, CR and NEL stay allowed.
TEST_CASE("ruler: rule YAML with control characters is refused with its line") {
  auto g = ParseRuleGroupYaml(std::string("name: lert\x06\x00NoLogsm\n", 20));
  REQUIRE_FALSE(g.ok());
  CHECK(g.status().message() == "body:1: yaml: control characters are not allowed");
  auto f = ParseRuleFile("r.yaml", "groups:\n- name: ok\n  rules:\n  - alert: a\x7f\n    expr: vector(1)\n");
  REQUIRE_FALSE(f.ok());
  CHECK(f.status().message() == "r.yaml:4: yaml: control characters are not allowed");
  CHECK_FALSE(ParseRuleGroupYaml("name: a\xc2\x9b\nrules: []\n").ok());   // a C1 control
  auto fine = ParseRuleGroupYaml("name:\t\"tab\\tnel\xc2\x85\"\r\nrules: []\n");
  REQUIRE(fine.ok());
  auto back = ParseRuleGroupYaml(GroupToYaml(*fine));
  REQUIRE(back.ok());
  CHECK(*back == *fine);
}

// Regression (fuzz_ruler_rule_file, random seed): `name: nl\r` parsed to "nl\r", which yaml-cpp wrote
// back unquoted; with the line's LF after it the CR read back as a line break. Strings with a CR
// are written double-quoted.
TEST_CASE("ruler: names, expressions and labels holding a CR survive the YAML round trip") {
  for (const std::string& text : {std::string("name: nl\r"), std::string("name: \"a\\rb\"\nrules:\n- alert: \"x\\r\"\n"
                                                                            "  expr: \"vector(1)\\r\\n\"\n"
                                                                            "  labels:\n    k: \"v\\r\"\n")}) {
    auto g = ParseRuleGroupYaml(text);
    REQUIRE(g.ok());
    auto back = ParseRuleGroupYaml(GroupToYaml(*g));
    REQUIRE(back.ok());
    CHECK(*back == *g);
  }
}
