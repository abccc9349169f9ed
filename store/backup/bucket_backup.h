// Bucket backup: copies every object of a Skald bucket (chunks/ and index/) into another
// ObjectStore while nodes keep writing, such that no copied index row points at a chunk object the
// copy lacks. Why that holds: FORMAT.md, "Bucket backups".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/backup/bucket_manifest.h"
#include "store/objstore/object_store.h"

namespace skald::backup {

struct BucketCopyOptions {
  std::string scratch_dir;   // local files for one object at a time (must exist)
  int max_rounds = 5;        // re-listings tolerated while the compactor replaces index objects
  int parallel = 1;          // object transfers in flight
};

struct BucketCopyReport {
  std::vector<BucketObject> objects;   // what dst holds now, sorted by key
  int64_t bytes = 0, index_objects = 0, chunk_objects = 0, chunk_rows = 0;
  int rounds = 0;
  int64_t started_unix_ns = 0;
};

// Copies index objects first (as listed at the start), then every chunk object they reference,
// then every other chunk object listed at the start; objects that vanish meanwhile are handled as
// FORMAT.md describes. Fails (Corruption, naming the objects) when an index object that is still
// in the bucket references a chunk object that is not, or when the bucket keeps changing for
// max_rounds listings. dst should be empty; nothing is deleted from src.
Result<BucketCopyReport> CopyBucketConsistently(objstore::ObjectStore& src, objstore::ObjectStore& dst,
                                                const BucketCopyOptions& opts);

struct BucketBackupReport {
  std::string dir;
  BucketCopyReport copy;
  int64_t total_ms = 0;
};

// `dir` must be absent or empty. Writes <dir>/objects/<key> (an FsObjectStore), then verifies the
// copy (CheckBucketBackup) and writes <dir>/MANIFEST.json last. On failure the directory is removed.
Result<BucketBackupReport> TakeBucketBackup(objstore::ObjectStore& src, const std::string& dir, int parallel = 4);

}  // namespace skald::backup
