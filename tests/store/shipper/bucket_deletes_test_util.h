// Shared by the bucket delete-request tests: a node's request table mirrored to a directory
// bucket, a shipper for a write node, and an ingester that reads shipped chunks from the bucket.
#pragma once

#include <catch.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "store/objstore/object_cache.h"
#include "store/shipper/bucket_deletes.h"
#include "store/shipper/object_chunk_file.h"
#include "store/shipper/shipper.h"
#include "tests/store/head/head_test_util.h"

namespace skald::testing {

inline constexpr int64_t kBucketDeleteSec = 1000000000LL;

inline int64_t WallNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct DeleteNode {
  std::unique_ptr<retention::DeleteRequests> local;
  std::unique_ptr<shipper::BucketDeletes> mirror;
};

inline DeleteNode OpenDeleteNode(const std::string& dir, objstore::ObjectStore* bucket, metrics::Registry* reg) {
  REQUIRE(fs::FileSystem::Default()->MkdirAll(dir).ok());
  DeleteNode n;
  auto l = retention::DeleteRequests::Open(dir + "/delete_requests.db");
  REQUIRE(l.ok());
  n.local = std::move(*l);
  shipper::BucketDeletesOptions o;
  o.bucket = bucket;
  o.local = n.local.get();
  o.registry = reg;
  auto m = shipper::BucketDeletes::Open(std::move(o));
  REQUIRE(m.ok());
  n.mirror = std::move(*m);
  n.local->SetMirror(n.mirror.get());
  return n;
}

inline std::unique_ptr<shipper::Shipper> OpenTestShipper(head::Ingester* w, objstore::ObjectStore* b,
                                                         const std::string& scratch, metrics::Registry* reg) {
  shipper::ShipperOptions so;
  so.ingester = w;
  so.bucket = b;
  so.node_id = "w1";
  so.scratch_dir = scratch;
  so.registry = reg;
  auto sh = shipper::Shipper::Open(std::move(so));
  REQUIRE(sh.ok());
  return std::move(*sh);
}

// Reads of shipped chunk files go to the bucket through a page cache in `dir`; keep the cache alive.
inline std::unique_ptr<objstore::ObjectCache> ReadFromBucket(head::Ingester& ing, objstore::ObjectStore* b,
                                                             const std::string& dir, metrics::Registry* reg) {
  objstore::ObjectCacheOptions co;
  co.dir = dir;
  auto c = objstore::ObjectCache::Open(b, co, reg);
  REQUIRE(c.ok());
  ing.chunk_files()->SetRemote([c = c->get()](const std::string& rel)
                                   -> Result<std::shared_ptr<const fs::RandomAccessFile>> {
    return shipper::OpenObjectChunkFile(c, rel);
  });
  return std::move(*c);
}

}  // namespace skald::testing
