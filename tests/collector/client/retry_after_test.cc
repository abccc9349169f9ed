// Retry-After parsing: delta-seconds and IMF-fixdate, past dates, garbage, whitespace.
#include <catch.hpp>

#include "collector/client/retry_after.h"

using skald::client::ParseRetryAfter;

TEST_CASE("Retry-After values") {
  constexpr int64_t kS = 1'000'000'000LL;
  const int64_t now = 1445412480LL * kS;  // Wed, 21 Oct 2015 07:28:00 GMT
  struct Case { const char* value; std::optional<int64_t> want; };
  const std::vector<Case> cases = {
      {"120", 120 * kS},
      {" 3\r\n", 3 * kS},
      {"0", 0},
      {"Wed, 21 Oct 2015 07:28:30 GMT", 30 * kS},
      {"Wed, 21 Oct 2015 07:27:00 GMT", 0},  // in the past: retry now
      {"99999999999999999999", 365LL * 24 * 3600 * kS},  // clamped, no overflow
      {"", std::nullopt},
      {"soon", std::nullopt},
      {"-5", std::nullopt},
      {"1.5", std::nullopt},
      {"Wed, 21 Oct 2015 07:28:30 PST", std::nullopt},
  };
  for (const auto& c : cases) {
    INFO(c.value);
    REQUIRE(ParseRetryAfter(c.value, now) == c.want);
  }
}
