// Builds the runtime Pipeline / SampleExtractor from the LogQL AST (common/logql/ast.h): compiles
// regexes, templates, ip patterns and label-filter trees once per query.
#pragma once

#include <vector>

#include "common/logql/ast.h"
#include "common/logql/log/pipeline.h"
#include "common/logql/log/sample_extractor.h"
#include "common/status.h"

namespace skald::logql::log {

Result<Pipeline> BuildPipeline(const std::vector<logql::Stage>& stages);
Result<Pipeline> BuildPipeline(const LogSelectorExpr& expr);

// For range aggregations: count_over_time/rate → count, bytes_* → bytes, unwrapped ops → unwrap.
// `grouping` is the range aggregation's own by/without (only set for unwrapped aggregations).
Result<SampleExtractor> BuildSampleExtractor(const RangeAggregationExpr& expr);

}  // namespace skald::logql::log
