// Ingester: the store's write and read core. Pushes go to the WAL, then (once durable) to the
// per-stream head blocks; a flush loop cuts blocks into chunks, appends them to chunk files and
// records them in the index.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "store/chunk/chunk_files.h"
#include "store/fs/file_system.h"
#include "store/fs/free_space_guard.h"
#include "store/head/head_block.h"
#include "store/head/push_sink.h"
#include "store/head/store_reader.h"
#include "store/head/write_block.h"
#include "store/index/index_db.h"
#include "store/store_config.h"
#include "store/wal/wal_record.h"
#include "store/wal/wal_writer.h"
#include "store/head/ingester_metrics.h"

namespace skald::head {

struct IngesterOptions {
  std::string dir;                       // data dir: wal/ (unless cfg.wal_dir), chunks/, index.db
  IngesterConfig cfg;
  fs::FileSystem* fs = nullptr;          // null = FileSystem::Default()
  std::function<int64_t()> now_ns;       // wall clock; null = system clock (tests inject)
  chunk::BlockEncoding encoding;         // block codec + level (StoreApp: ingester.chunk_encoding)
  int64_t memory_budget = 8LL << 20;     // head bytes before the largest streams are flushed early;
                                         // pushes block (backpressure) above twice this. 8 MiB keeps
                                         // peak RSS under 100 MB with 4 fast pushers (BENCHMARKS)
  int64_t flush_interval_ms = 1000;      // flush-loop period
  int max_wal_segments = 4;              // pinned segments before old heads are flushed (checkpoint)
  bool run_flush_loop = true;            // false: tests drive FlushDue()/FlushAll()
  bool unordered_writes = true;          // limits_config.unordered_writes
  int64_t wal_retry_initial_ms = 250;    // WAL recovery backoff after a failed write (doubles to 2 s)
};

struct IngesterStats {
  int64_t lines = 0, bytes = 0, duplicates = 0, rejected = 0, streams = 0;
  int64_t chunks_flushed = 0, blocks_cut = 0, chunk_bytes = 0, head_bytes = 0;
  int64_t replayed_records = 0, replayed_entries = 0;
  wal::WalStats wal;
  std::vector<std::string> replay_problems;
};

class Ingester : public PushSink, public StoreReader {
 public:
  // Opens index, replays the WAL into heads, opens a fresh WAL segment, starts the flush loop.
  // A damaged WAL tail is reported in stats().replay_problems and truncated, never fatal.
  static Result<std::unique_ptr<Ingester>> Open(IngesterOptions opts);
  // Destroying without Close() is a crash as far as the disk is concerned (tests use it).
  ~Ingester() override;
  // Graceful shutdown: stops the loop, flushes every head to chunks, closes the WAL. Idempotent.
  Status Close();

  // A push's entries become visible to readers only once its WAL record is durable, in WAL order;
  // a push whose record is lost (failed write or fsync) is never visible and fails with IOError.
  // While writes are blocked (WriteBlockedReason) pushes fail fast with Unavailable.
  Status Push(const std::string& tenant, std::vector<LogStream>&& streams) override;
  Status PushDetailed(const std::string& tenant, std::vector<LogStream>&& streams, PushResult* result) override;
  // "" while pushes are accepted, else why not: the WAL cannot write, chunk flushes fail, or free
  // space is under ingester.min_free_space. Cheap (cached); for /ready.
  std::string WriteBlockedReason();

