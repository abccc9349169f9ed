// Reading chunks back for rewriting. Copies keep the original compressed bytes (verified by the
// block CRC on read); merges and deletions decode, sort stably and recompress.
#include "store/compactor/chunk_rewrite.h"

#include <algorithm>


namespace skald::compactor {

Result<std::vector<chunk::BlockPtr>> ReadBlocks(const chunk::ChunkFiles& files, const chunk::ChunkRef& ref) {
  auto h = files.ReadHeader(ref);
  if (!h.ok()) return h.status();
  std::vector<chunk::BlockPtr> out;
  for (size_t i = 0; i < h->blocks.size(); ++i) {
    auto b = std::make_shared<chunk::CompressedBlock>();
    b->meta = h->blocks[i];
    SKALD_RETURN_IF_ERROR(files.ReadBlock(ref, *h, i, &b->data));
    chunk::DecodedBlock check;   // verifies CRC and decodability before the copy is trusted
    SKALD_RETURN_IF_ERROR(check.Decode(b->meta, b->data).Annotate(ref.file));
    out.push_back(std::move(b));
  }
  return out;
}

Status ReadEntries(const chunk::ChunkFiles& files, const chunk::ChunkRef& ref, std::vector<OwnedEntry>* out) {
  auto h = files.ReadHeader(ref);
  if (!h.ok()) return h.status();
  std::string data;
  for (size_t i = 0; i < h->blocks.size(); ++i) {
    SKALD_RETURN_IF_ERROR(files.ReadBlock(ref, *h, i, &data));
    chunk::DecodedBlock d;
    SKALD_RETURN_IF_ERROR(d.Decode(h->blocks[i], data).Annotate(ref.file));
    for (size_t k = 0; k < d.size(); ++k) {
      OwnedEntry e{d.ts(k), std::string(d.line(k)), {}};
      if (const auto* md = d.metadata(k)) e.metadata = *md;
      out->push_back(std::move(e));
    }
  }
  return Status::Ok();
}

std::vector<chunk::BlockPtr> BuildBlocks(std::vector<OwnedEntry>* entries, int64_t block_size,
                                         const chunk::BlockEncoding& enc) {
  std::stable_sort(entries->begin(), entries->end(),
                   [](const OwnedEntry& a, const OwnedEntry& b) { return a.ts_ns < b.ts_ns; });
  // Exact (ts, line) copies from different chunks (a retried push) are shown once by reads; one
  // block must not hold both, or per-block counts (StoreReader::Runs) would count them twice.
  size_t n = 0;
  for (size_t i = 0; i < entries->size(); ++i) {
    bool dup = false;
    for (size_t k = n; k-- > 0 && (*entries)[k].ts_ns == (*entries)[i].ts_ns && !dup;)
      dup = (*entries)[k].line == (*entries)[i].line;
    if (dup) continue;
    if (n != i) (*entries)[n] = std::move((*entries)[i]);
    ++n;
  }
  entries->resize(n);
  std::vector<chunk::BlockPtr> out;
  std::vector<chunk::EntryRef> cur;
  int64_t bytes = 0;
  for (const auto& e : *entries) {
    cur.push_back(chunk::EntryRef{e.ts_ns, e.line, e.metadata.empty() ? nullptr : &e.metadata});
    bytes += static_cast<int64_t>(e.line.size()) + 12;
    if (bytes >= block_size) {
      out.push_back(chunk::BuildBlock(cur, enc));
      cur.clear();
      bytes = 0;
    }
  }
  if (!cur.empty()) out.push_back(chunk::BuildBlock(cur, enc));
  return out;
}

}  // namespace skald::compactor
