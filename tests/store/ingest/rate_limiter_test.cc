// Token-bucket timing with an injected clock, bucket eviction, and the active-stream limit.
#include <catch.hpp>

#include "store/ingest/active_streams.h"
#include "store/ingest/rate_limiter.h"

using namespace skald::ingest;

constexpr int64_t kSec = 1000000000;

TEST_CASE("token bucket: burst, refill at rate, n above burst never passes") {
  RateLimiter rl(100, 300);  // 100 B/s, burst 300 B
  int64_t t = 1000 * kSec;
  CHECK(rl.AllowN("a", t, 300));
  CHECK_FALSE(rl.AllowN("a", t, 1));
  CHECK_FALSE(rl.AllowN("a", t + kSec / 2, 51));  // 50 tokens back after 0.5 s
  CHECK(rl.AllowN("a", t + kSec / 2, 50));
  CHECK(rl.AllowN("a", t + 10 * kSec, 300));       // refilled, capped at burst
  CHECK_FALSE(rl.AllowN("a", t + 10 * kSec, 1));
  CHECK_FALSE(rl.AllowN("b", t, 301));             // larger than the bucket
  CHECK(rl.AllowN("b", t, 300));                   // keys are independent
  RateLimiter unlimited(0, 0);
  CHECK(unlimited.AllowN("x", t, 1 << 30));
}

TEST_CASE("full buckets are swept so idle keys do not accumulate") {
  RateLimiter rl(1000, 1000);
  int64_t t = 5 * kSec;
  for (int i = 0; i < 4000; ++i) {
    std::string key = std::to_string(i);
    REQUIRE(rl.AllowN(key, t, 10));
  }
  CHECK(rl.buckets() == 4000);
  for (int i = 0; i < 200; ++i) rl.AllowN("hot", t + 100 * kSec, 1);
  CHECK(rl.buckets() < 100);
}

TEST_CASE("active streams: limit per tenant, known streams pass, idle ones expire") {
  ActiveStreams as(2, 60 * kSec);
  int64_t t = 100 * kSec;
  CHECK(as.Admit("t1", 1, t));
  CHECK(as.Admit("t1", 2, t));
  CHECK_FALSE(as.Admit("t1", 3, t));
  CHECK(as.Admit("t1", 1, t + 1));    // already active
  CHECK(as.Admit("t2", 3, t));        // other tenant
  CHECK(as.Count("t1") == 2);
  CHECK(as.Admit("t1", 3, t + 61 * kSec));  // 2 went idle (1 was touched at t+1 but also idle now)
  CHECK(as.Count("t1") == 1);
  ActiveStreams unlimited(0, kSec);
  for (uint64_t i = 0; i < 100; ++i) CHECK(unlimited.Admit("t", i, t));
}
