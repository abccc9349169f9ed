// Bucket restore (see bucket_restore.h): check, refuse a non-empty bucket, chunks, index, list.
#include "store/backup/bucket_restore.h"

#include <unistd.h>

#include <filesystem>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "common/logger.h"
#include "store/backup/bucket_check.h"
#include "store/backup/file_copy.h"
#include "store/backup/object_copy.h"
#include "store/backup/parallel_for.h"
#include "store/objstore/fs_object_store.h"
#include "store/shipper/bucket_layout.h"

namespace skald::backup {
namespace {

bool IsIndexKey(const std::string& k) { return k.rfind(shipper::kIndexPrefix, 0) == 0; }

Status RefuseNonEmpty(objstore::ObjectStore& dst) {
  auto existing = dst.List("");
  if (!existing.ok()) return existing.status().Annotate("listing the destination " + dst.Describe());
  if (existing->empty()) return Status::Ok();
  return Status::Invalid(fmt::format(
      "destination {} is not empty ({} objects, e.g. {}): restore only into a fresh bucket, so the restored index "
      "never mixes with other objects",
      dst.Describe(), existing->size(), existing->front().key));
}

Status VerifyListing(objstore::ObjectStore& dst, const BucketManifest& m) {
  auto listed = dst.List("");
  if (!listed.ok()) return listed.status().Annotate("listing the destination after the upload");
  std::map<std::string, uint64_t> have;
  for (const auto& o : *listed) have[o.key] = o.size;
  for (const auto& o : m.objects) {
    auto it = have.find(o.key);
    if (it == have.end()) return Status::IOError(o.key + ": uploaded but not listed by the destination");
    if (it->second != o.size)
      return Status::IOError(
          fmt::format("{}: the destination lists {} bytes, the manifest says {}", o.key, it->second, o.size));
  }
  if (have.size() != m.objects.size())
    return Status::IOError(
        fmt::format("the destination lists {} objects, the backup has {}", have.size(), m.objects.size()));
  return Status::Ok();
}

}  // namespace

Result<BucketRestoreReport> RestoreBucket(const std::string& from, objstore::ObjectStore& dst, int parallel) {
  auto check = CheckBucketBackup(from);
  if (!check.ok()) return check.status();
  if (!check->ok())
    return Status::Corruption("the backup in " + from + " fails its check; nothing was uploaded:\n" +
                              FormatBucketCheckReport(*check));
  SKALD_RETURN_IF_ERROR(RefuseNonEmpty(dst));
  auto src = objstore::FsObjectStore::Open(Join(from, kBucketObjectsDir));
  if (!src.ok()) return src.status();
  std::error_code ec;
  const std::string scratch =
      (std::filesystem::temp_directory_path(ec) / fmt::format("skald-restore-{}", ::getpid())).string();
  std::filesystem::create_directories(scratch, ec);
  if (ec) return Status::IOError("mkdir " + scratch + ": " + ec.message());
  BucketRestoreReport r;
  Status st;
  for (bool index_pass : {false, true}) {   // index objects last: a reader never sees a row first
    std::vector<const BucketObject*> todo;
    for (const auto& o : check->manifest.objects)
      if (IsIndexKey(o.key) == index_pass) todo.push_back(&o);
    if (st.ok()) st = ParallelFor(todo.size(), parallel, [&](size_t i) {
      BucketObject got;
      return CopyObject(**src, dst, todo[i]->key, scratch, todo[i], &got);
    });
    for (const auto* o : todo) r.bytes += static_cast<int64_t>(o->size);
    for (const auto* o : todo)
      if (index_pass) ++r.index_objects;
      else if (o->key.rfind(shipper::kChunksPrefix, 0) == 0) ++r.chunk_objects;
  }
  std::filesystem::remove_all(scratch, ec);
  if (!st.ok()) return st;
  r.objects = static_cast<int64_t>(check->manifest.objects.size());
  SKALD_RETURN_IF_ERROR(VerifyListing(dst, check->manifest));
  SKALD_LOG(info, "bucket restored", {{"from", from}, {"to", dst.Describe()}, {"objects", r.objects}});
  return r;
}

}  // namespace skald::backup
