// Query entry point (see engine.h).
#include "store/query/engine.h"

#include <chrono>

#include "common/logql/parser.h"
#include "common/time_util.h"
#include "store/query/log_engine.h"
#include "store/query/metric_engine.h"
#include "store/query/query_planner.h"

namespace skald::query {

Result<QueryResult> Engine::Exec(const QueryRequest& req) const {
  auto t0 = std::chrono::steady_clock::now();
  Deadline deadline;
  if (opts_.query_timeout_ns > 0) deadline.at = t0 + std::chrono::nanoseconds(opts_.query_timeout_ns);
  auto expr = logql::ParseExpr(req.query);
  if (!expr.ok()) return expr.status();
  const int64_t length = req.end_ns - req.start_ns;
  if (!req.instant && opts_.max_query_length_ns > 0 && length > opts_.max_query_length_ns) {
    return Status::Invalid("the query time range exceeds the limit (query length: " +
                           FormatDuration(length) + ", limit: " + FormatDuration(opts_.max_query_length_ns) + ")");
  }
  Result<QueryResult> r = Status::Internal("unset");
  if ((*expr)->IsLog()) {
    if (req.instant) {
      return Status::Invalid("log queries are not supported as an instant query type, please "
                             "change your query to a range query type");
    }
    if (opts_.max_entries_limit_per_query > 0 &&
        req.limit > static_cast<uint32_t>(opts_.max_entries_limit_per_query)) {
      return Status::Invalid("max entries limit per query exceeded, limit > "
                             "max_entries_limit_per_query (" + std::to_string(req.limit) + " > " +
                             std::to_string(opts_.max_entries_limit_per_query) + ")");
    }
    auto plan = PlanLogQuery((*expr)->As<logql::LogSelectorExpr>());
    if (!plan.ok()) return plan.status();
    LogQuerySpec spec{req.tenant, plan->matchers, plan->pipeline.get(), req.start_ns, req.end_ns,
                      req.limit, req.direction, req.interval_ns, req.categorize, opts_.parallelism,
                      deadline};
    r = RunLogQuery(*reader_, spec);
  } else {
    auto plan = PlanMetricQuery(**expr);
    if (!plan.ok()) return plan.status();
    MetricQuerySpec spec{req.tenant, req.start_ns, req.instant ? req.start_ns : req.end_ns,
                         req.step_ns, req.instant, opts_.parallelism, opts_.max_query_series,
                         deadline};
    r = RunMetricQuery(*reader_, **plan, spec);
  }
  if (r.ok()) {
    r->stats.exec_time_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  return r;
}

}  // namespace skald::query
