// Compactor: at start-up and every compaction_interval, marks expired chunks (retention), removes
// lines of due delete requests, rewrites sealed days with dead bytes or many small chunks, and sweeps
// chunk files that stayed dead for retention_delete_delay. Loki's mark-then-sweep, on local files.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "store/chunk/chunk_files.h"
#include "store/compactor/marks.h"
#include "store/compactor/segment_writer.h"
#include "store/fs/file_system.h"
#include "store/index/index_db.h"
#include "store/retention/delete_requests.h"
#include "store/retention/retention_policy.h"
#include "store/store_config.h"

namespace skald::compactor {

struct CompactorOptions {
  index::IndexDb* index = nullptr;                 // the ingester's (index_db())
  chunk::ChunkFiles* files = nullptr;              // the ingester's (chunk_files())
  // Runs fn with flushes paused (Ingester::WithFlushesPaused); every index/file swap goes through it.
  std::function<Status(const std::function<Status()>&)> paused;
  std::function<std::shared_ptr<const retention::RetentionPolicy>()> policy;   // null = none
  retention::DeleteRequests* deletes = nullptr;    // may be null
  std::string working_dir;                         // compactor.working_directory (marks.db)
  CompactorConfig cfg;
  int64_t block_size = 262144;                     // ingester.chunk_block_size (raw bytes)
  int64_t target_size = 1572864;                   // ingester.chunk_target_size (compressed)
  uint64_t roll_size = 256ULL << 20;               // segment file roll size (as ChunkFiles)
  chunk::BlockEncoding encoding{chunk::Codec::kLz4, 9};   // for rewritten blocks (lz4hc 9)
  std::function<int64_t()> now_ns;                 // null = system clock
  fs::FileSystem* fs = nullptr;
  // false with object storage: shipped segments are immutable objects, so neither day compaction
  // nor delete requests rewrite chunks here (the bucket compactor merges index objects instead;
  // deletes are filtered at query time). Retention still drops index rows.
  bool rewrite_chunks = true;
};

struct CompactorRunStats {
  int64_t expired_chunks = 0, requests_processed = 0, deleted_lines = 0;
  int64_t requests_filter_only = 0;                // due but kept: deletion_mode is not filter-and-delete
  int64_t days_compacted = 0, chunks_rewritten = 0;
  int64_t files_marked = 0, files_deleted = 0, bytes_reclaimed = 0;
};

class Compactor {
 public:
  static Result<std::unique_ptr<Compactor>> Open(CompactorOptions o);
  ~Compactor();  // Stop()s

  // One full pass (retention mark + deletes only with cfg.retention_enabled). Serialized.
  Result<CompactorRunStats> RunOnce();
  // Runs RunOnce on a background thread: once right away (Loki's start-up pass), then every
  // cfg.compaction_interval. Returns at once.
  void Start();
  void Stop();

 private:
  explicit Compactor(CompactorOptions o);
  int64_t Now() const;
  Status MarkExpired(int64_t now, CompactorRunStats* s);
  Status ProcessDeletes(int64_t now, CompactorRunStats* s);
  void NoteRetentionRun(bool ok, double seconds);
  void NotePending(const std::vector<retention::DeleteRequest>& due, int64_t now,
                   const std::function<bool(const retention::DeleteRequest&)>& filter_only);
  struct Rewrite {                                 // chunks being replaced in one swap
    std::map<std::string, size_t> writer_of;       // day dir → index in writers
    std::vector<std::unique_ptr<SegmentWriter>> writers;
    std::vector<int64_t> old_ids;
    std::vector<index::FlushedChunk> added;
    std::set<std::string> old_files;
  };
  Status ProcessDelete(const retention::DeleteRequest& r, CompactorRunStats* s);
  Status RewriteWithout(const index::ChunkRow& row, uint64_t fp, retention::LineDeleter& d, Rewrite* rw,
                        CompactorRunStats* s);
  Status CompactDays(int64_t now, CompactorRunStats* s);
  bool DayNeedsRewrite(const std::vector<const index::ChunkRow*>& rows);
  // End of the merge group starting at rs[i] (rs: one stream's chunks sorted by min_ts).
  size_t GroupEnd(const std::vector<const index::ChunkRow*>& rs, size_t i) const;
  Status RewriteDay(const std::string& dir, const std::vector<const index::ChunkRow*>& rows, CompactorRunStats* s);
  Result<chunk::ChunkRef> WriteGroup(SegmentWriter& w, uint64_t fp, const std::vector<const index::ChunkRow*>& group);
  Status Sweep(int64_t now, CompactorRunStats* s);
  Status MarkDead(int64_t now, CompactorRunStats* s, std::vector<std::string>* due);
  Status DeleteDead(const std::vector<std::string>& due, CompactorRunStats* s);
  Status Swap(std::vector<std::unique_ptr<SegmentWriter>>& writers, const std::vector<int64_t>& old_ids,
              std::vector<index::FlushedChunk>& added, const std::vector<std::string>& old_files);

  CompactorOptions o_;
  fs::FileSystem* fs_;
  std::unique_ptr<Marks> marks_;
  std::mutex run_mu_;
  std::mutex loop_mu_;
  std::condition_variable loop_cv_;
  bool stop_ = false;
  std::thread loop_;
};

// "yyyy-mm-dd" of a unix-ns timestamp (UTC), as chunk day directories are named.
std::string UtcDay(int64_t ts_ns);

}  // namespace skald::compactor