  Result<std::vector<StreamInfo>> Streams(const std::string& tenant, const Matchers& ms, int64_t start_ns,
                                          int64_t end_ns) override;
  Result<std::vector<std::string>> LabelNames(const std::string& tenant, const Matchers& ms, int64_t start_ns,
                                              int64_t end_ns) override;
  Result<std::vector<std::string>> LabelValues(const std::string& tenant, const std::string& name,
                                               const Matchers& ms, int64_t start_ns, int64_t end_ns) override;
  std::unique_ptr<EntryIterator> Entries(const std::string& tenant, uint64_t stream_id, int64_t start_ns,
                                         int64_t end_ns, Direction dir) override;
  Result<std::vector<ChunkSummary>> Summaries(const std::string& tenant, uint64_t stream_id, int64_t start_ns,
                                              int64_t end_ns) override;
  Result<CountRuns> Runs(const std::string& tenant, uint64_t stream_id, int64_t start_ns, int64_t end_ns) override;
  Result<IndexStats> Stats(const std::string& tenant, const Matchers& ms, int64_t start_ns, int64_t end_ns) override;
  std::shared_ptr<void> Subscribe(const std::string& tenant, TailFn fn) override;

  // One pass of the flush loop: compress sealed blocks, flush due chunks, checkpoint the WAL.
  Status FlushDue();
  // Flushes every head to chunk files (shutdown, tests).
  Status FlushAll();
  IngesterStats stats() const;

  // Maintenance access (compactor, retention sweep, backup). WithFlushesPaused runs fn while no
  // flush, block compression or WAL truncation runs, so chunk rows, chunk files and WAL segments
  // do not change under it; pushes go on (they only append to the WAL and heads). Keep fn short.
  Status WithFlushesPaused(const std::function<Status()>& fn);
  index::IndexDb* index_db() { return index_.get(); }
  // A stream another module added to index_db() (a read node's bucket index sync) becomes
  // readable: the reads look streams up in the ingester's own table.
  Status AdoptIndexedStream(uint64_t id);
  chunk::ChunkFiles* chunk_files() { return files_.get(); }
  const std::string& wal_dir() const { return wal_dir_; }
  const std::string& data_dir() const { return opts_.dir; }

 private:
  struct Piece {                          // one sealed block of the open chunk
    SortedPtr raw;                        // before compression, or
    chunk::BlockPtr block;                // after
    int64_t min_ts() const { return raw ? raw->min_ts : block->meta.min_ts; }
    int64_t max_ts() const { return raw ? raw->max_ts : block->meta.max_ts; }
    size_t bytes() const { return raw ? raw->bytes : block->data.size(); }
  };
  struct Stream {
    uint64_t id = 0, fp = 0;
    std::string tenant;
    LabelSet labels;
    HeadBlock head;
    std::vector<Piece> pieces;            // sealed blocks of the open chunk
    std::vector<Piece> flushing;          // being written; still visible to readers
    int64_t max_ts = INT64_MIN;           // highest timestamp ever accepted (ooo window)
    uint64_t first_wal = 0, last_wal = 0; // WAL positions of in-memory entries (0 = none)
    uint64_t flushed_wal = 0;             // replay skips records at or below this
    uint64_t apply_gen = 0;               // bumped by each applied push (re-check duplicates)
    int64_t chunk_start_wall = 0, last_append_wall = 0;
    size_t piece_bytes = 0;
    TenantIngesterMetrics* tm = nullptr;  // this tenant's metric children
    bool in_memory = false;               // holds unflushed entries (counted in memory_streams)
  };
  struct FlushJob;
  void AddIndexedStreamLocked(const index::StreamRecord& r);   // mu_ held (or before any thread)
  // A push between its WAL enqueue and its apply; lives on the pushing thread's stack, which waits
  // until some thread (itself or one applying earlier pushes) has marked it done under mu_.
  struct PendingPush {
    wal::WalWriter::Ticket ticket;
    std::vector<wal::StreamEntriesRef> refs;   // accepted entries, pointing into the caller's streams
    std::vector<Stream*> touched;              // the stream of each ref
    std::vector<uint64_t> gens;                // each stream's apply_gen when its entries were checked
    size_t bytes = 0;                          // WAL payload size
    bool done = false;
    Status st;
  };
  struct Due {
    Stream* s;
    const char* reason;   // metric label: full, max_age, idle, wal_checkpoint, memory, forced
  };
  struct Subscriber {
    std::string tenant;
    TailFn fn;
  };

