// Ingester behaviour: ordering with equal timestamps in both directions, exact-duplicate drop, the
// out-of-order window, cutting by size/age/idle, label lookups, tenants, tail, summaries.
#include <catch.hpp>

#include <algorithm>

#include "tests/store/head/head_test_util.h"

using namespace skald;
using namespace skald::testing;

namespace {
const int64_t kSec = 1000000000LL;
const int64_t kT0 = 1700000000LL * kSec;
const LabelSet kApp(std::vector<Label>{{"app", "api"}, {"env", "prod"}});
}  // namespace

TEST_CASE("ingester: forward and backward reads keep arrival order for equal timestamps", "[head]") {
  TempDir d;
  std::atomic<int64_t> clock{kT0};
  auto opts = Options(d.path, &clock);
  opts.cfg.chunk_block_size = 64;     // several blocks, so the merge crosses block boundaries
  auto ing = OpenIngester(opts);
  REQUIRE(PushOne(*ing, "t", kApp, {{kT0 + 2, "b1"}, {kT0 + 1, "a"}, {kT0 + 2, "b2"}}).ok());
  REQUIRE(PushOne(*ing, "t", kApp, {{kT0 + 2, "b3"}, {kT0 + 3, "c"}, {kT0 + 0, "z"}}).ok());
  Pairs fwd{{kT0, "z"}, {kT0 + 1, "a"}, {kT0 + 2, "b1"}, {kT0 + 2, "b2"}, {kT0 + 2, "b3"}, {kT0 + 3, "c"}};
  Pairs bwd(fwd.rbegin(), fwd.rend());
  for (int phase = 0; phase < 3; ++phase) {
    INFO("phase " << phase);   // 0: all in memory, 1: after a flush, 2: after reopening
    CHECK(Read(*ing, "t", kApp, Direction::kForward) == fwd);
    CHECK(Read(*ing, "t", kApp, Direction::kBackward) == bwd);
    CHECK(Read(*ing, "t", kApp, Direction::kForward, kT0 + 1, kT0 + 3) ==
          Pairs(fwd.begin() + 1, fwd.begin() + 5));
    if (phase == 0) REQUIRE(ing->FlushAll().ok());
    if (phase == 1) {
      REQUIRE(ing->Close().ok());
      ing = OpenIngester(opts);
    }
  }
}

TEST_CASE("ingester: exact duplicates are dropped, near-duplicates kept", "[head]") {
  TempDir d;
  auto ing = OpenIngester(Options(d.path, nullptr));
  PushResult r1, r2;
  REQUIRE(PushOne(*ing, "t", kApp, {{kT0, "x"}, {kT0, "x"}, {kT0, "y"}}, &r1).ok());
  REQUIRE(PushOne(*ing, "t", kApp, {{kT0, "x"}, {kT0 + 1, "x"}}, &r2).ok());
  CHECK(r1.accepted == 2);
  CHECK(r1.duplicates == 1);
  CHECK(r2.accepted == 1);
  CHECK(r2.duplicates == 1);
  CHECK(Read(*ing, "t", kApp, Direction::kForward) == Pairs{{kT0, "x"}, {kT0, "y"}, {kT0 + 1, "x"}});
  // A retried push after a flush: the reader still shows each entry once.
  REQUIRE(ing->FlushAll().ok());
  REQUIRE(PushOne(*ing, "t", kApp, {{kT0, "x"}, {kT0, "y"}}).ok());
  CHECK(Read(*ing, "t", kApp, Direction::kForward) == Pairs{{kT0, "x"}, {kT0, "y"}, {kT0 + 1, "x"}});
}

TEST_CASE("ingester: out-of-order window is max_ts - max_chunk_age/2", "[head]") {
  TempDir d;
  auto ing = OpenIngester(Options(d.path, nullptr));   // max_chunk_age 2h → window 1h
  const int64_t hour = 3600 * kSec;
  REQUIRE(PushOne(*ing, "t", kApp, {{kT0 + 2 * hour, "newest"}}).ok());
  PushResult r;
  Status st = PushOne(*ing, "t", kApp,
                      {{kT0 + hour + kSec, "inside"}, {kT0 + hour - kSec, "too old"}, {kT0 + 3 * hour, "newer"}}, &r);
  CHECK(st.code() == Code::kInvalidArgument);
  CHECK(st.message().find("entry too far behind") != std::string::npos);
  CHECK(st.message().find("total ignored: 1 out of 3") != std::string::npos);
  REQUIRE(r.rejected.size() == 1);
  CHECK(r.rejected[0].entry_index == 1);
  CHECK(r.rejected[0].reason == "too_far_behind");
  CHECK(r.accepted == 2);
  CHECK(Read(*ing, "t", kApp, Direction::kForward) ==
        Pairs{{kT0 + hour + kSec, "inside"}, {kT0 + 2 * hour, "newest"}, {kT0 + 3 * hour, "newer"}});
  // The window survives a flush and a restart (max_ts comes back from the index).
  REQUIRE(ing->Close().ok());
  ing = OpenIngester(Options(d.path, nullptr));
  PushResult r2;
  CHECK_FALSE(PushOne(*ing, "t", kApp, {{kT0 + hour + kSec, "now too old"}}, &r2).ok());
  CHECK(r2.rejected.size() == 1);
}

