// rate_counter against Loki 2.9.3's formula, values worked out by hand (and, where marked, the same
// samples queried from a real Loki 2.9.3 on 2026-12-04).
#include <catch.hpp>

#include <cmath>
#include <utility>
#include <vector>

#include "store/query/rate_counter.h"

using skald::query::LokiRateCounter;

namespace {

constexpr int64_t kSec = 1'000'000'000;

double Rate(std::vector<std::pair<double, double>> pts, double range_s) {
  std::vector<std::pair<int64_t, double>> s;
  for (auto [t, v] : pts) s.emplace_back(static_cast<int64_t>(std::llround(t * kSec)), v);
  return LokiRateCounter(s, static_cast<int64_t>(range_s * kSec));
}

}  // namespace

TEST_CASE("rate_counter without reset extrapolates by the range in Loki's units") {
  // increase 20, sampled 2s = 2e6 "units", start gap = 4 (< threshold 1.1e6): x (2e6+4)/2e6, / 4s.
  CHECK(Rate({{1, 10}, {2, 20}, {3, 30}}, 4) == Approx(20.0 * 2000004 / 2000000 / 4).epsilon(1e-15));
  CHECK(Rate({{1, 10}, {2, 20}, {3, 30}}, 4) == Approx(5.00001).epsilon(1e-12));  // Loki 2.9.3
  // first sample 0: the zero point (0 units before it) replaces the start gap, so no extrapolation.
  CHECK(Rate({{1, 0}, {2, 10}, {3, 20}}, 4) == 5.0);
  // a large first value: zero point far before, the 4-unit start gap is used. Loki 2.9.3: 12.50002
  CHECK(Rate({{0.5, 100}, {1, 110}, {2.5, 130}, {3, 150}}, 4) == Approx(50.0 * 2500004 / 2500000 / 4));
}

TEST_CASE("rate_counter adds the value before each drop") {
  // 10, 20, 5: -5 + 20 = 15. Loki 2.9.3: 3.7500075
  CHECK(Rate({{1, 10}, {2, 20}, {3, 5}}, 4) == Approx(15.0 * 2000004 / 2000000 / 4));
  // 30, 10, 5: -25 + 30 + 10 = 15
  CHECK(Rate({{1, 30}, {2, 10}, {3, 5}}, 4) == Approx(15.0 * 2000004 / 2000000 / 4));
  // negative first value: no zero point; -5, 5, 10 → 15
  CHECK(Rate({{1, -5}, {2, 5}, {3, 10}}, 4) == Approx(3.7500075));
  // unsorted input is sorted by time first
  CHECK(Rate({{3, 5}, {1, 10}, {2, 20}}, 4) == Approx(3.7500075));
}

TEST_CASE("rate_counter with samples closer than the range in microseconds") {
  // 1,2,3 one microsecond apart: sampled = 2 units, avg 1, threshold 1.1; zero point at 2*(1/2) = 1
  // < 4 so the start gap is 1 (< 1.1, added); end gap 0: interval 3 → 2 * 3/2 / 4s = 0.75.
  std::vector<std::pair<int64_t, double>> s{{kSec, 1}, {kSec + 1000, 2}, {kSec + 2000, 3}};
  CHECK(LokiRateCounter(s, 4 * kSec) == 0.75);
  // -1,0,1: no zero point, start gap 4 >= 1.1 so half the average (0.5) is added: 2 * 2.5/2 / 4.
  std::vector<std::pair<int64_t, double>> n{{kSec, -1}, {kSec + 1000, 0}, {kSec + 2000, 1}};
  CHECK(LokiRateCounter(n, 4 * kSec) == 0.625);
}

TEST_CASE("rate_counter edge cases as Loki") {
  CHECK(Rate({}, 3) == 0);
  CHECK(Rate({{2, 7}}, 3) == 0);                         // single sample
  CHECK(Rate({{1, 5}, {1.5, 5}, {3, 5}}, 3) == 0);        // flat counter
  CHECK(std::isnan(Rate({{2, 10}, {2, 20}}, 3)));        // two samples at one instant: 0/0
}
