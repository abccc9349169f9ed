// WalWriter: appends framed records to numbered segment files with group commit. Callers enqueue
// (cheap, no I/O) and then wait; one writer thread does one write + one fsync per group.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

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
};

struct WalStats {
  uint64_t records = 0, bytes = 0, fsyncs = 0, fsync_ns = 0, segments_removed = 0;
};

class WalWriter {
 public:
  struct Ticket {
    uint64_t pos = 0;     // the record's position (wal_format.h)
    uint64_t id = 0;
  };

  // Starts a fresh segment numbered after the highest one already in dir.
  static Result<std::unique_ptr<WalWriter>> Open(WalOptions opts);
  ~WalWriter();

  // Frames the record and queues it; returns its position. Thread-safe; positions are assigned in
  // the order of the calls, so a caller holding its own lock gets a total order.
  Ticket Enqueue(uint8_t type, std::string_view payload);
  // Blocks until the record is durable per the policy. A failed write or fsync is sticky: every later
  // wait reports it too (the store must not acknowledge on a broken disk).
  Status Wait(const Ticket& t);
  Status Append(uint8_t type, std::string_view payload, uint64_t* pos);

  uint64_t current_segment() const;
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
  Status WriteBatches(std::deque<Batch>& batches, uint64_t* durable);
  Status WriteOne(Batch& b, uint64_t* durable);
  Status SyncFile();

  WalOptions opts_;
  mutable std::mutex mu_;
  std::condition_variable work_cv_, done_cv_;
  std::deque<Batch> pending_;
  uint64_t seq_ = 0;           // segment of the next record
  uint64_t offset_ = 0;        // offset of the next record in seq_
  uint64_t next_id_ = 0, durable_id_ = 0;
  Status error_;
  bool closing_ = false, closed_ = false;
  WalStats stats_;
  // Writer thread only:
  std::unique_ptr<fs::WritableFile> file_;
  uint64_t file_seq_ = 0;
  std::thread thread_;
};

}  // namespace skald::wal
