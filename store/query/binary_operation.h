// Binary operations with Prometheus semantics: arithmetic, comparisons (filter or `bool`), set
// operators, and vector matching with on/ignoring and group_left/group_right.
#pragma once

#include "common/status.h"
#include "store/query/metric_plan.h"
#include "store/query/step_matrix.h"

namespace skald::query {

Result<StepMatrix> EvalBinary(const MetricNode& n, StepMatrix lhs, StepMatrix rhs, size_t steps);

}  // namespace skald::query
