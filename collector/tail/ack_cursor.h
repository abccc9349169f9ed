// AckCursor: per tailed file, which offset is safe to store as its position. A position advances only
// once every client acknowledged (delivered or definitively dropped) the lines before it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "collector/tail/file_tailer.h"

namespace skald::tail {

// Thread-safe: the tail thread calls Emitted/Processed, client threads call Ack. With zero clients
// (e.g. a dry run) everything processed counts as acknowledged. Always owned by a shared_ptr.
class AckCursor : public std::enable_shared_from_this<AckCursor> {
 public:
  AckCursor(std::string path, FileId id, int64_t start, int n_clients);

  // A line ending at `end` was handed to the clients (call before Processed for the same line).
  void Emitted(int64_t end) { emitted_end_.store(end, std::memory_order_release); }
  // The tailer is done with everything before `end` (emitted, or dropped by a stage or limit).
  void Processed(int64_t end) { processed_end_.store(end, std::memory_order_release); }
  // Client `client` acknowledged every line it was given up to `offset`.
  void Ack(int client, int64_t offset);

  // The offset below which no line is still in flight.
  int64_t Committed() const;
  int64_t processed_end() const { return processed_end_.load(std::memory_order_acquire); }

  const std::string& path() const { return path_; }
  FileId id() const { return id_; }

 private:
  std::string path_;
  FileId id_;
  int n_;
  std::unique_ptr<std::atomic<int64_t>[]> acked_;
  std::atomic<int64_t> emitted_end_, processed_end_;
  mutable std::atomic<int64_t> committed_;  // never moves backwards
};

// What travels with an entry to the clients so they can acknowledge it. Non-owning (no atomic
// reference count per line): a batch takes shared ownership of each cursor it meets.
struct AckRef {
  AckRef() = default;
  AckRef(const std::shared_ptr<AckCursor>& c, int64_t off) : cursor(c.get()), offset(off) {}
  AckCursor* cursor = nullptr;
  int64_t offset = 0;
};

}  // namespace skald::tail
