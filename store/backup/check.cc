// Check (see check.h): index rows -> ChunkChecker per chunk, WAL segments -> wal::ReadSegment,
// MANIFEST (when present) -> VerifyManifestFiles. Problems are collected, never fatal.
#include "store/backup/check.h"

#include <filesystem>
#include <map>

#include "store/backup/chunk_checker.h"
#include "store/backup/file_copy.h"
#include "store/backup/manifest.h"
#include "store/backup/sqlite_copy.h"
#include "store/wal/wal_format.h"
#include "store/wal/wal_reader.h"

namespace skald::backup {
namespace {

struct StreamRow {
  std::string tenant, labels;
  uint64_t fingerprint = 0;
};

std::string Text(sqlite3_stmt* s, int i) {
  const unsigned char* t = sqlite3_column_text(s, i);
  return t ? reinterpret_cast<const char*>(t) : "";
}

Status CheckChunks(const std::string& path, CheckReport* rep) {
  const std::string index = Join(path, "index.db");
  std::map<uint64_t, StreamRow> streams;
  SKALD_RETURN_IF_ERROR(QueryDb(index, "SELECT id, tenant, fingerprint, labels FROM streams", [&](sqlite3_stmt* s) {
    streams[uint64_t(sqlite3_column_int64(s, 0))] = {Text(s, 1), Text(s, 3), uint64_t(sqlite3_column_int64(s, 2))};
  }));
  rep->streams = static_cast<int64_t>(streams.size());
  ChunkChecker checker(Join(path, "chunks"));
  Status st = QueryDb(index,
                      "SELECT stream_id, file, offset, length, min_ts, max_ts, entries, line_bytes FROM chunks "
                      "ORDER BY file, offset",
                      [&](sqlite3_stmt* s) {
    ChunkRow row;
    row.stream_id = uint64_t(sqlite3_column_int64(s, 0));
    row.ref = {Text(s, 1), uint64_t(sqlite3_column_int64(s, 2)), uint64_t(sqlite3_column_int64(s, 3)),
               sqlite3_column_int64(s, 4), sqlite3_column_int64(s, 5), sqlite3_column_int64(s, 6),
               sqlite3_column_int64(s, 7)};
    rep->chunks++;
    std::string where = "chunks/" + row.ref.file + " offset " + std::to_string(row.ref.offset) + " length " +
                        std::to_string(row.ref.length);
    auto it = streams.find(row.stream_id);
    if (it == streams.end()) {
      rep->problems.push_back(where + ": stream id " + std::to_string(row.stream_id) + " is not in the index");
      return;
    }
    where += " stream " + it->second.labels + " (tenant " + it->second.tenant + ")";
    row.fingerprint = it->second.fingerprint;
    Status cs = checker.CheckChunk(row, &rep->blocks, &rep->entries);
    if (!cs.ok()) rep->problems.push_back(where + ": " + cs.message());
  });
  rep->chunk_files = checker.files_opened();
  return st;
}

void CheckWal(const std::string& dir, CheckReport* rep) {
  fs::FileSystem* fsys = fs::FileSystem::Default();
  auto segs = wal::ListSegments(fsys, dir);
  if (!segs.ok()) {
    if (segs.status().code() != Code::kNotFound) rep->problems.push_back(dir + ": " + segs.status().message());
    return;
  }
  for (uint64_t seq : *segs) {
    const std::string file = wal::SegmentPath(dir, seq);
    rep->wal_segments++;
    auto data = fsys->ReadAll(file);
    if (!data.ok()) {
      rep->problems.push_back(file + ": " + data.status().message());
      continue;
    }
    std::string problem;
    Status fn_status;
    wal::ReadSegment(*data, seq, [&](const wal::WalRecord&) { rep->wal_records++; return Status::Ok(); },
                     &problem, &fn_status);
    if (!problem.empty()) rep->problems.push_back(file + ": " + problem);
  }
}

}  // namespace

Result<CheckReport> Check(const std::string& path, const std::string& wal_dir) {
  CheckReport rep;
  std::error_code ec;
  if (!std::filesystem::exists(Join(path, "index.db"), ec))
    return Status::NotFound(path + ": no index.db (not a data dir or snapshot)");
  if (std::filesystem::exists(Join(path, kManifestName), ec)) {
    rep.has_manifest = true;
    auto m = ReadManifest(path);
    if (!m.ok()) {
      rep.problems.push_back(m.status().message());
    } else {
      rep.manifest_files = static_cast<int64_t>(m->files.size());
      for (auto& p : VerifyManifestFiles(path, *m)) rep.problems.push_back("MANIFEST: " + p);
    }
  }
  SKALD_RETURN_IF_ERROR(CheckChunks(path, &rep));
  CheckWal(wal_dir.empty() ? Join(path, "wal") : wal_dir, &rep);
  return rep;
}

std::string FormatCheckReport(const CheckReport& r) {
  std::string out = std::string(r.ok() ? "OK" : "PROBLEMS") + ": " + std::to_string(r.streams) + " streams, " +
                    std::to_string(r.chunks) + " chunks (" + std::to_string(r.blocks) + " blocks, " +
                    std::to_string(r.entries) + " entries) in " + std::to_string(r.chunk_files) + " files, " +
                    std::to_string(r.wal_segments) + " WAL segments (" + std::to_string(r.wal_records) +
                    " records)";
  if (r.has_manifest) out += ", MANIFEST of " + std::to_string(r.manifest_files) + " files";
  out += ", " + std::to_string(r.problems.size()) + " problems\n";
  for (const auto& p : r.problems) out += "  " + p + "\n";
  return out;
}

}  // namespace skald::backup
