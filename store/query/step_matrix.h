// The metric engine's working value: a set of series, each with an optional value at every
// evaluation step (steps are shared by the whole query). A scalar is one unlabelled series.
#pragma once

#include <cstdint>
#include <vector>

#include "common/labels.h"

namespace skald::query {

struct StepSeries {
  LabelSet labels;
  std::vector<double> v;         // one per step
  std::vector<uint8_t> present;  // 1 if v[i] is a sample
};

struct StepMatrix {
  bool scalar = false;
  std::vector<StepSeries> series;

  static StepSeries Empty(LabelSet labels, size_t steps) {
    return StepSeries{std::move(labels), std::vector<double>(steps, 0.0),
                      std::vector<uint8_t>(steps, 0)};
  }
};

// Evaluation steps: start, start+step, … ≤ end (one step for instant queries).
struct StepGrid {
  std::vector<int64_t> ts_ns;
  size_t size() const { return ts_ns.size(); }
};

}  // namespace skald::query
