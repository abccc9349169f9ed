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
