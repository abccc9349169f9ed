// Delete requests applied to chunk objects: find the chunks that lose lines, rewrite their whole
// segments (unaffected chunks copied block for block, CRC-checked), upload, repoint the day's rows.
#include "store/shipper/bucket_delete_rewrite.h"

#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "store/compactor/chunk_rewrite.h"
#include "store/compactor/segment_writer.h"
#include "store/fs/file_system.h"
#include "store/shipper/bucket_layout.h"

namespace skald::shipper {
namespace {

struct Ctx {
  const DeleteRewriteOptions& o;
  const std::vector<std::vector<retention::CompiledDelete>>& groups;
  const std::vector<int>& group_of_row;
  std::map<uint64_t, const IndexFileStream*> streams;
};

// The deleter for row i, or null when no pending request touches it.
std::unique_ptr<retention::LineDeleter> DeleterFor(const Ctx& c, const IndexFileContents& day, size_t i) {
  const int g = c.group_of_row[i];
  if (g < 0) return nullptr;
  const IndexFileChunk& ch = day.chunks[i];
  auto st = c.streams.find(ch.stream_id);
  if (st == c.streams.end()) return nullptr;
  // A day's rows hold every tenant's streams: only the stream's own tenant's requests apply.
  auto d = std::make_unique<retention::LineDeleter>(c.groups[static_cast<size_t>(g)], st->second->tenant,
                                                    st->second->labels);
  if (d->empty() || !d->Overlaps(ch.ref.min_ts, ch.ref.max_ts)) return nullptr;
  return d;
}

// The entries of a chunk that `d` keeps; *deleted counts the others.
Status Kept(const Ctx& c, const chunk::ChunkRef& ref, retention::LineDeleter& d,
            std::vector<compactor::OwnedEntry>* kept, int64_t* deleted) {
  std::vector<compactor::OwnedEntry> all;
  SKALD_RETURN_IF_ERROR(compactor::ReadEntries(*c.o.files, ref, &all).Annotate(ref.file));
  for (auto& e : all) {
    if (d.Deleted(e.ts_ns, e.line, e.metadata.empty() ? nullptr : &e.metadata)) ++*deleted;
    else kept->push_back(std::move(e));
  }
  return Status::Ok();
}

void ClearDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace

Status RewriteDeleted(const DeleteRewriteOptions& o, int64_t now,
                      const std::vector<std::vector<retention::CompiledDelete>>& groups,
                      const std::vector<int>& group_of_row, IndexFileContents* day, std::vector<ChunkMove>* moves,
                      DeleteRewriteStats* s) {
  Ctx c{o, groups, group_of_row, {}};
  for (const auto& st : day->streams) c.streams[st.id] = &st;
  // 1. Which segments lose lines (reads every touched chunk once).
  std::set<std::string> affected;
  for (size_t i = 0; i < day->chunks.size(); ++i) {
    auto d = DeleterFor(c, *day, i);
    if (d == nullptr) continue;
    std::vector<compactor::OwnedEntry> kept;
    int64_t deleted = 0;
    SKALD_RETURN_IF_ERROR(Kept(c, day->chunks[i].ref, *d, &kept, &deleted));
    s->chunks_checked++;
    if (deleted > 0) affected.insert(day->chunks[i].ref.file);
  }
  if (affected.empty()) return Status::Ok();
  // 2. Rewrite each affected segment whole into fresh local segments, one writer per tenant-day.
  fs::FileSystem* fsys = fs::FileSystem::Default();
  const std::string root = fs::JoinPath(o.scratch_dir, "rewrite");
  ClearDir(root);
  std::map<std::string, std::unique_ptr<compactor::SegmentWriter>> writers;
  std::vector<std::pair<size_t, chunk::ChunkRef>> rewritten;   // row → new ref
  std::vector<size_t> dropped;
  for (size_t i = 0; i < day->chunks.size(); ++i) {
    const IndexFileChunk& ch = day->chunks[i];
    if (affected.count(ch.ref.file) == 0) continue;
    auto st = c.streams.find(ch.stream_id);
    if (st == c.streams.end()) return Status::Corruption("chunk row names an unknown stream");
    std::vector<chunk::BlockPtr> blocks;
    if (auto d = DeleterFor(c, *day, i)) {
      std::vector<compactor::OwnedEntry> kept;
      int64_t deleted = 0;
      SKALD_RETURN_IF_ERROR(Kept(c, ch.ref, *d, &kept, &deleted));
      s->lines_deleted += deleted;
      if (kept.empty()) {
        dropped.push_back(i);
        continue;
      }
      blocks = compactor::BuildBlocks(&kept, o.block_size, o.encoding);
    } else {
      auto b = compactor::ReadBlocks(*o.files, ch.ref);
      if (!b.ok()) return b.status().Annotate(ch.ref.file);
      blocks = std::move(*b);
    }
    const std::string dir = ch.ref.file.substr(0, ch.ref.file.rfind('/'));
    auto& w = writers[dir];
    if (w == nullptr) w = std::make_unique<compactor::SegmentWriter>(fsys, root, dir, o.roll_size);
    auto ref = w->Append(st->second->fingerprint, blocks);
    if (!ref.ok()) return ref.status();
    rewritten.emplace_back(i, std::move(*ref));
    s->chunks_rewritten++;
  }
  std::vector<chunk::ChunkRef*> refs;
  for (auto& [i, r] : rewritten) refs.push_back(&r);
  for (auto& [dir, w] : writers) SKALD_RETURN_IF_ERROR(w->Publish(refs));
  // 3. Upload the new segments, then repoint the rows (the caller uploads the index after this).
  std::map<std::string, std::string> shipped;   // local rel → bucket-relative name
  for (auto& [i, r] : rewritten) {
    auto [it, fresh] = shipped.try_emplace(r.file, ShippedFileName(r.file, "compactor", now));
    if (fresh) {
      SKALD_RETURN_IF_ERROR(o.bucket->PutFile(kChunksPrefix + it->second, fs::JoinPath(root, r.file)));
      s->objects_written++;
    }
    moves->push_back(ChunkMove{day->chunks[i].ref, false, r});
    moves->back().to.file = it->second;
    day->chunks[i].ref = moves->back().to;
  }
  for (size_t i : dropped) moves->push_back(ChunkMove{day->chunks[i].ref, true, {}});
  std::set<size_t> gone(dropped.begin(), dropped.end());
  std::vector<IndexFileChunk> left;
  for (size_t i = 0; i < day->chunks.size(); ++i)
    if (gone.count(i) == 0) left.push_back(std::move(day->chunks[i]));
  day->chunks = std::move(left);
  ClearDir(root);
  return Status::Ok();
}

}  // namespace skald::shipper
