// The query entry point: parses a LogQL string, applies the per-query limits (entries, length,
// series) with Loki's messages, and runs the log or metric engine. Thread-safe; one per store.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "store/head/store_reader.h"
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
};

struct EngineOptions {
  int max_entries_limit_per_query = 5000;   // 0 = unlimited
  int64_t max_query_length_ns = 721LL * 3600 * 1000000000LL;  // 0 = unlimited
  int max_query_series = 500;
  int parallelism = 2;
  int64_t query_timeout_ns = 0;             // 0 = none; else 504 when exceeded
};

class Engine {
 public:
  Engine(StoreReader* reader, EngineOptions opts) : reader_(reader), opts_(opts) {}
  Result<QueryResult> Exec(const QueryRequest& req) const;

 private:
  StoreReader* reader_;
  EngineOptions opts_;
};

}  // namespace skald::query
