// Verification of a bucket backup directory: the manifest, every object's size and SHA-256, and
// that every chunk row of every index object points into a chunk object the backup holds.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/backup/bucket_manifest.h"

namespace skald::backup {

struct BucketCheckReport {
  // One line per problem, each naming the object ("<key>: ...").
  std::vector<std::string> problems;
  int64_t objects = 0, bytes = 0, index_objects = 0, chunk_objects = 0, chunk_rows = 0;
  BucketManifest manifest;
  bool ok() const { return problems.empty(); }
};

// Reads every index object in `index_paths` (key → local file) and appends a problem for each
// chunk row whose object is not in `chunk_sizes` (key → size) or ends past its size. Returns the
// number of chunk rows read.
int64_t CheckIndexReferences(const std::map<std::string, std::string>& index_paths,
                             const std::map<std::string, uint64_t>& chunk_sizes, std::vector<std::string>* problems);

// Checks <dir>/MANIFEST.json against <dir>/objects/. Fails only when the manifest cannot be read;
// everything else is a problem in the report (missing, extra, resized or altered objects, and
// index rows pointing at chunk objects the backup lacks).
Result<BucketCheckReport> CheckBucketBackup(const std::string& dir);

std::string FormatBucketCheckReport(const BucketCheckReport& r);

}  // namespace skald::backup