TEST_CASE("ingester: chunks are cut by size, age and idle time", "[head]") {
  struct Case { const char* why; int64_t advance; int64_t lines; int64_t min_chunks; };
  const int64_t min = 60 * kSec;
  for (Case c : {Case{"size", 0, 4000, 2}, Case{"idle", 31 * min, 10, 1}, Case{"age", 121 * min, 10, 1},
                 Case{"not due", 10 * min, 10, 0}}) {
    INFO(c.why);
    TempDir d;
    std::atomic<int64_t> clock{kT0};
    auto opts = Options(d.path, &clock);
    opts.cfg.chunk_block_size = 4096;
    opts.cfg.chunk_target_size = 8192;
    auto ing = OpenIngester(opts);
    Pairs entries;
    for (int64_t i = 0; i < c.lines; ++i)
      entries.emplace_back(kT0 + i, "line " + std::to_string(i) + " some payload to fill blocks " + std::to_string(i * 7919));
    if (c.why == std::string("age")) {   // keep it from being idle: append just before the check
      REQUIRE(PushOne(*ing, "t", kApp, entries).ok());
      clock += c.advance - min;
      REQUIRE(PushOne(*ing, "t", kApp, {{kT0 + 100000, "late"}}).ok());
      clock += min;
    } else {
      REQUIRE(PushOne(*ing, "t", kApp, entries).ok());
      clock += c.advance;
    }
    REQUIRE(ing->FlushDue().ok());
    auto s = ing->stats();
    CHECK(s.chunks_flushed >= c.min_chunks);
    if (c.min_chunks == 0) CHECK(s.chunks_flushed == 0);
    auto got = Read(*ing, "t", kApp, Direction::kForward);
    CHECK(got.size() == static_cast<size_t>(c.lines + (c.why == std::string("age"))));
  }
}

TEST_CASE("ingester: labels, series and tenants come from the index", "[head]") {
  TempDir d;
  auto ing = OpenIngester(Options(d.path, nullptr));
  LabelSet web(std::vector<Label>{{"app", "web"}, {"env", "prod"}, {"zone", "a"}}), other(std::vector<Label>{{"app", "secret"}});
  REQUIRE(PushOne(*ing, "t", kApp, {{kT0, "a"}}).ok());
  REQUIRE(PushOne(*ing, "t", web, {{kT0 + 100 * kSec, "b"}}).ok());
  REQUIRE(PushOne(*ing, "other", other, {{kT0, "c"}}).ok());
  REQUIRE(ing->FlushAll().ok());
  Matchers prod{*Matcher::Make(MatchType::kEq, "env", "prod")};
  CHECK(*ing->LabelNames("t", {}, INT64_MIN, INT64_MAX) == std::vector<std::string>{"app", "env", "zone"});
  CHECK(*ing->LabelValues("t", "app", prod, INT64_MIN, INT64_MAX) == std::vector<std::string>{"api", "web"});
  CHECK(*ing->LabelValues("t", "app", {}, kT0 + 50 * kSec, INT64_MAX) == std::vector<std::string>{"web"});
  CHECK(ing->Streams("t", prod, INT64_MIN, INT64_MAX)->size() == 2);
  CHECK(*ing->LabelValues("other", "app", {}, INT64_MIN, INT64_MAX) == std::vector<std::string>{"secret"});
  uint64_t secret = StreamId(*ing, "other", other);
  auto it = ing->Entries("t", secret, INT64_MIN, INT64_MAX, Direction::kForward);
  CHECK_FALSE(it->Next());   // another tenant's stream id reads as empty
  auto st = ing->Stats("t", {}, INT64_MIN, INT64_MAX);
  REQUIRE(st.ok());
  CHECK(st->streams == 2);
  CHECK(st->entries == 2);
  CHECK(st->bytes == 2);
}

TEST_CASE("ingester: summaries cover head and chunks - tail sees new entries", "[head]") {
  TempDir d;
  auto ing = OpenIngester(Options(d.path, nullptr));
  std::vector<std::string> tailed;
  auto handle = ing->Subscribe("t", [&](const LabelSet& ls, const LogEntry& e) {
    tailed.push_back(ls.ToString() + " " + e.line);
  });
  REQUIRE(PushOne(*ing, "t", kApp, {{kT0, "one"}, {kT0 + 5, "three!"}}).ok());
  REQUIRE(ing->FlushAll().ok());
  REQUIRE(PushOne(*ing, "t", kApp, {{kT0 + 10, "four"}, {kT0 + 10, "four"}}).ok());
  REQUIRE(PushOne(*ing, "x", kApp, {{kT0, "other tenant"}}).ok());
  CHECK(tailed == std::vector<std::string>{kApp.ToString() + " one", kApp.ToString() + " three!",
                                           kApp.ToString() + " four"});
  handle.reset();
  REQUIRE(PushOne(*ing, "t", kApp, {{kT0 + 11, "after"}}).ok());
  CHECK(tailed.size() == 3);
  auto sums = ing->Summaries("t", StreamId(*ing, "t", kApp), INT64_MIN, INT64_MAX);
  REQUIRE(sums.ok());
  int64_t entries = 0, bytes = 0;
  for (const auto& s : *sums) entries += s.entries, bytes += s.raw_bytes;
  CHECK(entries == 4);
  CHECK(bytes == 3 + 6 + 4 + 5);
  CHECK(sums->front().min_ts_ns == kT0);
}
