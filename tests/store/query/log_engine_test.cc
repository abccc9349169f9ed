// The log engine's merge against a brute-force answer, across the multi-threaded path (≥16
// streams), both directions, several limits, equal timestamps and intervals.
#include <catch.hpp>

#include <random>

#include "store/query/engine.h"
#include "tests/store/query/fake_store_reader.h"

namespace skald::query {
namespace {

struct Flat {
  int64_t ts;
  std::string key, line;
  bool operator==(const Flat&) const = default;
};

void CheckMerge(int nstreams) {
  testing::FakeStoreReader r;
  std::mt19937 rng(42);
  std::vector<Flat> all;
  for (int s = 0; s < nstreams; s++) {
    LabelSet ls({{"app", "x"}, {"i", std::to_string(100 + s)}});
    std::vector<LogEntry> es;
    for (int k = 0; k < 50; k++) {
      int64_t ts = static_cast<int64_t>(rng() % 500) * 1000000000LL;  // many equal timestamps
      es.push_back({ts, "s" + std::to_string(s) + "-" + std::to_string(k), {}});
    }
    r.Push("fake", ls, es);
  }
  auto streams = r.Streams("fake", {}, 0, INT64_MAX);
  REQUIRE(streams.ok());
  for (const auto& info : *streams) {
    auto it = r.Entries("fake", info.id, 0, INT64_MAX, Direction::kForward);
    while (it->Next()) all.push_back({it->At().ts_ns, info.labels.ToString(), std::string(it->At().line)});
  }
  Engine e(&r, EngineOptions{});
  for (Direction dir : {Direction::kForward, Direction::kBackward}) {
    for (uint32_t limit : {1u, 7u, 100u, 1999u, 2000u, 5000u}) {
      QueryRequest q;
      q.tenant = "fake";
      q.query = "{app=\"x\"}";
      q.start_ns = 100 * 1000000000LL;
      q.end_ns = 400 * 1000000000LL;
      q.limit = limit;
      q.direction = dir;
      auto res = e.Exec(q);
      REQUIRE(res.ok());
      // Expected: entries in window, ordered by (ts in dir, key asc, storage order in dir).
      std::vector<Flat> want;
      for (const auto& f : all) {
        if (f.ts >= q.start_ns && f.ts < q.end_ns) want.push_back(f);
      }
      if (dir == Direction::kBackward) std::reverse(want.begin(), want.end());
      std::stable_sort(want.begin(), want.end(), [&](const Flat& a, const Flat& b) {
        if (a.ts != b.ts) return dir == Direction::kForward ? a.ts < b.ts : a.ts > b.ts;
        return a.key < b.key;
      });
      if (want.size() > limit) want.resize(limit);
      std::vector<Flat> got;
      for (const auto& s : res->streams) {
        for (const auto& en : s.entries) got.push_back({en.ts_ns, s.labels.ToString(), en.line});
      }
      std::vector<Flat> want_grouped;
      for (const auto& s : res->streams) {
        for (const auto& f : want) {
          if (f.key == s.labels.ToString()) want_grouped.push_back(f);
        }
      }
      INFO("streams " << nstreams << " limit " << limit << " dir " << (dir == Direction::kForward ? "fwd" : "bwd"));
      CHECK(got.size() == want.size());
      CHECK(got == want_grouped);
      CHECK(res->stats.entries_returned == static_cast<int64_t>(want.size()));
    }
  }
}

TEST_CASE("k-way merge equals a sorted brute force: stream split (40) and time split (3)") {
  CheckMerge(40);
  CheckMerge(3);
}

TEST_CASE("query_timeout stops log and metric scans with a timeout status") {
  testing::FakeStoreReader r;
  std::vector<LogEntry> es;
  for (int64_t i = 0; i < 20000; i++) es.push_back({i * 1000000LL, "line a", {}});
  r.Push("fake", LabelSet(std::vector<Label>{{"app", "x"}}), es);
  EngineOptions opts;
  opts.query_timeout_ns = 1;
  Engine timed(&r, opts), untimed(&r, EngineOptions{});
  for (const char* q : {"{app=\"x\"} |= \"zzz\"", "count_over_time({app=\"x\"} |= \"a\" [1s])"}) {
    QueryRequest req;
    req.tenant = "fake";
    req.query = q;
    req.start_ns = 0;
    req.end_ns = 20 * 1000000000LL;
    req.step_ns = 1000000000LL;
    INFO(q);
    auto res = timed.Exec(req);
    REQUIRE(!res.ok());
    CHECK(res.status().code() == Code::kTimeout);
    CHECK(res.status().message() == kTimeoutMessage);
    CHECK(untimed.Exec(req).ok());
  }
}

}  // namespace
}  // namespace skald::query
