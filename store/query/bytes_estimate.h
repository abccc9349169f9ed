// The index's estimate of the bytes a query would read, for Loki's up-front query-size check
// (max_query_bytes_read): raw line bytes of the chunks and head blocks its selectors touch.
#pragma once

#include <cstdint>
#include <string>

#include "common/logql/ast.h"
#include "common/status.h"
#include "store/head/store_reader.h"
#include "store/query/metric_plan.h"

namespace skald::query {

// Log query: its selector over [start, end). Tenants may be `a|b`.
Result<int64_t> EstimateLogBytes(StoreReader& r, const std::string& tenant, const Matchers& ms,
                                 int64_t start_ns, int64_t end_ns);
// Metric query evaluated over [start, end]: every range selector over its own window (range and
// offset applied), summed — two selectors reading the same stream count it twice, as in Loki.
Result<int64_t> EstimateMetricBytes(StoreReader& r, const std::string& tenant, const MetricNode& root,
                                    int64_t start_ns, int64_t end_ns);

// True if a log query has a line or label filter (Loki applies the bytes limits only then).
bool HasFilter(const logql::LogSelectorExpr& e);

}  // namespace skald::query
