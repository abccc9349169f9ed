// The chain's liveness pass: stages learn which extracted keys later stages read, and the json
// stage skips parsing only when no later stage could see a difference. Checked differentially:
// the same chains with and without the pass must give identical labels, lines and timestamps.
#include <catch.hpp>

#include "tests/collector/pipeline/stages/stage_test_util.h"

using namespace skald;
using namespace skald::pipeline;
using namespace skald::pipeline::testing;

namespace {
const char* kChains[] = {
    // The seed's: `stream` is extracted but nobody reads it afterwards.
    "[{json: {expressions: {log: log, stream: stream, time: time}}},"
    " {timestamp: {source: time, format: RFC3339Nano}}, {output: {source: log}},"
    " {regex: {expression: '(?P<level>(ERROR|WARN|INFO))'}}, {labels: {level: }}]",
    // A later stage reads `stream`, which is also a stream label: valid JSON erases it.
    "[{json: {expressions: {stream: stream}}}, {labels: {s: stream}}]",
    // template may read anything: never skipped.
    "[{json: {expressions: {log: log}}}, {template: {source: t, template: '{{ .stream }}/{{ .log }}'}},"
    " {output: {source: t}}]",
    // A nested path is not a plain field.
    "[{json: {expressions: {x: a.log}}}, {output: {source: x}}]",
    // drop_malformed needs the parse.
    "[{json: {expressions: {log: log}, drop_malformed: true}}, {output: {source: log}}]",
    // A json stage reading an extracted source, then labels from its results.
    "[{regex: {expression: 'body=(?P<body>.*)'}}, {json: {expressions: {level: level}, source: body}},"
    " {labels: {level: }}]",
};
const char* kLines[] = {
    R"({"a":1})", R"({"log":"hi","time":"2026-11-26T10:00:00Z","stream":"stderr"})", R"({"msg":"log"})",
    R"({"l\u006fg":"escaped key"})", "{bad json", R"({"time":"x"})", "plain text INFO", R"({"stream":"stderr"})",
    R"({"a":{"log":"nested"}})", R"(  {"log":"leading space"})", R"({"log":"x"} trailing)", "{}",
    R"({"level":"WARN","msg":"ERROR here"})", R"(body={"level":"debug"})", R"(body={"lvl":"x"})", "body=nope",
    R"({"log":null})", R"({"log":["a",1]})", R"({"stream":"stdout","log":"both"})"};

Entry Run(StageChain& chain, const std::string& line) {
  Entry e = MakeEntry(line, L(R"({job="api", stream="stdout"})"), 42);
  chain.ProcessInPlace(e);
  return e;
}
}  // namespace

TEST_CASE("stage chain: the liveness pass never changes what leaves the chain") {
  for (const char* yaml : kChains) {
    auto plain = BuildChain(yaml);
    auto lively = BuildChain(yaml);
    REQUIRE(plain.ok());
    REQUIRE(lively.ok());
    lively->PropagateLiveness(KeySet{});
    for (const char* line : kLines) {
      INFO(yaml << "\n" << line);
      Entry a = Run(*plain, line), b = Run(*lively, line);
      CHECK(a.labels.ToString() == b.labels.ToString());
      CHECK(a.line == b.line);
      CHECK(a.ts_ns == b.ts_ns);
      CHECK(a.dropped == b.dropped);
    }
  }
}

TEST_CASE("stage chain: the seed's json stage skips the parse when no later stage reads its keys") {
  auto plain = BuildChain(kChains[0]);
  auto lively = BuildChain(kChains[0]);
  REQUIRE(plain.ok());
  REQUIRE(lively.ok());
  lively->PropagateLiveness(KeySet{});
  // Observable only on the dead key: a parse erases `stream` (absent from the JSON) from the map.
  CHECK(Ex(Run(*plain, R"({"a":1})"), "stream") == "<absent>");
  CHECK(Ex(Run(*lively, R"({"a":1})"), "stream") == "stdout");
  // A live key in the text, or an escape, forces the parse.
  CHECK(Ex(Run(*lively, R"({"log":"x","a":1})"), "stream") == "<absent>");
  CHECK(Ex(Run(*lively, R"({"a":"\u0041"})"), "stream") == "<absent>");
  // A template may read any key: `stream` stays live, so the parse (which erases it) happens.
  auto templ = BuildChain("[{json: {expressions: {stream: stream}}}, {template: {source: t, template: '{{ .stream }}'}},"
                          " {output: {source: t}}]");
  REQUIRE(templ.ok());
  templ->PropagateLiveness(KeySet{});
  CHECK(Run(*templ, R"({"a":1})").line == "<no value>");
  CHECK(Run(*templ, R"({"stream":"stderr"})").line == "stderr");
}

