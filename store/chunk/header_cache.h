// HeaderCache: decoded chunk headers (block metas) by (segment file, offset), LRU within a byte
// budget. Metric queries over many chunks need only the metas; re-reading them each time was one
// pread per chunk, and those system calls slowed the WAL's fsyncs beside a heavy query (#17).
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "store/chunk/chunk_format.h"

namespace skald::chunk {

// Thread-safe. A header is only cached for the generation it was read in: Invalidate(rel) (called
// before a file is deleted or its name reused) bumps the generation, so a read that raced with it
// is not kept.
class HeaderCache {
 public:
  explicit HeaderCache(size_t budget_bytes) : budget_(budget_bytes) {}

  std::shared_ptr<const ChunkHeader> Get(const std::string& rel, uint64_t offset);
  uint64_t Generation() const;
  // Keeps `h` unless Invalidate ran since `generation` was taken, or it alone exceeds the budget.
  void Put(const std::string& rel, uint64_t offset, std::shared_ptr<const ChunkHeader> h, uint64_t generation);
  void Invalidate(const std::string& rel);

  size_t bytes() const;
  size_t entries() const;

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const ChunkHeader> header;
    size_t bytes;
  };
  static std::string Key(const std::string& rel, uint64_t offset);

  const size_t budget_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;   // front = most recently used
  std::unordered_map<std::string, std::list<Entry>::iterator> by_key_;
  size_t bytes_ = 0;
  uint64_t gen_ = 0;
};

}  // namespace skald::chunk
