// What a LogQL query returns: streams (log queries) or matrix / vector / scalar (metric queries),
// plus the execution statistics the API reports. Plain values; the API layer encodes them as JSON.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/cancel.h"
#include "common/labels.h"

namespace skald::query {

// One returned log line. `metadata` is the entry's structured metadata, `parsed` the labels the
// pipeline added (parsers, label_format); both are kept apart for `categorize-labels` encoding.
struct ResultEntry {
  int64_t ts_ns = 0;
  std::string line;
  std::vector<Label> metadata;
  std::vector<Label> parsed;
};

// A result stream: `labels` are the stream's labels after the pipeline (indexed labels only when
// the engine runs in categorized mode).
struct StreamResult {
  LabelSet labels;
  std::vector<ResultEntry> entries;
};

struct Point {
  int64_t t_ms = 0;
  double v = 0;
};

struct Series {
  LabelSet metric;
  std::vector<Point> points;
};

struct Sample {
  LabelSet metric;
  int64_t t_ms = 0;
  double v = 0;
};

enum class ResultType { kStreams, kMatrix, kVector, kScalar };

std::string_view ResultTypeName(ResultType t);  // "streams", "matrix", "vector", "scalar"

// When a query must give up: at `at` (query_timeout) or once `cancel` is set (the client went
// away). The default never expires; QueryGuard (query_guard.h) turns it into a Status.
struct Deadline {
  std::chrono::steady_clock::time_point at = std::chrono::steady_clock::time_point::max();
  std::shared_ptr<const CancelFlag> cancel;   // null = never cancelled
  bool Expired() const { return std::chrono::steady_clock::now() >= at; }
  bool Cancelled() const { return cancel && cancel->cancelled(); }
};

struct QueryStats {
  int64_t bytes_processed = 0;     // raw line bytes read from the store
  int64_t lines_processed = 0;     // lines read from the store
  int64_t entries_returned = 0;
  int64_t chunks_from_summary = 0;  // chunks answered from summaries without decoding
  double exec_time_s = 0;
};

struct QueryResult {
  ResultType type = ResultType::kStreams;
  std::vector<StreamResult> streams;  // kStreams: sorted by label string
  std::vector<Series> matrix;         // kMatrix: sorted by label string
  std::vector<Sample> vector;         // kVector
  Point scalar;                       // kScalar
  std::vector<std::string> warnings;
  QueryStats stats;
};

}  // namespace skald::query