TEST_CASE("stage chain: a labels stage running the line-scanning regex before it changes nothing") {
  // Each chain as written (regex then labels: fused) and with a stage in between that changes
  // nothing here (labeldrop of an absent label: no fusion). Both must agree on everything a later
  // stage or the clients can see.
  const char* chains[] = {
      "[{regex: {expression: '(?P<level>(ERROR|WARN|INFO))'}}MID, {labels: {level: }}]",
      "[{regex: {expression: '(?P<level>(ERROR|WARN|INFO))'}}MID, {labels: {level: }}, {output: {source: level}}]",
      "[{regex: {expression: '(?P<level>(ERROR|WARN|INFO))'}}MID, {labels: {sev: level, j: job, lvl: level}}]",
      ("[{regex: {expression: '(?P<http_status>\\d{3})'}}MID, {labels: {http_status: }},"
       " {template: {source: t, template: '{{ .http_status }}|{{ .level }}'}}, {output: {source: t}}]"),
      "[{regex: {expression: '(?P<level>(ERROR|WARN|INFO))'}}MID, {labels: {job: }}]",  // not the regex's key
      "[{regex: {expression: '(?P<level>(ERROR|WARN|INFO))'}}MID, {structured_metadata: {level: }}]",
      "[{regex: {expression: 'x(?P<level>[A-Z]+)'}}MID, {labels: {level: }}]",  // not a plain scan
  };
  const char* lines[] = {"INFO hello 200", "nothing here", "ERROR 1234 WARN", "", "12 345", "WARNING 99",
                         "xWARN \xc3\xa9t\xc3\xa9 404", "INF ERRO 20"};
  const LabelSet bases[] = {L(R"({job="api", stream="stdout"})"), L(R"({job="api", level="base", http_status="1"})")};
  for (const char* yaml : chains) {
    std::string fused_yaml = yaml, split_yaml = yaml;
    fused_yaml.replace(fused_yaml.find("MID"), 3, "");
    split_yaml.replace(split_yaml.find("MID"), 3, ", {labeldrop: [zz_absent]}");
    auto fused = BuildChain(fused_yaml), split = BuildChain(split_yaml);
    REQUIRE(fused.ok());
    REQUIRE(split.ok());
    fused->PropagateLiveness(KeySet{});
    split->PropagateLiveness(KeySet{});
    for (const LabelSet& base : bases)
      for (const char* line : lines) {
        INFO(fused_yaml << "\n" << line << " " << base.ToString());
        Entry a = MakeEntry(line, base), b = MakeEntry(line, base);
        fused->ProcessInPlace(a);
        split->ProcessInPlace(b);
        CHECK(a.labels.ToString() == b.labels.ToString());
        CHECK(a.line == b.line);
        CHECK(a.metadata == b.metadata);
      }
  }
  // The fusion happens where it applies (and only there).
  CHECK(BuildChain(std::string(chains[0]).replace(std::string(chains[0]).find("MID"), 3, ""))->size() == 1);
  CHECK(BuildChain(std::string(chains[4]).replace(std::string(chains[4]).find("MID"), 3, ""))->size() == 2);
  CHECK(BuildChain(std::string(chains[5]).replace(std::string(chains[5]).find("MID"), 3, ""))->size() == 2);
  CHECK(BuildChain(std::string(chains[6]).replace(std::string(chains[6]).find("MID"), 3, ""))->size() == 2);
}

TEST_CASE("stage chain: a fused regex still stores its match when a later stage reads it") {
  auto read_later = BuildChain("[{regex: {expression: '(?P<level>(ERROR|INFO))'}}, {labels: {level: }}]");
  REQUIRE(read_later.ok());
  read_later->PropagateLiveness(std::nullopt);  // e.g. a match body: anything may be read after
  Entry e = MakeEntry("an ERROR here", L(R"({job="a"})"));
  read_later->ProcessInPlace(e);
  CHECK(Ex(e, "level") == "ERROR");
  CHECK(e.labels.ToString() == R"({job="a", level="ERROR"})");
  // Nobody reads it afterwards: the label is set, the map is left alone.
  auto dead = BuildChain("[{regex: {expression: '(?P<level>(ERROR|INFO))'}}, {labels: {level: }}]");
  REQUIRE(dead.ok());
  dead->PropagateLiveness(KeySet{});
  Entry f = MakeEntry("an INFO here", L(R"({job="a"})"));
  dead->ProcessInPlace(f);
  CHECK(f.labels.ToString() == R"({job="a", level="INFO"})");
  CHECK(Ex(f, "level") == "<absent>");
}
