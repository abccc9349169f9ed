// Range aggregations (`count_over_time`, `rate`, unwrapped `*_over_time`, ...): every stream's
// samples slide through windows (t−range−offset, t−offset] per step; per-stream partial results are
// merged per output series, so streams run in parallel and nothing beyond one window is held.
#pragma once

#include <string>

#include "common/status.h"
#include "store/head/store_reader.h"
#include "store/query/metric_plan.h"
#include "store/query/query_guard.h"
#include "store/query/query_result.h"
#include "store/query/step_matrix.h"

namespace skald::query {

struct EvalContext {
  StoreReader* reader = nullptr;
  std::string tenant;            // `a|b` allowed
  int parallelism = 2;
  int max_series = 500;          // 0 = unlimited
  int result_series_cap = 0;     // max_series when a range aggregation's series are the result
  QueryStats* stats = nullptr;
  QueryGuard* guard = nullptr;   // stop conditions shared by the workers; null = unbounded
};

Result<StepMatrix> EvalRangeAggregation(const MetricNode& n, const StepGrid& grid, EvalContext& ctx);

// Prometheus-style φ-quantile of `v` (sorted in place).
double Quantile(double phi, std::vector<double>& v);

}  // namespace skald::query
