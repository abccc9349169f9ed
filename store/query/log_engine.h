// The log-query engine: selects streams, runs each through its pipeline, and k-way merges them by
// timestamp in the requested direction with Loki's limit and interval semantics.
#pragma once

#include <cstdint>
#include <string>

#include "common/matcher.h"
#include "common/status.h"
#include "store/head/store_reader.h"
#include "store/query/query_guard.h"
#include "store/query/query_result.h"
#include "store/query/stream_pipeline.h"

namespace skald::query {

struct LogQuerySpec {
  std::string tenant;             // `a|b` queries several tenants
  Matchers matchers;
  const PipelineFactory* pipeline = nullptr;
  int64_t start_ns = 0, end_ns = 0;  // [start, end)
  uint32_t limit = 100;
  Direction direction = Direction::kBackward;
  int64_t interval_ns = 0;        // emit entries at least this far apart (0 = all)
  bool categorize = false;        // keep stream labels indexed-only; metadata/parsed per entry
  int parallelism = 2;            // worker threads for large scans
  QueryGuard* guard = nullptr;    // stop conditions shared by the workers; null = unbounded
};

// Streams sorted by label string; entries in `direction` order; at most `limit` entries overall
// (the newest for backward, the oldest for forward). Ties on timestamp break by label string.
Result<QueryResult> RunLogQuery(StoreReader& reader, const LogQuerySpec& spec);

// Splits `a|b|c` into tenant ids.
std::vector<std::string> SplitTenants(const std::string& tenant);

}  // namespace skald::query
