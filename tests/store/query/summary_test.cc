// count_over_time / bytes_over_time answered from per-block count runs (whole blocks from their
// totals, cut blocks from timestamps and lengths) must equal a full scan; metadata declines the path.
#include <catch.hpp>

#include "store/query/engine.h"
#include "tests/store/query/fake_store_reader.h"

namespace skald::query {
namespace {

constexpr int64_t kSec = 1000000000LL;

TEST_CASE("summary path: whole chunks counted without decoding, edges read, same answer") {
  struct Case { size_t chunk; int64_t step_s, range_s, start_s, end_s; };
  std::vector<Case> cases = {{10, 100, 100, 100, 1000}, {10, 50, 100, 100, 1000}, {7, 60, 90, 95, 995},
                             {1000, 100, 100, 100, 1000}};
  for (const auto& k : cases) {
    testing::FakeStoreReader r;
    r.chunk_entries = k.chunk;
    std::vector<LogEntry> es;
    for (int64_t t = 0; t < 1000; t++) es.push_back({t * kSec + 500, std::string(1 + t % 7, 'x'), {}});
    r.Push("fake", *LabelSet::Parse(R"({app="a"})"), es);
    Engine e(&r, EngineOptions{});
    for (const char* q : {"count_over_time({app=\"a\"}[%ds])", "bytes_over_time({app=\"a\"}[%ds])"}) {
      char buf[128];
      std::snprintf(buf, sizeof(buf), q, static_cast<int>(k.range_s));
      QueryRequest req;
      req.tenant = "fake";
      req.query = buf;
      req.start_ns = k.start_s * kSec;
      req.end_ns = k.end_s * kSec;
      req.step_ns = k.step_s * kSec;
      auto res = e.Exec(req);
      INFO(buf << " chunk=" << k.chunk << " step=" << k.step_s);
      REQUIRE(res.ok());
      REQUIRE(res->matrix.size() == 1);
      for (const auto& p : res->matrix[0].points) {
        double want = 0;
        for (const auto& x : es) {
          int64_t hi = p.t_ms * 1000000;
          if (x.ts_ns > hi - k.range_s * kSec && x.ts_ns <= hi) {
            want += std::string(buf).rfind("count", 0) == 0 ? 1 : static_cast<double>(x.line.size());
          }
        }
        CHECK(p.v == want);
      }
      if (k.chunk == 10 && k.step_s == 100) CHECK(res->stats.chunks_from_summary > 0);
      if (k.chunk == 1000) CHECK(res->stats.chunks_from_summary == 0);
    }
  }
}

QueryRequest CountRequest(const std::string& q) {
  QueryRequest req;
  req.tenant = "fake";
  req.query = q;
  req.start_ns = 100 * kSec;
  req.end_ns = 1000 * kSec;
  req.step_ns = 100 * kSec;
  return req;
}

TEST_CASE("summary path: structured metadata splits series, so runs with metadata are declined") {
  struct Case { bool with_meta, hide; size_t series; bool from_summary; };
  std::vector<Case> cases = {{true, false, 2, false}, {false, true, 1, true}, {false, false, 1, true}};
  for (const auto& k : cases) {
    testing::FakeStoreReader r;
    r.chunk_entries = 10;
    r.runs_hide_metadata = k.hide;
    std::vector<LogEntry> es;
    for (int64_t t = 0; t < 1000; t++) {
      LogEntry e{t * kSec + 500, "line", {}};
      if (k.with_meta && t % 3 == 0) e.metadata = {{"trace", "x"}};
      es.push_back(e);
    }
    r.Push("fake", *LabelSet::Parse(R"({app="a"})"), es);
    Engine e(&r, EngineOptions{});
    auto res = e.Exec(CountRequest(R"(count_over_time({app="a"}[100s]))"));
    INFO("meta=" << k.with_meta << " hide=" << k.hide);
    REQUIRE(res.ok());
    REQUIRE(res->matrix.size() == k.series);
    CHECK((res->stats.chunks_from_summary > 0) == k.from_summary);
    double total = 0;
    for (const auto& s : res->matrix) total += s.points.back().v;
    CHECK(total == 100);
  }
}

TEST_CASE("summary path: sum by over many streams equals the per-stream totals") {
  testing::FakeStoreReader r;
  r.chunk_entries = 25;
  for (int c = 0; c < 6; c++) {
    std::vector<LogEntry> es;
    for (int64_t t = 0; t < 1000; t += 1 + c) es.push_back({t * kSec + 7, "l", {}});
    r.Push("fake", *LabelSet::Parse("{job=\"docker\", container=\"c" + std::to_string(c % 3) + "\"}"), es);
  }
  Engine e(&r, EngineOptions{});
  auto res = e.Exec(CountRequest(R"(sum by (container) (count_over_time({job="docker"}[100s])))"));
  REQUIRE(res.ok());
  REQUIRE(res->matrix.size() == 3);
  for (size_t i = 0; i < 3; i++) {
    // container c<i> holds streams i and i+3: entries every (1+i) and (4+i) seconds.
    double want = 0;
    for (int c : {static_cast<int>(i), static_cast<int>(i) + 3})
      for (int64_t t = 0; t < 1000; t += 1 + c) want += (t * kSec + 7 > 900 * kSec && t * kSec + 7 <= 1000 * kSec);
    CHECK(res->matrix[i].points.back().v == want);
  }
  CHECK(res->stats.chunks_from_summary > 0);
}

TEST_CASE("summary path: `| drop __error__` without a parser is counted from runs, other stages are not") {
  struct Case { const char* q; bool from_summary; };
  testing::FakeStoreReader r;
  r.chunk_entries = 10;
  std::vector<LogEntry> es;
  for (int64_t t = 0; t < 1000; t++) es.push_back({t * kSec + 500, "level=info", {}});
  r.Push("fake", *LabelSet::Parse(R"({app="a"})"), es);
  Engine e(&r, EngineOptions{});
  for (const auto& c : {Case{R"(count_over_time({app="a"} | drop __error__ [100s]))", true},
                        Case{R"(count_over_time({app="a"} | drop __error__, __error_details__ [100s]))", true},
                        Case{R"(count_over_time({app="a"} | logfmt | drop __error__ [100s]))", false},
                        Case{R"(count_over_time({app="a"} | drop app [100s]))", false}}) {
    INFO(c.q);
    auto res = e.Exec(CountRequest(c.q));
    REQUIRE(res.ok());
    REQUIRE(res->matrix.size() == 1);
    CHECK(res->matrix[0].points.back().v == 100);
    CHECK((res->stats.chunks_from_summary > 0) == c.from_summary);
  }
}

}  // namespace
}  // namespace skald::query