  explicit Ingester(IngesterOptions opts);
  Status Init();
  Status Replay();
  Result<Stream*> GetOrCreate(const std::string& tenant, const LabelSet& labels);
  void AppendEntry(Stream& s, const LogEntry& e);
  void SealHead(Stream& s);
  void WaitForMemory();
  void AcceptEntries(Stream& s, const LogStream& in, size_t si, PushResult& r, wal::StreamEntriesRef* ref,
                     std::vector<uint8_t>* ok);
  void LogToWal(const std::string& tenant, PendingPush* p);
  Status AwaitDurable(PendingPush& p);
  void ApplyPush(PendingPush& p);
  void ApplyResolved(std::unique_lock<std::mutex>& lk, PendingPush& me);
  // ingester_write_block.cc
  Status CheckWritable();
  void RefreshWriteBlock();
  void NoteFlushResult(const std::vector<Stream*>& streams, const Status& st);
  std::string RejectMessage(const Stream& s, int64_t ts, int64_t oldest) const;
  void Notify(const std::string& tenant, const std::vector<LogStream>& streams, const std::vector<std::vector<uint8_t>>& ok);
  int64_t Now() const;
  void Loop();
  Status CompressSealed();
  Status FlushStreams(const std::vector<Due>& which);
  std::vector<FlushJob> TakeJobs(const std::vector<Due>& which);
  Status WriteJobs(const std::vector<FlushJob>& jobs, std::vector<index::FlushedChunk>* refs,
                   std::vector<const char*>* reasons);
  void FinishJobs(const std::vector<FlushJob>& jobs, const Status& st);
  void NoteChunkLeftMemory(Stream& s);
  void ObserveStored(const std::vector<index::FlushedChunk>& refs, const std::vector<const char*>& reasons);
  std::vector<Due> DueStreams();
  Status TruncateWal();
  Stream* FindStream(const std::string& tenant, uint64_t id);
  bool HeadOverlaps(const std::string& tenant, uint64_t id, int64_t start, int64_t end);
  Result<std::vector<index::StreamRecord>> MatchInRange(const std::string& tenant, const Matchers& ms,
                                                        int64_t start, int64_t end);

  IngesterOptions opts_;
  fs::FileSystem* fs_;
  std::unique_ptr<index::IndexDb> index_;
  std::unique_ptr<chunk::ChunkFiles> files_;
  std::unique_ptr<wal::WalWriter> wal_;
  std::string wal_payload_;                          // LogToWal's encode buffer (mu_), reused
  static constexpr size_t kMaxKeptWalPayload = 16u << 20;
  std::string wal_dir_;

  mutable std::mutex mu_;                                // guards streams and their heads
  std::map<std::string, std::unordered_map<uint64_t, std::vector<std::unique_ptr<Stream>>>> by_fp_;
  std::unordered_map<uint64_t, Stream*> by_id_;
  std::atomic<int64_t> head_bytes_{0};            // heads + sealed blocks, written under mu_
  std::mutex mem_mu_;
  std::condition_variable mem_cv_;                // pushes wait here above 2x memory_budget
  IngesterStats stats_;
  std::deque<PendingPush*> pending_;              // enqueued, not yet applied; WAL order; under mu_
  std::set<uint64_t> flush_retry_;                // streams whose last flush failed; under mu_
  WriteBlock block_;
  std::unique_ptr<fs::FreeSpaceGuard> space_;

  std::mutex flush_mu_;                                  // one flush at a time
  std::mutex loop_mu_;
  std::condition_variable loop_cv_;
  bool stop_ = false, closed_ = false;
  std::thread loop_;

  std::mutex sub_mu_;
  std::vector<std::shared_ptr<Subscriber>> subs_;
  std::atomic<int> nsubs_{0};
};

}  // namespace skald::head
