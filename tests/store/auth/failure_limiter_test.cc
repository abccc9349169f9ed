// Failed-authentication throttling: the lockout starts at the limit, ends after the period, and
// counts per address and per window.
#include <catch.hpp>

#include "store/auth/failure_limiter.h"

using namespace skald::auth;

namespace {
constexpr int64_t kS = 1000000000LL;
}

TEST_CASE("an address is locked out after max_failures within the window") {
  FailureLimiter l({3, 60 * kS, 30 * kS, 100});
  CHECK_FALSE(l.RecordFailure("10.0.0.1", 1 * kS));
  CHECK_FALSE(l.RecordFailure("10.0.0.1", 2 * kS));
  CHECK_FALSE(l.Locked("10.0.0.1", 2 * kS));
  CHECK(l.RecordFailure("10.0.0.1", 3 * kS));
  CHECK(l.Locked("10.0.0.1", 4 * kS));
  CHECK_FALSE(l.Locked("10.0.0.2", 4 * kS));
  CHECK(l.Locked("10.0.0.1", 32 * kS));
  CHECK_FALSE(l.Locked("10.0.0.1", 34 * kS));
}

TEST_CASE("failures spread over several windows do not lock out") {
  FailureLimiter l({3, 10 * kS, 30 * kS, 100});
  for (int i = 0; i < 10; ++i) {
    CHECK_FALSE(l.RecordFailure("a", int64_t(i) * 6 * kS));
  }
  CHECK_FALSE(l.Locked("a", 61 * kS));
}

TEST_CASE("the address table stays bounded") {
  FailureLimiter l({2, 10 * kS, 30 * kS, 50});
  for (int i = 0; i < 1000; ++i) l.RecordFailure("addr" + std::to_string(i), kS);
  CHECK(l.RecordFailure("x", 2 * kS) == false);
  CHECK(l.RecordFailure("x", 2 * kS) == true);
}
