// Loki 2.9.3's rate_counter formula: counter resets, extrapolation to the start, Loki's units.
#include "store/query/rate_counter.h"

#include <algorithm>

namespace skald::query {

double LokiRateCounter(std::vector<std::pair<int64_t, double>>& s, int64_t range_ns) {
  if (s.size() < 2) return 0;
  std::stable_sort(s.begin(), s.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  double result = s.back().second - s.front().second;
  double last = 0;  // a drop adds the value before it (the counter restarted from 0)
  for (const auto& p : s) {
    if (p.second < last) result += last;
    last = p.second;
  }
  const int64_t range_ms = range_ns / 1'000'000;
  double to_start = static_cast<double>(range_ms) / 1000;  // first sample minus (first - range)
  const double to_end = 0;                                  // the range ends at the last sample
  double sampled = static_cast<double>(s.back().first - s.front().first) / 1000;  // ns / 1000
  double avg = sampled / static_cast<double>(s.size() - 1);
  if (result > 0 && s.front().second >= 0) {
    double to_zero = sampled * (s.front().second / result);
    if (to_zero < to_start) to_start = to_zero;
  }
  double threshold = avg * 1.1, interval = sampled;
  interval += to_start < threshold ? to_start : avg / 2;
  interval += to_end < threshold ? to_end : avg / 2;
  return result * (interval / sampled) / (static_cast<double>(range_ns) / 1e9);
}

}  // namespace skald::query
