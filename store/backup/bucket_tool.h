// The bucket side of `skald-store backup|restore|check` (object_store: s3): finds the bucket in a
// store config file and runs TakeBucketBackup / RestoreBucket / CheckBucketBackup with a summary.
#pragma once

#include <functional>
#include <string>

#include "common/status.h"
#include "store/objstore/s3_config.h"

namespace skald::backup {

// Loads a store config file and returns its bucket settings: Invalid when the config does not
// use object storage. Set by skald-store's main (the config loader lives in the store app, which
// depends on this module, not the other way round).
using BucketConfigLoader = std::function<Result<objstore::S3Config>(const std::string& file, bool expand_env)>;
void SetBucketConfigLoader(BucketConfigLoader loader);

// Each returns the process exit code (0 ok, 1 failed) and prints a one-line summary or the error.
int RunBucketBackup(const std::string& config_file, bool expand_env, const std::string& to, int parallel);
int RunBucketRestore(const std::string& config_file, bool expand_env, const std::string& from, bool create_bucket,
                     int parallel);
int RunBucketCheck(const std::string& dir);

}  // namespace skald::backup
