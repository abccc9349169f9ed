// `template` and `replace` stages: Promtail's documented examples on the Go template engine.
#include <catch.hpp>

#include "stage_test_util.h"

using namespace skald;
using namespace skald::pipeline;
using namespace skald::pipeline::testing;

TEST_CASE("template stage: documented examples") {
  struct Case {
    std::string tmpl, want;
  };
  std::vector<Case> cases = {
      {"hello world!", "hello world!"},
      {"{{ .Value }}_{{ .level }}", "loki_warn"},
      {"{{ ToUpper .Value }}", "LOKI"},
      {"{{ Replace .Value \"loki\" \"blokey\" 1 }}", "blokey"},
      {"{{ if eq .Value \"loki\" }}yes{{ else }}no{{ end }}", "yes"},
      {"{{ .Value | ToUpper | ToLower }}", "loki"},
      {"{{ regexReplaceAll \"(o)\" .Value \"0\" }}", "l0ki"},
      // a key missing from the extracted map renders as Go does over Promtail's map
      {"{{ .Value }}-{{ .nosuchkey }}", "loki-<no value>"},
      {"{{ .Entry }}", R"({"app":"loki","level":"warn"})"},
      // Hash = hex(SHA3-256(salt+input)), Sha2Hash = hex(SHA-256(salt+input)); piped value last
      {"{{ .Value | Hash \"salt\" }}", "d458d6e3f014822756d90bd2677ea20dc0cd645ad1c3a61d550c904cbc67f101"},
      {"{{ Sha2Hash \"salt\" .Value }}", "a0db2fdfc70e5ac835bfd68c53d783182967603d59efe2ff8f9aa6f1b75a9e4f"},
  };
  for (const auto& c : cases) {
    INFO(c.tmpl);
    YAML::Node n = YAML::Load("- json: {expressions: {app: , level: }}\n- template: {source: app}\n");
    n[1]["template"]["template"] = c.tmpl;
    auto chain = StageChain::Build(n, {"t.yaml", "j", nullptr});
    REQUIRE(chain.ok());
    Entry e = MakeEntry(R"({"app":"loki","level":"warn"})");
    chain->ProcessInPlace(e);
    CHECK(Ex(e, "app") == c.want);
  }
  // a new key from a constant; an empty result removes the key
  Entry k = RunOne("- template: {source: new_key, template: 'hello world!'}", "x");
  CHECK(Ex(k, "new_key") == "hello world!");
  Entry empty = RunOne("- json: {expressions: {app: }}\n- template: {source: app, template: '{{ if eq .Value \"x\" }}x{{ end }}'}",
                       R"({"app":"loki"})");
  CHECK(Ex(empty, "app") == "<absent>");
  CHECK_FALSE(BuildChain("- template: {source: a, template: '{{ nosuchfunc .Value }}'}").ok());
}

TEST_CASE("replace stage: documented examples") {
  Entry p = RunOne(R"T(- replace: {expression: "password (\\S+)", replace: "****"})T",
                   "2019-01-01T01:00:00.000000001Z stderr P i'm a log message who has sensitive information with password xyz!");
  // `\S+` is greedy and takes the "!" too (Go regexp semantics)
  CHECK(p.line == "2019-01-01T01:00:00.000000001Z stderr P i'm a log message who has sensitive information with password ****");

  Entry all = RunOne(R"T(- replace: {expression: "(\\d{2}\\.\\d{2}\\.\\d{2}\\.\\d{2})", replace: "*IP*"})T",
                     "11.11.11.11 - frank 12.12.12.12 - frank");
  CHECK(all.line == "*IP* - frank *IP* - frank");

  const char* access = R"CFG(
- replace:
    expression: '^(?P<ip>\S+) (?P<identd>\S+) (?P<user>\S+) \[(?P<timestamp>[\w:/]+\s[+\-]\d{4})\] "(?P<action>\S+)\s?(?P<path>\S+)?\s?(?P<protocol>\S+)?" (?P<status>\d{3}|-) (\d+|-)\s?"?(?P<referer>[^"]*)"?\s?"?(?P<useragent>[^"]*)?"?$'
    replace: '{{ if eq .Value "200" }}{{ Replace .Value "200" "HttpStatusOk" -1 }}{{ else }}{{ .Value | ToUpper }}{{ end }}'
)CFG";
  Entry a = RunOne(access, R"(11.11.11.11 - frank [25/Jan/2000:14:00:01 -0500] "GET /1986.js HTTP/1.1" 200 932 "-" "Mozilla/5.0 (Windows; U; Windows NT 5.1; de; rv:1.9.1.7) Gecko/20091221 Firefox/3.5.7 GTB6")");
  CHECK(a.line == R"(11.11.11.11 - FRANK [25/JAN/2000:14:00:01 -0500] "GET /1986.JS HTTP/1.1" HttpStatusOk 932 "-" "MOZILLA/5.0 (WINDOWS; U; WINDOWS NT 5.1; DE; RV:1.9.1.7) GECKO/20091221 FIREFOX/3.5.7 GTB6")");
  CHECK(Ex(a, "user") == "FRANK");
  CHECK(Ex(a, "status") == "HttpStatusOk");
  CHECK(Ex(a, "path") == "/1986.JS");
  CHECK(Ex(a, "ip") == "11.11.11.11");

  // with a source: the extracted value is rewritten, the line is not
  Entry s = RunOne("- json: {expressions: {msg: }}\n- replace: {expression: '(secret)', source: msg, replace: 'x'}",
                   R"({"msg":"a secret b"})");
  CHECK(Ex(s, "msg") == "a x b");
  CHECK(s.line == R"({"msg":"a secret b"})");
  // empty replace removes the captured text
  CHECK(RunOne("- replace: {expression: ' (debug)'}", "level debug done").line == "level  done");
}
