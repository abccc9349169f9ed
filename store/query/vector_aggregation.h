// Vector aggregations (sum avg min max count stddev stdvar topk bottomk sort sort_desc) and
// label_replace, applied step by step to a StepMatrix; grouping keys are computed once per series.
#pragma once

#include "common/status.h"
#include "store/query/metric_plan.h"
#include "store/query/step_matrix.h"

namespace skald::query {

Result<StepMatrix> EvalVectorAggregation(const MetricNode& n, StepMatrix in, size_t steps);
Result<StepMatrix> EvalLabelReplace(const MetricNode& n, StepMatrix in);

// Labels kept by `by (...)` / `without (...)`; no grouping keeps none.
LabelSet GroupLabels(const LabelSet& ls, const std::optional<Grouping>& g);

}  // namespace skald::query
