// count_over_time / bytes_over_time answered from chunk summaries must equal a full scan.
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

}  // namespace
}  // namespace skald::query
