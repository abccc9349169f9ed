// The `docker` stage as Promtail 2.9 runs it on a docker_sd target's application line: its
// fixed json/labels/timestamp/output pipeline, so only JSON lines with log/stream/time change.
#include <catch.hpp>

#include "common/gotime/gotime.h"
#include "tests/collector/pipeline/stages/stage_test_util.h"

using namespace skald;
using namespace skald::pipeline;
using namespace skald::pipeline::testing;

namespace {

LabelSet L(const char* s) { return *LabelSet::Parse(s); }
int64_t Ts(const char* s) { return gotime::Parse(gotime::kRFC3339Nano, s)->unix_ns(); }

}  // namespace

TEST_CASE("docker stage on an application line that is itself docker-like JSON") {
  const char* line = R"({"log":"inner\n","stream":"stderr","time":"2026-12-04T10:00:00.5Z","x":1})";
  Entry e = RunOne("- docker: {}", line, L(R"({job="c"})"), 7);
  CHECK(e.line == "inner\n");
  CHECK(e.labels == L(R"({job="c", stream="stderr"})"));
  CHECK(e.ts_ns == Ts("2026-12-04T10:00:00.5Z"));
}

TEST_CASE("docker stage leaves other application lines alone") {
  Entry plain = RunOne("- docker: {}", "GET / 200", L(R"({job="c"})"), 7);
  CHECK(plain.line == "GET / 200");
  CHECK(plain.labels == L(R"({job="c"})"));
  CHECK(plain.ts_ns == 7);
  Entry other = RunOne("- docker: {}", R"({"msg":"hi","level":"info"})", L(R"({job="c"})"), 7);
  CHECK(other.line == R"({"msg":"hi","level":"info"})");
  CHECK(other.labels == L(R"({job="c"})"));
  CHECK(other.ts_ns == 7);
  // A "time" Go's RFC3339Nano does not parse leaves the timestamp (no earlier good one to fudge from).
  Entry bad = RunOne("- docker: {}", R"({"time":"2026-12-04 10:00:00","log":"x"})", {}, 7);
  CHECK(bad.line == "x");
  CHECK(bad.ts_ns == 7);
}

TEST_CASE("docker stage takes non-string log values as Promtail's output stage does") {
  CHECK(RunOne("- docker: {}", R"({"log":5})").line == "5");
  CHECK(RunOne("- docker: {}", R"({"log":true})").line == "true");
  CHECK(RunOne("- docker: {}", R"({"log":null})").line == R"({"log":null})");
}

TEST_CASE("docker stage fudges timestamps after one line had a time, as Promtail") {
  auto chain = BuildChain("- docker: {}");
  REQUIRE(chain.ok());
  Entry first = MakeEntry(R"({"time":"2026-12-04T10:00:00Z","msg":"a"})", L(R"({job="c"})"), 5);
  REQUIRE(chain->ProcessInPlace(first));
  CHECK(first.ts_ns == Ts("2026-12-04T10:00:00Z"));
  Entry next = MakeEntry("plain text", L(R"({job="c"})"), 99);
  REQUIRE(chain->ProcessInPlace(next));
  CHECK(next.line == "plain text");
  CHECK(next.ts_ns == Ts("2026-12-04T10:00:00Z") + 1);
  Entry other_stream = MakeEntry("plain text", L(R"({job="d"})"), 99);
  REQUIRE(chain->ProcessInPlace(other_stream));
  CHECK(other_stream.ts_ns == 99);
}
