// Loki's loki_index_request_duration_seconds{operation,status_code} for the SQLite index: chunk
// writes are "index_chunk" (the Writes dashboard), series matching "series", chunk-ref reads "chunk_refs".
#pragma once

#include <chrono>

#include "common/status.h"

namespace skald::index {

enum class IndexOp { kIndexChunk, kSeries, kChunkRefs };

// Thread-safe; children are resolved once, an observation is a few atomics.
void ObserveIndexRequest(IndexOp op, bool ok, std::chrono::steady_clock::time_point started);

// Runs fn() (returning Status or Result<T>) and observes its duration and outcome.
template <typename F>
auto TimedIndexRequest(IndexOp op, F&& fn) -> decltype(fn()) {
  auto started = std::chrono::steady_clock::now();
  auto out = fn();
  ObserveIndexRequest(op, out.ok(), started);
  return out;
}

}  // namespace skald::index
