// Bucket backup manifest (MANIFEST.json): every object copied from a bucket with its size and
// SHA-256, the source bucket, the time and the tool version. Format: FORMAT.md, "Bucket backups".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace skald::backup {

constexpr int kBucketManifestVersion = 1;
constexpr const char* kBucketManifestName = "MANIFEST.json";
constexpr const char* kBucketManifestFormat = "skald-bucket-backup";
constexpr const char* kBucketObjectsDir = "objects";   // <backup>/objects/<key>

struct BucketObject {
  std::string key;      // bucket key, "chunks/..." or "index/..."
  uint64_t size = 0;
  std::string sha256;   // 64 lowercase hex digits
};

struct BucketManifest {
  int version = kBucketManifestVersion;
  std::string tool_version;
  std::string source;             // "s3://bucket" (ObjectStore::Describe of the source)
  int64_t started_unix_ns = 0;    // when the backup listed the bucket
  int64_t finished_unix_ns = 0;
  std::vector<BucketObject> objects;   // sorted by key
};

std::string EncodeBucketManifest(const BucketManifest& m);
// Rejects another format or version, a missing field, a bad digest and unsafe keys.
Result<BucketManifest> ParseBucketManifest(const std::string& json);

// <dir>/MANIFEST.json, written atomically (temp file, fsync, rename, fsync dir).
Status WriteBucketManifest(const std::string& dir, const BucketManifest& m);
Result<BucketManifest> ReadBucketManifest(const std::string& dir);
bool HasBucketManifest(const std::string& dir);
// A MANIFEST.json or an objects/ directory: a bucket backup, complete or not.
bool IsBucketBackupDir(const std::string& dir);

}  // namespace skald::backup
