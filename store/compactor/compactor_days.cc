// Compaction of sealed days (rewrite a tenant-day whose files are mostly dead bytes, or whose
// streams have many small chunks, into fresh segment files) and the sweep that deletes files no
// index row has pointed into for retention_delete_delay.
#include "store/compactor/compactor.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "common/logger.h"
#include "store/compactor/chunk_rewrite.h"
#include "store/compactor/compactor_metrics.h"

namespace skald::compactor {
namespace {

constexpr size_t kSmallChunksPerStream = 4;   // this many chunks of one stream in a day ...
constexpr int64_t kSmallChunkDivisor = 4;     // ... averaging below target/4 → merge them
// A day is sealed this long after it ends: heads holding its entries (max_chunk_age, 2h) are
// flushed by then, so a rewrite is not followed by stragglers appended to the day.
constexpr int64_t kSealDelayNs = 3LL * 3600 * 1000000000LL;

std::string DirOf(const std::string& rel) { return rel.substr(0, rel.rfind('/')); }

}  // namespace

Status Compactor::CompactDays(int64_t now, CompactorRunStats* s) {
  auto rows = o_.index->ChunkRows("");
  if (!rows.ok()) return rows.status();
  std::map<std::string, std::vector<const index::ChunkRow*>> by_dir;
  for (const auto& r : *rows) by_dir[DirOf(r.ref.file)].push_back(&r);
  const std::string today = UtcDay(now - kSealDelayNs);
  for (const auto& [dir, day_rows] : by_dir) {
    std::string day = dir.substr(dir.rfind('/') + 1);
    if (day >= today || !DayNeedsRewrite(day_rows)) continue;   // unsealed days take appends
    SKALD_RETURN_IF_ERROR(RewriteDay(dir, day_rows, s));
  }
  return Status::Ok();
}

size_t Compactor::GroupEnd(const std::vector<const index::ChunkRow*>& rs, size_t i) const {
  size_t j = i;
  int64_t len = 0, raw = 0;
  while (j < rs.size() && (j == i || (len + static_cast<int64_t>(rs[j]->ref.length) <= o_.target_size &&
                                      raw + rs[j]->ref.line_bytes <= 16 * o_.target_size))) {
    len += static_cast<int64_t>(rs[j]->ref.length), raw += rs[j]->ref.line_bytes;
    ++j;
  }
  return j;
}

bool Compactor::DayNeedsRewrite(const std::vector<const index::ChunkRow*>& rows) {
  std::map<std::string, int64_t> live;
  std::map<uint64_t, std::pair<size_t, int64_t>> per_stream;   // chunks, bytes
  std::map<uint64_t, std::vector<const index::ChunkRow*>> stream_rows;
  int64_t total = 0;
  for (const auto* r : rows) {
    live[r->ref.file] += static_cast<int64_t>(r->ref.length);
    auto& ps = per_stream[r->stream_id];
    ps.first++;
    ps.second += static_cast<int64_t>(r->ref.length);
    stream_rows[r->stream_id].push_back(r);
    total += static_cast<int64_t>(r->ref.length);
  }
  for (const auto& [file, bytes] : live) {
    auto size = fs_->FileSize(fs::JoinPath(o_.files->root(), file));
    if (size.ok() && static_cast<int64_t>(*size) - static_cast<int64_t>(chunk::kFileHeaderSize) > 2 * bytes) return true;
  }
  for (const auto& [sid, ps] : per_stream) {
    if (ps.first < kSmallChunksPerStream || ps.second / static_cast<int64_t>(ps.first) >= o_.target_size / kSmallChunkDivisor)
      continue;
    auto& rs = stream_rows[sid];   // small chunks: worth it only if merging would leave fewer
    std::sort(rs.begin(), rs.end(), [](const auto* a, const auto* b) { return a->ref.min_ts < b->ref.min_ts; });
    size_t groups = 0;
    for (size_t i = 0; i < rs.size(); i = GroupEnd(rs, i)) ++groups;
    if (groups < rs.size()) return true;
  }
  int64_t needed = total / static_cast<int64_t>(o_.roll_size) + 1;
  return static_cast<int64_t>(live.size()) > needed + 1;
}

// One chunk copied as-is, or several decoded, merged by time and re-encoded as one chunk.
Result<chunk::ChunkRef> Compactor::WriteGroup(SegmentWriter& w, uint64_t fp,
                                              const std::vector<const index::ChunkRow*>& group) {
  std::vector<chunk::BlockPtr> blocks;
  if (group.size() == 1) {
    auto b = ReadBlocks(*o_.files, group[0]->ref);
    if (!b.ok()) return b.status();
    blocks = std::move(*b);
  } else {
    std::vector<OwnedEntry> entries;
    for (const auto* r : group) SKALD_RETURN_IF_ERROR(ReadEntries(*o_.files, r->ref, &entries));
    blocks = BuildBlocks(&entries, o_.block_size, o_.encoding);
  }
  return w.Append(fp, blocks);
}

Status Compactor::RewriteDay(const std::string& dir, const std::vector<const index::ChunkRow*>& rows,
                             CompactorRunStats* s) {
  std::map<uint64_t, std::vector<const index::ChunkRow*>> by_stream;
  std::set<std::string> old_files;
  for (const auto* r : rows) by_stream[r->stream_id].push_back(r), old_files.insert(r->ref.file);
  std::vector<std::unique_ptr<SegmentWriter>> writers;
  writers.push_back(std::make_unique<SegmentWriter>(fs_, o_.files->root(), dir, o_.roll_size));
  SegmentWriter& w = *writers.front();
  std::vector<int64_t> old_ids;
  std::vector<index::FlushedChunk> added;
  for (auto& [sid, rs] : by_stream) {
    index::StreamRecord rec;
    uint64_t fp = o_.index->GetStream(sid, &rec) ? rec.fingerprint : 0;
    std::sort(rs.begin(), rs.end(), [](const auto* a, const auto* b) { return a->ref.min_ts < b->ref.min_ts; });
    for (size_t i = 0; i < rs.size();) {
      size_t j = GroupEnd(rs, i);
      for (size_t k = i; k < j; ++k) old_ids.push_back(rs[k]->id);
      auto ref = WriteGroup(w, fp, std::vector<const index::ChunkRow*>(rs.begin() + static_cast<ptrdiff_t>(i),
                                                                      rs.begin() + static_cast<ptrdiff_t>(j)));
      if (!ref.ok()) return ref.status();
      added.push_back(index::FlushedChunk{sid, std::move(*ref), 0});
      i = j;
    }
  }
  SKALD_RETURN_IF_ERROR(Swap(writers, old_ids, added, std::vector<std::string>(old_files.begin(), old_files.end())));
  s->days_compacted++;
  s->chunks_rewritten += static_cast<int64_t>(added.size());
  CompactorMetrics::Get().days_compacted.Inc();
  CompactorMetrics::Get().chunks_rewritten.Inc(static_cast<double>(added.size()));
  SKALD_LOG(info, "compacted day", {{"dir", dir}, {"chunks_in", static_cast<int64_t>(old_ids.size())},
                                    {"chunks_out", static_cast<int64_t>(added.size())},
                                    {"files_in", static_cast<int64_t>(old_files.size())}});
  return Status::Ok();
}

Status Compactor::Sweep(int64_t now, CompactorRunStats* s) {
  std::vector<std::string> due;
  SKALD_RETURN_IF_ERROR(MarkDead(now, s, &due));
  if (!due.empty()) SKALD_RETURN_IF_ERROR(o_.paused([&]() -> Status { return DeleteDead(due, s); }));
  auto left = marks_->All();
  if (left.ok()) CompactorMetrics::Get().marker_files.Set(static_cast<double>(left->size()));
  return Status::Ok();
}

// Lists every segment file, marks newly dead ones, unmarks live ones, returns those due.
Status Compactor::MarkDead(int64_t now, CompactorRunStats* s, std::vector<std::string>* due) {
  auto live = o_.index->LiveBytesByFile();
  if (!live.ok()) return live.status();
  auto marks = marks_->All();
  if (!marks.ok()) return marks.status();
  const std::string& root = o_.files->root();
  std::set<std::string> on_disk;
  int64_t oldest_due = now;   // mark time of the oldest file due (Loki: the marker file being processed)
  auto list = [&](const std::string& rel) {
    auto r = fs_->List(fs::JoinPath(root, rel));
    return r.ok() ? *r : std::vector<std::string>{};
  };
  for (const auto& t : list(""))
    for (const auto& d : list(t))
      for (const auto& n : list(fs::JoinPath(t, d))) {
        std::string rel = fs::JoinPath(fs::JoinPath(t, d), n);
        if (SegmentWriter::IsTempName(n)) (void)fs_->Remove(fs::JoinPath(root, rel));   // a crashed rewrite
        if (!SegmentWriter::IsSegmentName(n)) continue;
        on_disk.insert(rel);
        auto m = marks->find(rel);
        if (live->count(rel) > 0) {
          if (m != marks->end()) SKALD_RETURN_IF_ERROR(marks_->Remove(rel));
        } else if (m == marks->end()) {
          SKALD_RETURN_IF_ERROR(marks_->Add(rel, now));
          s->files_marked++;
          CompactorMetrics::Get().files_marked.Inc();
          if (o_.cfg.retention_delete_delay_ns <= 0) due->push_back(rel);
        } else if (now - m->second >= o_.cfg.retention_delete_delay_ns) {
          due->push_back(rel);
          oldest_due = std::min(oldest_due, m->second);
        }
      }
  for (const auto& [file, t] : *marks)
    if (on_disk.count(file) == 0) SKALD_RETURN_IF_ERROR(marks_->Remove(file));
  if (!due->empty()) CompactorMetrics::Get().marker_processing_time.Set(static_cast<double>(oldest_due) / 1e9);
  return Status::Ok();
}

// With flushes paused: re-checks the index (flushes ran until now) and deletes what is still dead.
Status Compactor::DeleteDead(const std::vector<std::string>& due, CompactorRunStats* s) {
  auto live = o_.index->LiveBytesByFile();
  if (!live.ok()) return live.status();
  const std::string& root = o_.files->root();
  for (const auto& rel : due) {
    if (live->count(rel) > 0) continue;
    SKALD_RETURN_IF_ERROR(o_.files->CloseFile(rel));
    std::string path = fs::JoinPath(root, rel);
    auto size = fs_->FileSize(path);
    int64_t bytes = size.ok() ? static_cast<int64_t>(*size) : 0;
    auto started = std::chrono::steady_clock::now();
    Status removed = fs_->Remove(path);
    CompactorMetrics::Get()
        .sweep_duration.WithLabelValues({removed.ok() ? "success" : "failure"})
        .Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    SKALD_RETURN_IF_ERROR(removed);
    (void)fs_->RemoveDirIfEmpty(fs::JoinPath(root, DirOf(rel)));
    SKALD_RETURN_IF_ERROR(marks_->Remove(rel));
    CompactorMetrics::Get().marker_files_deleted.Inc();
    s->files_deleted++;
    s->bytes_reclaimed += bytes;
    CompactorMetrics::Get().files_deleted.Inc();
    CompactorMetrics::Get().bytes_reclaimed.Inc(static_cast<double>(bytes));
  }
  return Status::Ok();
}

}  // namespace skald::compactor
