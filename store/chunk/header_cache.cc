// HeaderCache (see header_cache.h): an LRU list plus a hash map from "<rel>\0<offset>" to its node;
// hits and misses are process-wide counters, as several ingesters may exist (tests, read nodes).
#include "store/chunk/header_cache.h"

#include "common/metrics.h"

namespace skald::chunk {
namespace {

struct CacheMetrics {
  metrics::Counter& hits;
  metrics::Counter& misses;
};

CacheMetrics& Metrics() {
  static CacheMetrics m{
      metrics::Registry::Default().NewCounter("skald_chunk_header_cache_hits_total",
                                              "Chunk headers served from memory instead of the segment file."),
      metrics::Registry::Default().NewCounter("skald_chunk_header_cache_misses_total",
                                              "Chunk headers read from the segment file.")};
  return m;
}

size_t Footprint(const std::string& key, const ChunkHeader& h) {
  return key.size() + sizeof(ChunkHeader) + h.blocks.capacity() * sizeof(BlockMeta) + 96;   // + node overheads
}

}  // namespace

std::string HeaderCache::Key(const std::string& rel, uint64_t offset) {
  std::string k = rel;
  k.push_back('\0');
  k += std::to_string(offset);
  return k;
}

std::shared_ptr<const ChunkHeader> HeaderCache::Get(const std::string& rel, uint64_t offset) {
  const std::string k = Key(rel, offset);
  std::lock_guard<std::mutex> lk(mu_);
  auto it = by_key_.find(k);
  if (it == by_key_.end()) {
    Metrics().misses.Inc();
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  Metrics().hits.Inc();
  return it->second->header;
}

uint64_t HeaderCache::Generation() const {
  std::lock_guard<std::mutex> lk(mu_);
  return gen_;
}

void HeaderCache::Put(const std::string& rel, uint64_t offset, std::shared_ptr<const ChunkHeader> h,
                      uint64_t generation) {
  std::string k = Key(rel, offset);
  const size_t fp = Footprint(k, *h);
  if (fp > budget_) return;
  std::lock_guard<std::mutex> lk(mu_);
  if (generation != gen_ || by_key_.count(k) != 0) return;
  lru_.push_front(Entry{k, std::move(h), fp});
  by_key_.emplace(std::move(k), lru_.begin());
  bytes_ += fp;
  while (bytes_ > budget_) {
    bytes_ -= lru_.back().bytes;
    by_key_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

void HeaderCache::Invalidate(const std::string& rel) {
  std::string prefix = rel;
  prefix.push_back('\0');
  std::lock_guard<std::mutex> lk(mu_);
  ++gen_;
  for (auto it = lru_.begin(); it != lru_.end();) {
    if (it->key.compare(0, prefix.size(), prefix) == 0) {
      bytes_ -= it->bytes;
      by_key_.erase(it->key);
      it = lru_.erase(it);
    } else {
      ++it;
    }
  }
}

size_t HeaderCache::bytes() const {
  std::lock_guard<std::mutex> lk(mu_);
  return bytes_;
}

size_t HeaderCache::entries() const {
  std::lock_guard<std::mutex> lk(mu_);
  return lru_.size();
}

}  // namespace skald::chunk
