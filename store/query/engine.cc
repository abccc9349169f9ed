// Query entry point (see engine.h).
#include "store/query/engine.h"

#include <chrono>

#include "common/logql/parser.h"
#include "common/time_util.h"
#include "store/query/bytes_estimate.h"
#include "store/query/log_engine.h"
#include "store/query/metric_engine.h"
#include "store/query/query_planner.h"

namespace skald::query {
namespace {

// Loki's frontend pre-check: refuse before scanning when the index says the query would read
// more than max_query_bytes_read.
Status PreCheckBytes(const Result<int64_t>& estimate, int64_t limit) {
  if (!estimate.ok()) return estimate.status();
  if (*estimate > limit) return QueryGuard::QueryBytesError(*estimate, limit);
  return Status::Ok();
}

}  // namespace

GuardOptions Engine::Guard(const QueryRequest& req, bool budgets,
                           std::chrono::steady_clock::time_point t0) const {
  GuardOptions g;
  if (opts_.query_timeout_ns > 0) g.deadline.at = t0 + std::chrono::nanoseconds(opts_.query_timeout_ns);
  g.deadline.cancel = req.cancel;
  g.max_memory = opts_.max_query_memory;
  if (budgets) {
    g.max_query_bytes = opts_.max_query_bytes_read;
    g.max_querier_bytes = opts_.max_querier_bytes_read;
  }
  return g;
}

Result<QueryResult> Engine::ExecLog(const QueryRequest& req, const logql::LogSelectorExpr& e,
                                    GuardOptions g) const {
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
  auto plan = PlanLogQuery(e);
  if (!plan.ok()) return plan.status();
  if (g.max_query_bytes > 0) {
    SKALD_RETURN_IF_ERROR(PreCheckBytes(
        EstimateLogBytes(*reader_, req.tenant, plan->matchers, req.start_ns, req.end_ns),
        g.max_query_bytes));
  }
  QueryGuard guard(std::move(g));
  SKALD_RETURN_IF_ERROR(guard.Check());
  LogQuerySpec spec{req.tenant, plan->matchers, plan->pipeline.get(), req.start_ns, req.end_ns,
                    req.limit, req.direction, req.interval_ns, req.categorize, opts_.parallelism,
                    &guard};
  return RunLogQuery(*reader_, spec);
}

Result<QueryResult> Engine::ExecMetric(const QueryRequest& req, const logql::Expr& e, GuardOptions g) const {
  auto plan = PlanMetricQuery(e);
  if (!plan.ok()) return plan.status();
  const int64_t end = req.instant ? req.start_ns : req.end_ns;
  if (g.max_query_bytes > 0) {
    SKALD_RETURN_IF_ERROR(PreCheckBytes(
        EstimateMetricBytes(*reader_, req.tenant, **plan, req.start_ns, end), g.max_query_bytes));
  }
  QueryGuard guard(std::move(g));
  SKALD_RETURN_IF_ERROR(guard.Check());
  MetricQuerySpec spec{req.tenant, req.start_ns, end, req.step_ns, req.instant, opts_.parallelism,
                       opts_.max_query_series, &guard};
  return RunMetricQuery(*reader_, **plan, spec);
}

Result<QueryResult> Engine::Exec(const QueryRequest& req) const {
  auto t0 = std::chrono::steady_clock::now();
  auto expr = logql::ParseExpr(req.query);
  if (!expr.ok()) return expr.status();
  const int64_t length = req.end_ns - req.start_ns;
  if (!req.instant && opts_.max_query_length_ns > 0 && length > opts_.max_query_length_ns) {
    return Status::Invalid("the query time range exceeds the limit (query length: " +
                           FormatDuration(length) + ", limit: " + FormatDuration(opts_.max_query_length_ns) + ")");
  }
  const auto* log = (*expr)->IsLog() ? &(*expr)->As<logql::LogSelectorExpr>() : nullptr;
  // Loki applies the bytes limits to metric queries and to log queries with a filter only.
  GuardOptions g = Guard(req, log == nullptr || HasFilter(*log), t0);
  Result<QueryResult> r = log ? ExecLog(req, *log, std::move(g)) : ExecMetric(req, **expr, std::move(g));
  if (r.ok()) {
    r->stats.exec_time_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  return r;
}

}  // namespace skald::query
