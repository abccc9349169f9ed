// IndexDb: the SQLite index (WAL mode, prepared statements, batched transactions) of streams, label
// postings and chunk references per tenant, plus an in-memory catalog of streams loaded from it.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/labels.h"
#include "common/matcher.h"
#include "common/status.h"
#include "store/chunk/chunk_format.h"

namespace skald::index {

struct StreamRecord {
  uint64_t id = 0;
  std::string tenant;
  uint64_t fingerprint = 0;
  LabelSet labels;
  uint64_t flushed_wal = 0;          // WAL position up to which this stream's entries are in chunks
  int64_t min_ts = INT64_MAX, max_ts = INT64_MIN;   // over its chunks
  int64_t chunks = 0, entries = 0, line_bytes = 0;
};

// A chunk index row, for maintenance (compactor): its row id, stream and location.
struct ChunkRow {
  int64_t id = 0;
  uint64_t stream_id = 0;
  chunk::ChunkRef ref;
};

struct FlushedChunk {
  uint64_t stream_id = 0;
  chunk::ChunkRef ref;
  uint64_t wal_pos = 0;
};

// Thread-safe (one connection behind a mutex).
class IndexDb {
 public:
  static Result<std::unique_ptr<IndexDb>> Open(const std::string& path);
  ~IndexDb();

  // Registers a new stream (row + postings) and returns its id, stable from now on.
  Result<uint64_t> AddStream(const std::string& tenant, uint64_t fingerprint, const LabelSet& labels);
  // One transaction: the chunk rows and each stream's flushed WAL watermark.
  Status CommitChunks(const std::vector<FlushedChunk>& chunks);

  // Catalog reads (no SQL unless noted).
  std::vector<StreamRecord> AllStreams() const;
  bool GetStream(uint64_t id, StreamRecord* out) const;
  // Streams of a tenant matching every matcher; equality matchers go through the postings table.
  Result<std::vector<StreamRecord>> Match(const std::string& tenant, const Matchers& ms) const;
  // Chunk refs of one stream overlapping [start, end), by min_ts (SQL).
  Result<std::vector<chunk::ChunkRef>> Chunks(uint64_t stream_id, int64_t start, int64_t end) const;

  // --- maintenance (compactor); call with the ingester's flushes paused ---
  // Rows whose file starts with `file_prefix` ("" = all), by file then offset (SQL).
  Result<std::vector<ChunkRow>> ChunkRows(const std::string& file_prefix) const;
  // Live (indexed) bytes per chunk file (SQL).
  Result<std::map<std::string, int64_t>> LiveBytesByFile() const;
  // One transaction: for each (stream, cutoff) deletes the stream's rows with max_ts < cutoff.
  // Returns the removed rows; the catalog's per-stream bounds are recomputed.
  Result<std::vector<ChunkRow>> DeleteChunksBefore(const std::vector<std::pair<uint64_t, int64_t>>& cutoffs);
  // Makes every committed transaction durable (a full WAL checkpoint): commits are otherwise only
  // durable against a process crash (synchronous=NORMAL), not a power cut. Before a caller removes
  // what the old rows pointed at (the shipper's local copies).
  Status Checkpoint();
  // One transaction: removes rows by id and inserts `added` (flushed_wal untouched); bounds recomputed.
  Status ReplaceChunks(const std::vector<int64_t>& old_ids, const std::vector<FlushedChunk>& added);

 private:
  IndexDb() = default;
  // The public calls above without their timing (loki_index_request_duration_seconds).
  Status CommitChunksImpl(const std::vector<FlushedChunk>& chunks);
  Result<std::vector<StreamRecord>> MatchImpl(const std::string& tenant, const Matchers& ms) const;
  Result<std::vector<chunk::ChunkRef>> ChunksImpl(uint64_t stream_id, int64_t start, int64_t end) const;
  Status Init(const std::string& path);
  Status Exec(const char* sql) const;
  Status LoadCatalog();
  Status RefreshBoundsLocked(uint64_t stream_id);
  Result<std::vector<uint64_t>> Postings(const std::string& tenant, const std::string& name,
                                         const std::string& value) const;

  sqlite3* db_ = nullptr;
  mutable std::mutex mu_;
  std::map<std::string, sqlite3_stmt*> stmts_;
  std::unordered_map<uint64_t, StreamRecord> streams_;
  uint64_t next_id_ = 1;
  sqlite3_stmt* Stmt(const char* sql) const;
};

}  // namespace skald::index
