// ActiveStreams: the streams each tenant pushed to recently, for max_global_streams_per_user.
// A stream stops counting once idle for `idle_ns` (as Loki's ingester forgets flushed streams).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace skald::ingest {

// Thread-safe.
class ActiveStreams {
 public:
  // max_streams 0 = unlimited.
  ActiveStreams(int64_t max_streams, int64_t idle_ns);

  // True if the stream is already active or there is room for it (then it becomes active).
  bool Admit(const std::string& tenant, uint64_t fingerprint, int64_t now_ns);
  size_t Count(const std::string& tenant) const;

 private:
  void ExpireIdle(std::unordered_map<uint64_t, int64_t>* streams, int64_t now_ns);

  const int64_t max_, idle_ns_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::unordered_map<uint64_t, int64_t>> tenants_;  // fp → last push
};

}  // namespace skald::ingest
