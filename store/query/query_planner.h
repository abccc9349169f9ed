// Turns a parsed LogQL expression into what the engines run: a stream selection with its pipeline
// factory (log queries) or a MetricNode tree with sample extractors at its leaves.
#pragma once

#include <memory>

#include "common/logql/ast.h"
#include "common/status.h"
#include "store/query/metric_plan.h"
#include "store/query/stream_pipeline.h"

namespace skald::query {

struct LogPlan {
  Matchers matchers;
  std::shared_ptr<const PipelineFactory> pipeline;
};

Result<LogPlan> PlanLogQuery(const logql::LogSelectorExpr& e);
Result<std::unique_ptr<MetricNode>> PlanMetricQuery(const logql::Expr& e);

// Longest range + offset under `e` (how far before `start` a metric query reads).
int64_t MaxLookback(const logql::Expr& e);

}  // namespace skald::query
