// AckCursor: monotonic per-client acknowledged offsets folded into one committable offset.
#include "collector/tail/ack_cursor.h"

#include <algorithm>
#include <cstdint>

namespace skald::tail {

AckCursor::AckCursor(std::string path, FileId id, int64_t start, int n_clients)
    : path_(std::move(path)), id_(id), n_(std::max(0, n_clients)),
      acked_(new std::atomic<int64_t>[static_cast<size_t>(std::max(1, n_clients))]),
      emitted_end_(start), processed_end_(start), committed_(start) {
  for (int i = 0; i < n_; ++i) acked_[i].store(start);
}

void AckCursor::Ack(int client, int64_t offset) {
  if (client < 0 || client >= n_) return;
  auto& a = acked_[client];
  int64_t cur = a.load(std::memory_order_relaxed);
  while (cur < offset && !a.compare_exchange_weak(cur, offset, std::memory_order_release)) {
  }
}

int64_t AckCursor::Committed() const {
  const int64_t processed = processed_end_.load(std::memory_order_acquire);
  const int64_t emitted = emitted_end_.load(std::memory_order_acquire);
  int64_t m = n_ == 0 ? emitted : acked_[0].load(std::memory_order_acquire);
  for (int i = 1; i < n_; ++i) m = std::min(m, acked_[i].load(std::memory_order_acquire));
  const int64_t now = m >= emitted ? std::max(m, processed) : m;
  int64_t prev = committed_.load(std::memory_order_relaxed);
  while (prev < now && !committed_.compare_exchange_weak(prev, now, std::memory_order_relaxed)) {
  }
  return std::max(prev, now);
}

}  // namespace skald::tail
