// Backoff: waits double from min within [d, 2d], stay randomized at max, restart after Reset, and
// hosts seeded differently do not wait in lockstep.
#include <catch.hpp>

#include <algorithm>
#include <set>
#include <vector>

#include "common/backoff.h"

using skald::Backoff;

TEST_CASE("backoff bounds per attempt") {
  constexpr int64_t kMs = 1'000'000;
  struct Case { int64_t min, max; std::vector<std::pair<int64_t, int64_t>> bounds; };
  const std::vector<Case> cases = {
      // Promtail's defaults: 500ms doubling, randomized, up to 5m
      {500 * kMs, 300'000 * kMs, {{500 * kMs, 1000 * kMs}, {1000 * kMs, 2000 * kMs}, {2000 * kMs, 4000 * kMs},
                                  {4000 * kMs, 8000 * kMs}}},
      // reaching max: [d, max], then [3/4 max, max] for ever
      {100 * kMs, 300 * kMs, {{100 * kMs, 200 * kMs}, {200 * kMs, 300 * kMs}, {225 * kMs, 300 * kMs},
                              {225 * kMs, 300 * kMs}, {225 * kMs, 300 * kMs}}},
      // min == max still jitters, within [3/4 max, max]
      {40 * kMs, 40 * kMs, {{30 * kMs, 40 * kMs}, {30 * kMs, 40 * kMs}}},
      // max < min is taken as min; min 0 as 1ms
      {0, 0, {{750'000, kMs}, {750'000, kMs}}},
  };
  for (const auto& c : cases) {
    for (uint64_t seed = 1; seed <= 200; ++seed) {
      Backoff b(c.min, c.max, seed);
      for (size_t i = 0; i < c.bounds.size(); ++i) {
        const int64_t w = b.Next();
        INFO("min " << c.min << " attempt " << i << " wait " << w);
        REQUIRE(w >= c.bounds[i].first);
        REQUIRE(w <= c.bounds[i].second);
      }
      REQUIRE(b.attempts() == static_cast<int>(c.bounds.size()));
    }
  }
}

TEST_CASE("backoff waits are spread across the range, not one value per attempt") {
  constexpr int64_t kMs = 1'000'000;
  std::set<int64_t> first, fifth;
  int64_t lo = INT64_MAX, hi = 0;
  for (uint64_t seed = 1; seed <= 500; ++seed) {
    Backoff b(10 * kMs, 10'000 * kMs, seed);
    const int64_t w1 = b.Next();
    first.insert(w1);
    lo = std::min(lo, w1);
    hi = std::max(hi, w1);
    for (int i = 0; i < 3; ++i) b.Next();
    fifth.insert(b.Next());
  }
  REQUIRE(first.size() > 400);  // 500 hosts failing together wait 500 (nearly) different times
  REQUIRE(fifth.size() > 400);
  REQUIRE(lo < 12 * kMs);  // and use the whole [10ms, 20ms] range
  REQUIRE(hi > 18 * kMs);
}

TEST_CASE("backoff Reset starts again from min") {
  constexpr int64_t kMs = 1'000'000;
  Backoff b(10 * kMs, 1000 * kMs, 7);
  for (int i = 0; i < 6; ++i) b.Next();
  REQUIRE(b.Next() >= 640 * kMs);
  b.Reset();
  REQUIRE(b.attempts() == 0);
  const int64_t w = b.Next();
  REQUIRE(w >= 10 * kMs);
  REQUIRE(w <= 20 * kMs);
  REQUIRE(b.Jitter(0) == 0);
  for (int i = 0; i < 100; ++i) REQUIRE(b.Jitter(5) < 5);
}
