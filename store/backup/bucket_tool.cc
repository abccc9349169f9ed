// Bucket backup commands: the store config names the bucket exactly as the nodes see it.
#include "store/backup/bucket_tool.h"

#include <cstdio>
#include <vector>

#include "store/backup/bucket_backup.h"
#include "store/backup/bucket_check.h"
#include "store/backup/bucket_restore.h"
#include "store/objstore/s3_object_store.h"

namespace skald::backup {
namespace {

int Fail(const char* what, const Status& st) {
  std::fprintf(stderr, "%s failed: %s\n", what, st.message().c_str());
  return 1;
}

BucketConfigLoader& Loader() {
  static BucketConfigLoader loader;
  return loader;
}

Result<std::unique_ptr<objstore::S3ObjectStore>> OpenConfiguredBucket(const std::string& config_file, bool expand_env) {
  if (!Loader()) return Status::Internal("no store config loader set");
  auto s3 = Loader()(config_file, expand_env);
  if (!s3.ok()) return s3.status();
  auto b = objstore::S3ObjectStore::Open(*s3, nullptr);
  if (!b.ok()) return b.status().Annotate(config_file + ": storage_config.aws");
  return b;
}

}  // namespace

void SetBucketConfigLoader(BucketConfigLoader loader) { Loader() = std::move(loader); }

int RunBucketBackup(const std::string& config_file, bool expand_env, const std::string& to, int parallel) {
  auto bucket = OpenConfiguredBucket(config_file, expand_env);
  if (!bucket.ok()) return Fail("backup", bucket.status());
  auto r = TakeBucketBackup(**bucket, to, parallel);
  if (!r.ok()) return Fail("backup", r.status());
  std::printf("backed up %s to %s: %lld objects (%lld index, %lld chunk), %lld bytes, %lld chunk rows verified, "
              "%d listing(s), %lld ms\n",
              (*bucket)->Describe().c_str(), to.c_str(), static_cast<long long>(r->copy.objects.size()),
              static_cast<long long>(r->copy.index_objects), static_cast<long long>(r->copy.chunk_objects),
              static_cast<long long>(r->copy.bytes), static_cast<long long>(r->copy.chunk_rows), r->copy.rounds,
              static_cast<long long>(r->total_ms));
  return 0;
}

int RunBucketRestore(const std::string& config_file, bool expand_env, const std::string& from, bool create_bucket,
                     int parallel) {
  auto bucket = OpenConfiguredBucket(config_file, expand_env);
  if (!bucket.ok()) return Fail("restore", bucket.status());
  if (create_bucket) {
    if (Status st = (*bucket)->CreateBuckets(); !st.ok()) return Fail("restore", st.Annotate("creating the bucket"));
  }
  auto r = RestoreBucket(from, **bucket, parallel);
  if (!r.ok()) return Fail("restore", r.status());
  std::printf("restored %lld objects (%lld chunk, %lld index; %lld bytes) from %s to %s\n",
              static_cast<long long>(r->objects), static_cast<long long>(r->chunk_objects),
              static_cast<long long>(r->index_objects), static_cast<long long>(r->bytes), from.c_str(),
              (*bucket)->Describe().c_str());
  return 0;
}

int RunBucketCheck(const std::string& dir) {
  auto r = CheckBucketBackup(dir);
  if (!r.ok()) return Fail("check", r.status());
  std::fputs(FormatBucketCheckReport(*r).c_str(), stdout);
  return r->ok() ? 0 : 1;
}

}  // namespace skald::backup
