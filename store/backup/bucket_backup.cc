// Bucket backup: the copy rounds (index objects first, then the chunk objects they reference) and
// the backup directory around them.
#include "store/backup/bucket_backup.h"

#include <chrono>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "common/logger.h"
#include "common/version.h"
#include "store/backup/bucket_check.h"
#include "store/backup/file_copy.h"
#include "store/backup/object_copy.h"
#include "store/backup/parallel_for.h"
#include "store/objstore/fs_object_store.h"
#include "store/shipper/bucket_layout.h"
#include "store/shipper/index_file.h"

namespace skald::backup {
namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IsIndexKey(const std::string& k) { return k.rfind(shipper::kIndexPrefix, 0) == 0; }

struct CopyRun {
  objstore::ObjectStore& src;
  objstore::ObjectStore& dst;
  const BucketCopyOptions& opts;
  std::map<std::string, BucketObject> copied;
  // index key → the chunk keys its rows point into (read back from dst once).
  std::map<std::string, std::set<std::string>> refs;
  int64_t chunk_rows = 0;

  // Copies every key not copied yet, opts.parallel at a time; *gone gets the ones src no longer has.
  Status CopyKeys(const std::vector<std::string>& keys, std::vector<std::string>* gone) {
    std::vector<std::string> todo;
    for (const auto& key : keys)
      if (!copied.count(key)) todo.push_back(key);
    std::vector<BucketObject> got(todo.size());
    std::vector<char> vanished(todo.size(), 0);
    SKALD_RETURN_IF_ERROR(ParallelFor(todo.size(), opts.parallel, [&](size_t i) {
      Status st = CopyObject(src, dst, todo[i], opts.scratch_dir, nullptr, &got[i]);
      if (st.code() != Code::kNotFound) return st;
      vanished[i] = 1;
      return Status::Ok();
    }));
    for (size_t i = 0; i < todo.size(); ++i) {
      if (vanished[i]) gone->push_back(todo[i]);
      else copied[todo[i]] = std::move(got[i]);
    }
    return Status::Ok();
  }

  // Reads every copied index object back from dst (once) and records the chunk keys it references.
  Status ReadReferences() {
    for (const auto& [key, o] : copied) {
      if (!IsIndexKey(key) || refs.count(key)) continue;
      const std::string path = Join(opts.scratch_dir, "index-readback.sqlite");
      SKALD_RETURN_IF_ERROR(dst.GetFile(key, path).Annotate("reading back " + key));
      auto c = shipper::ReadIndexFile(path);
      std::filesystem::remove(path);
      if (!c.ok()) return c.status().Annotate(key);
      auto& set = refs[key];
      for (const auto& ch : c->chunks) set.insert(shipper::kChunksPrefix + ch.ref.file);
      chunk_rows += static_cast<int64_t>(c->chunks.size());
    }
    return Status::Ok();
  }

  std::vector<std::string> MissingReferences() const {
    std::set<std::string> out;
    for (const auto& [key, set] : refs)
      for (const auto& c : set)
        if (!copied.count(c)) out.insert(c);
    return {out.begin(), out.end()};
  }

  // After objects vanished: index objects the compactor replaced or dropped leave the copy, and a
  // chunk object that vanished while an index object still in the bucket references it is fatal.
  Status Reconcile(const std::set<std::string>& listed, const std::vector<std::string>& gone_chunks) {
    for (auto it = refs.begin(); it != refs.end();) {
      if (listed.count(it->first)) {
        ++it;
        continue;
      }
      SKALD_LOG(info, "bucket backup: index object replaced by the compactor meanwhile; leaving it out",
                {{"key", it->first}});
      SKALD_RETURN_IF_ERROR(dst.Delete(it->first));
      copied.erase(it->first);
      it = refs.erase(it);
    }
    for (const auto& [key, set] : refs)
      for (const auto& c : gone_chunks)
        if (set.count(c))
          return Status::Corruption(fmt::format(
              "index object {} (still in the bucket) references {}, which is not in the bucket: the bucket is "
              "inconsistent; run `skald-store check` on it or ask the compactor's logs",
              key, c));
    return Status::Ok();
  }
};

std::vector<std::string> Keys(const std::vector<objstore::ObjectInfo>& infos) {
  std::vector<std::string> out;
  for (const auto& i : infos) out.push_back(i.key);
  return out;
}

BucketCopyReport Summarize(const CopyRun& run, int rounds, int64_t started) {
  BucketCopyReport r;
  r.rounds = rounds;
  r.started_unix_ns = started;
  r.chunk_rows = run.chunk_rows;
  for (const auto& [key, o] : run.copied) {
    r.objects.push_back(o);
    r.bytes += static_cast<int64_t>(o.size);
    if (IsIndexKey(key)) ++r.index_objects;
    else if (key.rfind(shipper::kChunksPrefix, 0) == 0) ++r.chunk_objects;   // else a delete request
  }
  return r;
}

}  // namespace

