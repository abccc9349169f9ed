// Adapts common/logql/log's Pipeline and SampleExtractor to the engines' per-stream seam
// (stream_pipeline.h), interning output label sets so equal sets share one pointer per stream.
#pragma once

#include <memory>

#include "common/logql/ast.h"
#include "common/status.h"
#include "store/query/stream_pipeline.h"

namespace skald::query {

Result<std::shared_ptr<const PipelineFactory>> MakePipeline(const logql::LogSelectorExpr& e);
Result<std::shared_ptr<const ExtractorFactory>> MakeExtractor(const logql::RangeAggregationExpr& e);

}  // namespace skald::query
