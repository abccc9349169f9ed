// Pipeline driver: extracted map seeded from labels, drop accounting by reason, multiline release
// through Tick/FlushAll, and stages after a buffering stage still running.
#include <catch.hpp>

#include <yaml-cpp/yaml.h>

#include "collector/pipeline/pipeline.h"

using namespace skald;
using namespace skald::pipeline;

namespace {
LabelSet L(const std::string& s) { return LabelSet::Parse(s).value(); }
}  // namespace

TEST_CASE("pipeline: labels seed the extracted map, drops are counted by reason") {
  const char* cfg = R"(
- template: {source: tag, template: '{{ .app }}-{{ .env }}'}
- labels: {tag: }
- match:
    selector: '{app="web"} |= "healthz" or "metrics"'
    action: drop
    drop_counter_reason: probes
- drop: {expression: '^DEBUG'}
)";
  auto p = Pipeline::Build(YAML::Load(cfg), "p.yaml");
  REQUIRE(p.ok());
  CHECK_FALSE(p->buffers());
  Entry e = Pipeline::MakeEntry(L(R"({app="web", env="prod"})"), 1, "GET /api");
  REQUIRE(p->Process(e));
  CHECK(e.labels == L(R"({app="web", env="prod", tag="web-prod"})"));
  for (const char* l : {"GET /healthz", "GET /metrics", "DEBUG x", "GET /other"}) {
    Entry x = Pipeline::MakeEntry(L(R"({app="web", env="prod"})"), 1, l);
    p->Process(x);
  }
  CHECK(p->dropped().at("probes") == 2);
  CHECK(p->dropped().at("drop_stage") == 1);
}

TEST_CASE("pipeline: multiline blocks continue through later stages") {
  const char* cfg = R"(
- multiline: {firstline: '^\d{4}-', max_wait_time: 1s}
- regex: {expression: '^(?P<level>[A-Z]+) '}
- static_labels: {joined: "yes"}
)";
  auto p = Pipeline::Build(YAML::Load(cfg), "p.yaml");
  REQUIRE(p.ok());
  REQUIRE(p->buffers());
  std::vector<Entry> out;
  for (const char* l : {"2026-11-26 ERROR boom", "  at frame1", "2026-11-26 INFO ok"})
    p->Process(Pipeline::MakeEntry(L(R"({app="a"})"), 5, l), out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].line == "2026-11-26 ERROR boom\n  at frame1");
  CHECK(out[0].labels == L(R"({app="a", joined="yes"})"));
  CHECK(out[0].ts_ns == 5);
  p->Tick(0, out);  // steady clock 0: nothing is idle yet
  CHECK(out.size() == 1);
  p->FlushAll(out);
  REQUIRE(out.size() == 2);
  CHECK(out[1].line == "2026-11-26 INFO ok");
}
