// The metric-query engine: evaluates a MetricNode tree at every step (start, start+step, … ≤ end;
// one step for instant queries) and shapes the result as matrix, vector or scalar like Loki.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "store/head/store_reader.h"
#include "store/query/metric_plan.h"
#include "store/query/query_guard.h"
#include "store/query/query_result.h"

namespace skald::query {

struct MetricQuerySpec {
  std::string tenant;
  int64_t start_ns = 0, end_ns = 0, step_ns = 0;
  bool instant = false;          // evaluate once at start_ns
  int parallelism = 2;
  int max_series = 500;          // 0 = unlimited
  QueryGuard* guard = nullptr;   // stop conditions shared by the workers; null = unbounded
};

Result<QueryResult> RunMetricQuery(StoreReader& reader, const MetricNode& root,
                                   const MetricQuerySpec& spec);

}  // namespace skald::query
