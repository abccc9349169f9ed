// Pattern mining (patterns_drain) on real-looking lines, and /loki/api/v1/patterns over HTTP: Loki's
// response shape, `<_>` placeholders, detected levels and per-step sample counts.
#include <catch.hpp>
#include <simdjson.h>

#include <limits>
#include <map>

#include "store/api/patterns_drain.h"
#include "tests/store/api/query_api_test_util.h"

namespace skald::api {
namespace {

using testing::kSec;

struct Case {
  std::vector<std::string> lines;
  std::map<std::string, int64_t> want;   // pattern -> lines
};

TEST_CASE("patterns: drain clustering of real lines") {
  std::vector<Case> cases = {
      {{R"(level=info msg="request completed" status=200 duration=12ms)",
        R"(level=info msg="request completed" status=404 duration=3ms)",
        R"(level=info msg="request completed" status=200 duration=250ms)",
        R"(level=error msg="db timeout" attempt=3)", R"(level=error msg="db timeout" attempt=4)"},
       {{R"(level=info msg="request completed" status=<_> duration=<_>)", 3},
        {R"(level=error msg="db timeout" attempt=<_>)", 2}}},
      {{"user alice logged in", "user bob logged in", "user carol logged in", "connection reset by peer"},
       {{"user <_> logged in", 3}, {"connection reset by peer", 1}}},
      {{R"(10.0.3.7 - - [27/Nov/2026:03:10:01 +0000] "GET /api/v1/cart HTTP/1.1" 200 512)",
        R"(10.1.0.9 - - [27/Nov/2026:03:10:02 +0000] "GET /api/v1/cart HTTP/1.1" 304 0)"},
       {{R"(<_> - - [<_> <_>] "GET /api/v1/cart HTTP/1.1" <_> <_>)", 2}}},
      {{R"({"level":"warn","msg":"slow query","ms":1200})", R"({"level":"warn","msg":"slow query","ms":95})"},
       {{R"({"level":"warn","msg":"slow query","ms":<_>})", 2}}},
  };
  for (const auto& c : cases) {
    PatternMiner m;
    for (size_t i = 0; i < c.lines.size(); i++) m.Add(c.lines[i], static_cast<int64_t>(i) * kSec);
    std::map<std::string, int64_t> got;
    for (const auto& p : m.Patterns()) got[p.pattern] = p.total;
    INFO(c.lines.front());
    CHECK(got == c.want);
  }
}

TEST_CASE("patterns: level detection") {
  struct L { const char* line; const char* level; };
  for (auto [line, level] : {L{"ts=1 level=ERROR msg=x", "error"}, L{R"({"level":"warning","msg":"x"})", "warn"},
                             L{"lvl=debug caller=a.go:3", "debug"}, L{"no level here", ""},
                             L{"loglevel=info x", ""}}) {
    INFO(line);
    CHECK(DetectLevel(line) == level);
  }
}

// Regression (fuzz_api_patterns_drain): a timestamp near INT64_MIN made the negative-floor step
// `bucket -= step` overflow (UBSan: signed integer overflow in PatternMiner::Add).
TEST_CASE("patterns: sample buckets floor any timestamp without overflow") {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min(), kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kStep = 10 * kSec;
  struct B { int64_t ts; int64_t want; };
  for (auto [ts, want] : {B{15 * kSec, 10 * kSec}, B{20 * kSec, 20 * kSec}, B{-1, -kStep}, B{-kStep, -kStep},
                          B{-kStep - 1, -2 * kStep}, B{kMax, kMax / kStep * kStep},
                          B{kMin, kMin / kStep * kStep}, B{kMin + 5, kMin / kStep * kStep},
                          B{kMin / kStep * kStep - 1, kMin / kStep * kStep}}) {
    PatternMiner m({kStep});
    m.Add("GET /index.html 200", ts);
    auto ps = m.Patterns();
    INFO(ts);
    REQUIRE(ps.size() == 1);
    CHECK(ps[0].samples == std::map<int64_t, int64_t>{{want, 1}});
  }
}

TEST_CASE("patterns: /loki/api/v1/patterns answers Loki's shape with per-step samples") {
  testing::ApiServer srv;
  std::vector<LogEntry> es;
  for (int i = 0; i < 30; i++) {
    es.push_back({(10 + i * 2) * kSec, "level=info msg=\"request completed\" status=" + std::to_string(200 + i % 3) +
                                           " duration=" + std::to_string(i) + "ms", {}});
    if (i % 3 == 0) es.push_back({(11 + i * 2) * kSec, "level=error msg=\"db timeout\" attempt=" + std::to_string(i), {}});
  }
  srv.reader.Push("fake", *LabelSet::Parse(R"({app="api"})"), es);
  srv.reader.Push("fake", *LabelSet::Parse(R"({app="other"})"), {{20 * kSec, "unrelated line", {}}});
  auto cli = srv.Client();
  auto res = cli.Get("/loki/api/v1/patterns?query=%7Bapp%3D%22api%22%7D&start=0&end=100&step=20s");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(res->body).get(doc) == simdjson::SUCCESS);
  CHECK(std::string_view(doc["status"]) == "success");
  auto data = doc["data"].get_array();
  REQUIRE(data.size() == 2);
  // Most frequent first; samples are [unix seconds, count] at step starts.
  CHECK(std::string_view(data.at(0)["pattern"]) == R"(level=info msg="request completed" status=<_> duration=<_>)");
  CHECK(std::string_view(data.at(0)["level"]) == "info");
  CHECK(std::string_view(data.at(1)["pattern"]) == R"(level=error msg="db timeout" attempt=<_>)");
  CHECK(std::string_view(data.at(1)["level"]) == "error");
  std::map<int64_t, int64_t> info;
  for (auto s : data.at(0)["samples"].get_array()) info[int64_t(s.get_array().at(0))] = int64_t(s.get_array().at(1));
  // info lines at 10, 12, ..., 68 s: buckets [0,20) 5, [20,40) 10, [40,60) 10, [60,80) 5.
  CHECK(info == std::map<int64_t, int64_t>{{0, 5}, {20, 10}, {40, 10}, {60, 5}});
  int64_t errors = 0;
  for (auto s : data.at(1)["samples"].get_array()) errors += int64_t(s.get_array().at(1));
  CHECK(errors == 10);

  auto bad = cli.Get("/loki/api/v1/patterns?query=%7Bapp%3D&start=0&end=100");
  REQUIRE(bad);
  CHECK(bad->status == 400);
}

}  // namespace
}  // namespace skald::api
