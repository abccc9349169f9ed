// BufferPool: a few large byte buffers handed out and taken back, so a hot path that needs a
// megabyte per request (a push body inflated, a WAL batch) reuses memory it has already touched
// instead of allocating, page-faulting and zero-filling fresh pages every time (#19's profile).
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace skald {

class BufferPool {
 public:
  // Keeps at most `max_buffers` idle buffers, none larger than `max_bytes` (larger ones are freed).
  BufferPool(size_t max_buffers, size_t max_bytes) : max_buffers_(max_buffers), max_bytes_(max_bytes) {}

  // An idle buffer (empty, its capacity kept) or a new one.
  std::string Take() {
    std::lock_guard<std::mutex> lk(mu_);
    if (idle_.empty()) return {};
    std::string b = std::move(idle_.back());
    idle_.pop_back();
    return b;
  }

  // Returns a buffer for reuse; its content is dropped, its capacity kept when within bounds.
  void Give(std::string&& b) {
    if (b.capacity() > max_bytes_) return;
    b.clear();
    std::lock_guard<std::mutex> lk(mu_);
    if (idle_.size() < max_buffers_) idle_.push_back(std::move(b));
  }

  size_t idle() const {
    std::lock_guard<std::mutex> lk(mu_);
    return idle_.size();
  }

 private:
  const size_t max_buffers_, max_bytes_;
  mutable std::mutex mu_;
  std::vector<std::string> idle_;
};

// Takes a buffer from a pool for one scope and gives it back at the end of it.
class PooledBuffer {
 public:
  explicit PooledBuffer(BufferPool& pool) : pool_(pool), buf_(pool.Take()) {}
  ~PooledBuffer() { pool_.Give(std::move(buf_)); }
  PooledBuffer(const PooledBuffer&) = delete;
  PooledBuffer& operator=(const PooledBuffer&) = delete;

  std::string& operator*() { return buf_; }
  std::string* operator->() { return &buf_; }

 private:
  BufferPool& pool_;
  std::string buf_;
};

}  // namespace skald
