// WalWriter: appends framed records to numbered segment files with group commit. Callers enqueue
// (cheap, no I/O) and then wait; one writer thread does one write + one fsync per group.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/buffer_pool.h"
#include "common/metrics.h"
#include "common/status.h"
#include "store/fs/file_system.h"

namespace skald::wal {

enum class FsyncPolicy {
  kGroup,    // fsync each group of concurrent appends before acknowledging any of them
  kAlways,   // one fsync per record
  kNever,    // write() before acknowledging, leave syncing to the OS
};
Result<FsyncPolicy> ParseFsyncPolicy(std::string_view name);

struct WalOptions {
  std::string dir;
  FsyncPolicy policy = FsyncPolicy::kGroup;
  int64_t segment_size = 64LL << 20;
  fs::FileSystem* fs = nullptr;   // null = FileSystem::Default()
  int64_t retry_initial_ms = 250;   // backoff between recovery attempts, doubling up to retry_max_ms
  int64_t retry_max_ms = 2000;
  // The first segment number to use at least: one past the highest flush watermark in the index,
  // so that positions keep growing after a graceful stop removed every segment (FORMAT.md).
  uint64_t min_seq = 1;
};

struct WalStats {
  uint64_t records = 0, bytes = 0, fsyncs = 0, fsync_ns = 0, segments_removed = 0;
  uint64_t write_failures = 0, recoveries = 0;   // failed writes/fsyncs/retries; episodes ended
};

class WalWriter {
 public:
  struct Ticket {
    uint64_t pos = 0;     // the record's position (wal_format.h)
    uint64_t id = 0;      // 0: refused, the WAL was failed when it was enqueued (nothing queued)
    uint64_t epoch = 0;   // failure episodes before it was enqueued
  };

  // Starts a fresh segment numbered after the highest one already in dir.
  static Result<std::unique_ptr<WalWriter>> Open(WalOptions opts);
  ~WalWriter();

  // Frames the record and queues it; returns its position. Thread-safe; positions are assigned in
  // the order of the calls, so a caller holding its own lock gets a total order. While blocked()
  // nothing is queued and the ticket is refused.
  Ticket Enqueue(uint8_t type, std::string_view payload);
  // Blocks until the record is durable per the policy, or lost. Durable tickets form a prefix of
  // the enqueue order. A failed write or fsync loses every record not yet durable: the writer cuts
  // the failed segment back to its last durable record (so replay never restores a lost record),
  // refuses appends, and retries on a fresh segment with backoff until that works.
  Status Wait(const Ticket& t);
  // Non-blocking Wait: false while the record is still in flight.
  bool Poll(const Ticket& t, Status* st) const;
  Status Append(uint8_t type, std::string_view payload, uint64_t* pos);
  // True from a failed write until a retry has succeeded (appends are refused meanwhile).
  bool blocked() const { return blocked_.load(std::memory_order_acquire); }
  Status failure() const;   // why blocked(); OK otherwise

  uint64_t current_segment() const;
  // Moves the next record to a new segment when every record enqueued so far is durable and the
  // current segment holds any: the caller knows those records are all flushed, so the old segment
  // can be removed instead of staying on disk until it fills. False (nothing changed) otherwise.
  bool RollIfIdle();
  // Removes every segment numbered below `seq` (never the one being written, unless closed).
  Status RemoveSegmentsBefore(uint64_t seq);
  // Writes what is queued, stops the thread. Idempotent.
  Status Close();
  WalStats stats() const;
  const std::string& dir() const { return opts_.dir; }

 private:
  struct Batch {
    uint64_t seq = 0;
    std::string buf;
    std::vector<std::pair<size_t, uint64_t>> ends;   // (end offset in buf, ticket id) per record
  };
  explicit WalWriter(WalOptions opts) : opts_(std::move(opts)) {}
  Status OpenSegment(uint64_t seq, std::string* header_out);
  void Run();
  Status WriteBatches(std::deque<Batch>& batches);
  Status WriteOne(Batch& b);
  Status SyncFile();
  void Publish(uint64_t id);                  // ids <= id are durable; the file is acked to here
  bool Resolved(const Ticket& t, Status* st) const;   // mu_ held
  // wal_writer_recovery.cc: the failure episode.
  void Fail(const Status& st);
  void TryRecover();
  Status CutFailedSegment();
  Status StartFreshSegment();

  WalOptions opts_;
  mutable std::mutex mu_;
  std::condition_variable work_cv_, done_cv_;
  std::deque<Batch> pending_;
  BufferPool spare_{4, 64u << 20};   // written batches' buffers, for the next ones
  uint64_t seq_ = 0;           // segment of the next record
  uint64_t offset_ = 0;        // offset of the next record in seq_
  uint64_t next_id_ = 0, durable_id_ = 0;
  Status failure_;             // the current episode's failure; OK while writable
  uint64_t epoch_ = 0;         // failure episodes so far
  std::map<uint64_t, std::pair<uint64_t, Status>> lost_;   // epoch -> (last durable id, failure)
  std::atomic<bool> blocked_{false};
  bool closing_ = false, closed_ = false;
  WalStats stats_;
  // Writer thread only (and Close after the thread ended):
  std::unique_ptr<fs::WritableFile> file_;
  uint64_t file_seq_ = 0;
  uint64_t acked_size_ = 0;    // bytes of segment file_seq_ holding only durable records
  uint64_t written_id_ = 0;    // last id written to file_ (not necessarily synced)
  bool cut_pending_ = false;   // the failed segment still needs cutting back
  int64_t backoff_ms_ = 0;
  std::thread thread_;
};

// skald_wal_write_failures_total (registered when the first writer opens, so it reads 0 until a
// failure instead of being absent).
metrics::Counter& WriteFailures();

}  // namespace skald::wal