Result<BucketCopyReport> CopyBucketConsistently(objstore::ObjectStore& src, objstore::ObjectStore& dst,
                                                const BucketCopyOptions& opts) {
  CopyRun run{src, dst, opts, {}, {}, 0};
  const int64_t started = NowNs();
  auto index = src.List(shipper::kIndexPrefix);
  if (!index.ok()) return index.status().Annotate("listing index/");
  auto chunks = src.List(shipper::kChunksPrefix);
  if (!chunks.ok()) return chunks.status().Annotate("listing chunks/");
  auto deletes = src.List(shipper::kDeletesPrefix);   // delete requests (store/shipper/FORMAT.md)
  if (!deletes.ok()) return deletes.status().Annotate("listing deletes/");
  std::vector<std::string> index_keys = Keys(*index);
  for (int round = 1; round <= opts.max_rounds; ++round) {
    std::vector<std::string> gone_index, gone_chunks, gone_unreferenced;
    SKALD_RETURN_IF_ERROR(run.CopyKeys(index_keys, &gone_index));
    SKALD_RETURN_IF_ERROR(run.ReadReferences());
    SKALD_RETURN_IF_ERROR(run.CopyKeys(run.MissingReferences(), &gone_chunks));
    if (round == 1) SKALD_RETURN_IF_ERROR(run.CopyKeys(Keys(*chunks), &gone_unreferenced));
    if (round == 1) SKALD_RETURN_IF_ERROR(run.CopyKeys(Keys(*deletes), &gone_unreferenced));   // a cancel may race
    if (gone_index.empty() && gone_chunks.empty()) return Summarize(run, round, started);
    SKALD_LOG(warn, "bucket backup: objects vanished while copying (bucket compaction); listing index/ again",
              {{"round", round}, {"index_objects_gone", gone_index.size()}, {"chunk_objects_gone", gone_chunks.size()}});
    auto relisted = src.List(shipper::kIndexPrefix);
    if (!relisted.ok()) return relisted.status().Annotate("listing index/");
    index_keys = Keys(*relisted);
    SKALD_RETURN_IF_ERROR(run.Reconcile({index_keys.begin(), index_keys.end()}, gone_chunks));
  }
  return Status::Unavailable(fmt::format(
      "the bucket's index kept changing under the backup for {} listings; retry when the compactor is idle",
      opts.max_rounds));
}

namespace {

Result<BucketBackupReport> BackupInto(objstore::ObjectStore& src, const std::string& dir, int parallel) {
  auto start = std::chrono::steady_clock::now();
  const std::string scratch = Join(dir, ".scratch");
  std::error_code ec;
  std::filesystem::create_directories(scratch, ec);
  if (ec) return Status::IOError("mkdir " + scratch + ": " + ec.message());
  auto dst = objstore::FsObjectStore::Open(Join(dir, kBucketObjectsDir));
  if (!dst.ok()) return dst.status();
  auto copy = CopyBucketConsistently(src, **dst, BucketCopyOptions{scratch, 5, parallel});
  if (!copy.ok()) return copy.status();
  std::filesystem::remove_all(scratch, ec);
  std::filesystem::remove_all(Join(Join(dir, kBucketObjectsDir), ".tmp"), ec);
  BucketManifest m;
  m.tool_version = kVersion;
  m.source = src.Describe();
  m.started_unix_ns = copy->started_unix_ns;
  m.finished_unix_ns = NowNs();
  m.objects = copy->objects;
  SKALD_RETURN_IF_ERROR(WriteBucketManifest(dir, m));
  auto check = CheckBucketBackup(dir);   // re-reads every copied byte from disk
  if (!check.ok()) return check.status();
  if (!check->ok()) return Status::Corruption("the fresh backup fails its check:\n" + FormatBucketCheckReport(*check));
  BucketBackupReport r{dir, std::move(*copy), 0};
  r.total_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace

Result<BucketBackupReport> TakeBucketBackup(objstore::ObjectStore& src, const std::string& dir, int parallel) {
  SKALD_RETURN_IF_ERROR(PrepareEmptyDir(dir));
  auto r = BackupInto(src, dir, parallel);
  if (!r.ok()) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    SKALD_LOG(error, "bucket backup failed; partial backup removed", {{"dir", dir}, {"err", r.status().message()}});
  }
  return r;
}

}  // namespace skald::backup
