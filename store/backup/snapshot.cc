// TakeSnapshot: under Ingester::WithFlushesPaused, back up the index (sqlite3_backup) and pin the
// chunk files and WAL segments with hard links at their current sizes; copy the bytes afterwards.
#include "store/backup/snapshot.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "common/logger.h"
#include "common/version.h"
#include "store/backup/file_copy.h"
#include "store/backup/manifest.h"
#include "store/backup/sqlite_copy.h"
#include "store/fs/crc32c.h"
#include "store/head/ingester.h"
#include "store/wal/wal_reader.h"

namespace skald::backup {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// A file to copy: `from` (a hard link in the staging dir, or the live file) up to `size` bytes.
struct Pending {
  std::string from, rel;
  uint64_t size = 0;
  bool staged = false;
};

struct Job {
  std::string out, staging;
  std::vector<Pending> pending;
  Manifest manifest;
  int64_t chunk_files = 0, wal_segments = 0;
  SqliteFiles extra_sqlite; // (live, rel) databases backed up beside the index
  std::vector<std::string> sqlite_rels;   // the ones written, for the manifest
  std::string active_wal;   // rel path of the newest segment (may end in a half-written record)
  uint64_t active_seq = 0;
};

Result<uint64_t> SizeOf(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return Status::IOError("stat " + path + ": " + std::strerror(errno));
  return static_cast<uint64_t>(st.st_size);
}

// Pins `live` at its current size: a hard link in staging (copied later), or a copy right now when
// links are impossible (snapshot on another filesystem).
Status Pin(Job& job, const std::string& live, const std::string& rel, uint64_t min_size) {
  auto size = SizeOf(live);
  if (!size.ok()) return size.status();
  if (*size < min_size) {
    return Status::Corruption(live + ": " + std::to_string(*size) + " bytes, but the index references " +
                              std::to_string(min_size));
  }
  std::string link = Join(job.staging, std::to_string(job.pending.size()));
  if (TryHardLink(live, link)) {
    job.pending.push_back({link, rel, *size, true});
    return Status::Ok();
  }
  std::string dst = Join(job.out, rel);
  SKALD_RETURN_IF_ERROR(MkdirParent(dst));
  auto crc = CopyPrefix(live, dst, *size);
  if (!crc.ok()) return crc.status();
  job.manifest.files.push_back({rel, *size, *crc});
  return Status::Ok();
}

// Runs while flushes are paused: nothing that the index references can change or go away.
Status PinEverything(head::Ingester& ing, Job& job) {
  SKALD_RETURN_IF_ERROR(BackupSqlite(Join(ing.data_dir(), "index.db"), Join(job.out, "index.db")));
  for (const auto& [live, rel] : job.extra_sqlite) {
    std::error_code ec;
    if (!std::filesystem::exists(live, ec)) continue;
    std::string dst = Join(job.out, rel);
    SKALD_RETURN_IF_ERROR(MkdirParent(dst));
    SKALD_RETURN_IF_ERROR(BackupSqlite(live, dst));
    job.sqlite_rels.push_back(rel);
  }
  auto extents = ChunkFileExtents(Join(job.out, "index.db"));
  if (!extents.ok()) return extents.status();
  const std::string& chunks_root = ing.chunk_files()->root();
  for (const auto& [file, end] : *extents) {
    SKALD_RETURN_IF_ERROR(Pin(job, Join(chunks_root, file), "chunks/" + file, end));
    ++job.chunk_files;
  }
  auto segs = wal::ListSegments(fs::FileSystem::Default(), ing.wal_dir());
  if (!segs.ok() && segs.status().code() != Code::kNotFound) return segs.status();
  for (uint64_t seq : segs.ok() ? *segs : std::vector<uint64_t>{}) {
    char name[32];
    std::snprintf(name, sizeof name, "%08llu.wal", static_cast<unsigned long long>(seq));
    SKALD_RETURN_IF_ERROR(Pin(job, Join(ing.wal_dir(), name), std::string("wal/") + name, 0));
    ++job.wal_segments;
    job.active_wal = std::string("wal/") + name;
    job.active_seq = seq;
  }
  return Status::Ok();
}

Status CopyPinned(Job& job) {
  for (const Pending& p : job.pending) {
    std::string dst = Join(job.out, p.rel);
    SKALD_RETURN_IF_ERROR(MkdirParent(dst));
    auto crc = CopyPrefix(p.from, dst, p.size);
    if (!crc.ok()) return crc.status();
    if (p.staged) std::filesystem::remove(p.from);
    job.manifest.files.push_back({p.rel, p.size, *crc});
  }
  return Status::Ok();
}

// The newest segment was pinned while the WAL writer may have been mid-write (see FORMAT.md).
Status TrimActiveWal(Job& job) {
  if (job.active_wal.empty()) return Status::Ok();
  auto& files = job.manifest.files;
  auto it = std::find_if(files.begin(), files.end(), [&](const ManifestFile& f) { return f.path == job.active_wal; });
  if (it == files.end()) return Status::Internal("backup: " + job.active_wal + " not in the manifest");
  bool keep = true;
  SKALD_RETURN_IF_ERROR(TrimTornWalTail(Join(job.out, job.active_wal), job.active_seq, &*it, &keep));
  if (!keep) files.erase(it);
  return Status::Ok();
}

Status Finish(Job& job, const std::string& source) {
  SKALD_RETURN_IF_ERROR(TrimActiveWal(job));
  uint64_t size;
  uint32_t crc;
  SKALD_RETURN_IF_ERROR(FileCrc(Join(job.out, "index.db"), &size, &crc));
  job.manifest.files.insert(job.manifest.files.begin(), {"index.db", size, crc});
  for (const std::string& rel : job.sqlite_rels) {
    SKALD_RETURN_IF_ERROR(FileCrc(Join(job.out, rel), &size, &crc));
    job.manifest.files.insert(job.manifest.files.begin() + 1, {rel, size, crc});
  }
  std::error_code ec;
  std::filesystem::remove_all(job.staging, ec);
  for (const auto& dir : {std::string("chunks"), std::string("wal")}) {
    std::filesystem::create_directories(Join(job.out, dir), ec);
  }
  job.manifest.store_version = kVersion;
  job.manifest.source_dir = source;
  job.manifest.created_unix_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     std::chrono::system_clock::now().time_since_epoch()).count();
  return WriteManifest(job.out, job.manifest);
}

