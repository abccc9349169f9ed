// The query entry point: parses LogQL, applies the per-query limits (entries, length, series, time,
// bytes read, cancel) with Loki's messages, and runs the log or metric engine. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/cancel.h"
#include "common/logql/ast.h"
#include "common/status.h"
#include "store/head/store_reader.h"
#include "store/query/query_guard.h"
#include "store/query/query_result.h"

namespace skald::query {

struct QueryRequest {
  std::string tenant;           // `a|b` queries several tenants
  std::string query;
  int64_t start_ns = 0, end_ns = 0;  // instant: both the evaluation time
  int64_t step_ns = 0;
  int64_t interval_ns = 0;
  uint32_t limit = 100;
  Direction direction = Direction::kBackward;
  bool instant = false;
  bool categorize = false;      // X-Loki-Response-Encoding-Flags: categorize-labels
  std::shared_ptr<const CancelFlag> cancel;  // set when the client went away: 499; null = never
};

struct EngineOptions {
  int max_entries_limit_per_query = 5000;   // 0 = unlimited
  int64_t max_query_length_ns = 721LL * 3600 * 1000000000LL;  // 0 = unlimited
  int max_query_series = 500;
  int parallelism = 2;
  int64_t query_timeout_ns = 0;             // 0 = none; else 504 when exceeded
  // Scanned line bytes per query (400 when exceeded; 0 = off). Not applied to log queries without
  // a line or label filter, as in Loki. max_query_bytes_read is also checked up front from the
  // index (Loki's frontend pre-check); max_querier_bytes_read only while scanning.
  int64_t max_query_bytes_read = 0;
  int64_t max_querier_bytes_read = 150LL * 1000 * 1000 * 1000;   // Loki: 150GB
  // Skald: memory a metric query may allocate for per-step values (400 above; 0 = off).
  int64_t max_query_memory = 0;
};

class Engine {
 public:
  Engine(StoreReader* reader, EngineOptions opts) : reader_(reader), opts_(opts) {}
  Result<QueryResult> Exec(const QueryRequest& req) const;

 private:
  GuardOptions Guard(const QueryRequest& req, bool budgets, std::chrono::steady_clock::time_point t0) const;
  Result<QueryResult> ExecLog(const QueryRequest& req, const logql::LogSelectorExpr& e, GuardOptions g) const;
  Result<QueryResult> ExecMetric(const QueryRequest& req, const logql::Expr& e, GuardOptions g) const;

  StoreReader* reader_;
  EngineOptions opts_;
};

}  // namespace skald::query
