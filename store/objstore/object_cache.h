// ObjectCache: a bounded on-disk read cache of immutable objects in fixed-size pages, in front of
// an ObjectStore (chunk reads from the bucket); LRU eviction, survives restarts (FORMAT.md).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/metrics.h"
#include "store/objstore/object_store.h"

namespace skald::objstore {

struct ObjectCacheOptions {
  std::string dir;                  // created if missing; owned by the cache
  uint64_t max_bytes = 1ull << 30;  // page files (headers included) beyond this are evicted
  uint64_t page_size = 1ull << 20;
  std::string name = "chunks";      // the `name` label of the metrics
  uint32_t max_run_pages = 16;      // adjacent missing pages fetched by one ranged GET
  uint32_t readahead_pages = 0;     // a miss also fetches up to this many pages past its request
                                    // (same GET, within max_run_pages)
  uint64_t memory_bytes = 64ull << 20;   // decoded pages kept in memory (the hot set); 0 = none
};

// Thread-safe. Objects must be immutable: a page, once cached, is served until evicted or
// Invalidate()d. Concurrent misses of the same page fetch it once (the others wait). A page file
// failing its length or CRC check is deleted and fetched again. Metrics (label name):
// loki_cache_fetched_keys, loki_cache_hits (pages), skald_objstore_cache_bytes,
// skald_objstore_cache_evicted_pages_total, skald_objstore_cache_corrupt_pages_total.
class ObjectCache {
 public:
  // Rebuilds the page index from opts.dir (removing temp files, unreadable pages and pages of
  // another page size) and evicts down to max_bytes. registry may be null.
  static Result<std::unique_ptr<ObjectCache>> Open(ObjectStore* backend, ObjectCacheOptions opts,
                                                   metrics::Registry* registry);
  ~ObjectCache();

  // Bytes [offset, offset+n) of `key` (fewer at its end; n == UINT64_MAX: to the end), as
  // ObjectStore::Get, served from cached pages and fetching the missing ones.
  Status Read(const std::string& key, uint64_t offset, uint64_t n, std::string* out);
  // Drops every cached page of `key` (call when the object is deleted).
  void Invalidate(const std::string& key);

  uint64_t bytes() const;  // page files on disk, headers included
  size_t pages() const;

 private:
  struct Entry {
    uint64_t file_bytes = 0;
    bool eof = false;
    std::list<std::string>::iterator lru;
  };
  struct Page {
    std::string data;
    bool eof = false;
  };
  using PagePtr = std::shared_ptr<const Page>;
  struct Hot {
    PagePtr page;
    std::list<std::string>::iterator lru;
  };
  ObjectCache(ObjectStore* backend, ObjectCacheOptions opts, metrics::Registry* registry);
  Status Rebuild();
  std::string PathOf(const std::string& id) const;
  // Page `id` from memory, else from disk if indexed (then kept in memory); null on a miss (a bad
  // file is dropped first).
  PagePtr ReadCached(const std::string& id);
  // Claims the run of missing pages starting at p (at most max_run_pages, up to `last`) for this
  // reader; 0 when p is cached meanwhile or was being fetched by another reader (waited for).
  uint64_t ClaimRun(const std::string& hash, uint64_t p, uint64_t last);
  // Fetches pages [p, p+count) of key with one ranged GET, stores them and releases the claims.
  Status FetchRun(const std::string& key, const std::string& hash, uint64_t p, uint64_t count,
                  std::vector<PagePtr>* pages);
  PagePtr HotGetLocked(const std::string& id);                  // under mu_
  void HotPutLocked(const std::string& id, PagePtr page);       // under mu_
  void HotDropLocked(const std::string& id);                    // under mu_
  // Writes a page file (temp + rename; no lock held); its size, or 0 when it could not be written.
  uint64_t WritePage(const std::string& id, const Page& page);
  void IndexLocked(const std::string& id, uint64_t file_bytes, bool eof);  // under mu_
  void DropLocked(const std::string& id);                // under mu_
  void EvictLocked();                                    // under mu_

  ObjectStore* backend_;
  ObjectCacheOptions opts_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Entry> index_;  // "<hash>/<page hex>" → entry; per-object ranges
  std::list<std::string> lru_;          // front: most recently used
  std::set<std::string> inflight_;      // pages being fetched
  std::unordered_map<std::string, Hot> hot_;   // decoded pages in memory
  std::list<std::string> hot_lru_;             // front: most recently used
  uint64_t hot_bytes_ = 0;
  uint64_t bytes_ = 0;
  metrics::Counter* fetched_ = nullptr;
  metrics::Counter* hits_ = nullptr;
  metrics::Counter* evicted_ = nullptr;
  metrics::Counter* corrupt_ = nullptr;
  metrics::Gauge* bytes_gauge_ = nullptr;
};

}  // namespace skald::objstore
