// Bucket restore: uploads a verified bucket backup into an empty bucket, chunk objects before index
// objects, and checks the result by listing, so nodes started over that bucket serve the backup.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "store/objstore/object_store.h"

namespace skald::backup {

struct BucketRestoreReport {
  int64_t objects = 0, bytes = 0, index_objects = 0, chunk_objects = 0;
};

// Runs CheckBucketBackup on `from` first and refuses (Corruption, naming the objects) on any
// problem; refuses (Invalid) a destination that already holds any object. Each object is re-hashed
// as it is uploaded (`parallel` at a time; all chunk objects before any index object). Finally dst
// is listed and must hold exactly the manifest's keys and sizes.
Result<BucketRestoreReport> RestoreBucket(const std::string& from, objstore::ObjectStore& dst, int parallel = 4);

}  // namespace skald::backup