Status Run(head::Ingester& ing, Job& job, SnapshotReport& rep) {
  SKALD_RETURN_IF_ERROR(PrepareEmptyDir(job.out));
  std::error_code ec;
  std::filesystem::create_directories(job.staging, ec);
  if (ec) return Status::IOError("mkdir " + job.staging + ": " + ec.message());
  int64_t t0 = NowMs();
  SKALD_RETURN_IF_ERROR(ing.WithFlushesPaused([&] { return PinEverything(ing, job); }));
  rep.paused_ms = NowMs() - t0;
  SKALD_RETURN_IF_ERROR(CopyPinned(job));
  return Finish(job, ing.data_dir());
}

}  // namespace

Status TrimTornWalTail(const std::string& path, uint64_t seq, ManifestFile* entry, bool* keep) {
  *keep = true;
  auto data = fs::FileSystem::Default()->ReadAll(path);
  if (!data.ok()) return data.status();
  std::string problem;
  Status fn_status;
  size_t good = wal::ReadSegment(*data, seq, [](const wal::WalRecord&) { return Status::Ok(); }, &problem, &fn_status);
  if (problem.empty()) return Status::Ok();
  SKALD_LOG(info, "backup: cut a half-written record off the newest WAL segment",
            {{"file", path}, {"kept_bytes", good}, {"problem", problem}});
  if (good == 0) {   // not even a whole header yet: leave the segment out
    *keep = false;
    std::error_code ec;
    std::filesystem::remove(path, ec);
    return Status::Ok();
  }
  SKALD_RETURN_IF_ERROR(WriteFileSynced(path, data->substr(0, good)));
  entry->size = good;
  entry->crc32c = fs::Crc32c(std::string_view(*data).substr(0, good));
  return Status::Ok();
}

Result<SnapshotReport> TakeSnapshot(head::Ingester& ing, const std::string& out_dir,
                                    const SqliteFiles& extra_sqlite) {
  int64_t t0 = NowMs();
  Job job;
  job.extra_sqlite = extra_sqlite;
  job.out = out_dir;
  job.staging = Join(out_dir, ".staging");
  SnapshotReport rep;
  rep.dir = out_dir;
  Status st = Run(ing, job, rep);
  if (!st.ok()) {
    std::error_code ec;
    if (st.code() != Code::kInvalidArgument) {   // we created or emptied-checked it: safe to clear
      for (const auto& e : std::filesystem::directory_iterator(out_dir, ec)) std::filesystem::remove_all(e.path(), ec);
    }
    SKALD_LOG(error, "backup failed", {{"dir", out_dir}, {"err", st.message()}});
    return st.Annotate("backup to " + out_dir);
  }
  rep.chunk_files = job.chunk_files;
  rep.wal_segments = job.wal_segments;
  rep.files = static_cast<int64_t>(job.manifest.files.size());
  for (const auto& f : job.manifest.files) rep.bytes += static_cast<int64_t>(f.size);
  rep.total_ms = NowMs() - t0;
  SKALD_LOG(info, "backup written", {{"dir", out_dir}, {"files", rep.files}, {"bytes", rep.bytes},
                                     {"paused_ms", rep.paused_ms}, {"total_ms", rep.total_ms}});
  return rep;
}

}  // namespace skald::backup
