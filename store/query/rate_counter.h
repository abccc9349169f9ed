// rate_counter's value for one window, exactly as Loki 2.9.3 computes it (its copy of Prometheus'
// extrapolatedRate, with Loki's own window edges and time units); kept apart so it can be checked.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace skald::query {

// `samples` (ns timestamp, value) of one series in one window, any order (sorted here, stably).
// Loki's quirks, reproduced on purpose (docs/COMPATIBILITY.md):
// - fewer than two samples give 0; two or more at one instant give NaN (0/0);
// - the range is taken to start `range` before the first sample and to end at the last one, so
//   there is never extrapolation past the last sample;
// - sample times are nanoseconds divided by 1000 where Prometheus has milliseconds, so the
//   sampled interval is a million times longer than the range it is compared with: the
//   extrapolation to the start adds about `range` seconds to an interval counted in microseconds.
double LokiRateCounter(std::vector<std::pair<int64_t, double>>& samples, int64_t range_ns);

}  // namespace skald::query
