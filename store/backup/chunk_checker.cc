// ChunkChecker (see chunk_checker.h): header, then blocks, each compared with the index row.
#include "store/backup/chunk_checker.h"

#include "store/chunk/block.h"

namespace skald::backup {
namespace {

std::string N(int64_t v) { return std::to_string(v); }

Status Mismatch(const char* what, int64_t in_chunk, int64_t in_index) {
  return Status::Corruption(std::string(what) + " is " + N(in_chunk) + " in the chunk but " + N(in_index) +
                            " in the index");
}

Status CompareHeader(const chunk::ChunkHeader& h, const ChunkRow& row) {
  const chunk::ChunkRef& r = row.ref;
  if (h.fingerprint != row.fingerprint) return Status::Corruption("fingerprint differs from the stream's");
  if (h.min_ts != r.min_ts) return Mismatch("min_ts", h.min_ts, r.min_ts);
  if (h.max_ts != r.max_ts) return Mismatch("max_ts", h.max_ts, r.max_ts);
  if (static_cast<int64_t>(h.entries) != r.entries) return Mismatch("entries", int64_t(h.entries), r.entries);
  if (static_cast<int64_t>(h.line_bytes) != r.line_bytes)
    return Mismatch("line_bytes", int64_t(h.line_bytes), r.line_bytes);
  uint64_t total = h.EncodedSize();
  for (const auto& b : h.blocks) total += b.comp_len;
  if (total != r.length) return Mismatch("length", int64_t(total), int64_t(r.length));
  return Status::Ok();
}

Status CheckDecoded(const chunk::DecodedBlock& d, const chunk::BlockMeta& m) {
  if (d.size() != m.entries) return Mismatch("entry count", int64_t(d.size()), m.entries);
  uint64_t bytes = 0;
  for (size_t i = 0; i < d.size(); i++) {
    if (d.ts(i) < m.min_ts || d.ts(i) > m.max_ts)
      return Status::Corruption("entry " + N(int64_t(i)) + " ts " + N(d.ts(i)) + " outside the block's range");
    if (i > 0 && d.ts(i) < d.ts(i - 1)) return Status::Corruption("entries out of order at " + N(int64_t(i)));
    bytes += d.line(i).size();
  }
  if (bytes != m.line_bytes) return Mismatch("line bytes", int64_t(bytes), int64_t(m.line_bytes));
  return Status::Ok();
}

}  // namespace

ChunkChecker::ChunkChecker(std::string chunks_root, fs::FileSystem* fsys)
    : root_(std::move(chunks_root)), fs_(fsys ? fsys : fs::FileSystem::Default()) {}

ChunkChecker::File& ChunkChecker::Get(const std::string& rel) {
  auto [it, fresh] = files_.try_emplace(rel);
  if (!fresh) return it->second;
  const std::string path = fs::JoinPath(root_, rel);
  auto size = fs_->FileSize(path);
  auto file = size.ok() ? fs_->OpenRead(path) : Result<std::unique_ptr<fs::RandomAccessFile>>(size.status());
  if (!file.ok()) {
    it->second.open = Status::NotFound("file missing or unreadable (" + file.status().message() + ")");
  } else {
    it->second.file = std::move(*file);
    it->second.size = *size;
  }
  return it->second;
}

Status ChunkChecker::CheckChunk(const ChunkRow& row, int64_t* blocks, int64_t* entries) {
  const File& f = Get(row.ref.file);
  if (!f.open.ok()) return f.open;
  const chunk::ChunkRef& r = row.ref;
  if (r.offset + r.length > f.size) {
    return Status::Corruption("chunk ends at " + N(int64_t(r.offset + r.length)) + " but the file has only " +
                              N(int64_t(f.size)) + " bytes (truncated file?)");
  }
  if (r.length < chunk::kChunkFixedSize + 4) return Status::Corruption("length too small for a chunk header");
  std::string buf;
  SKALD_RETURN_IF_ERROR(f.file->Read(r.offset, chunk::kChunkFixedSize, &buf));
  chunk::ChunkHeader h;
  uint32_t nblocks = 0;
  SKALD_RETURN_IF_ERROR(chunk::DecodeChunkFixed(buf, &h, &nblocks));
  uint64_t hsize = chunk::kChunkFixedSize + uint64_t(nblocks) * chunk::kBlockMetaSize + 4;
  if (hsize > r.length) return Status::Corruption("header of " + N(nblocks) + " blocks runs past the chunk");
  SKALD_RETURN_IF_ERROR(f.file->Read(r.offset, hsize, &buf));
  SKALD_RETURN_IF_ERROR(chunk::DecodeChunkHeader(buf, &h));
  SKALD_RETURN_IF_ERROR(CompareHeader(h, row));
  SKALD_RETURN_IF_ERROR(CheckBlocks(f, row, h, blocks));
  *entries += static_cast<int64_t>(h.entries);
  return Status::Ok();
}

Status ChunkChecker::CheckBlocks(const File& f, const ChunkRow& row, const chunk::ChunkHeader& h, int64_t* blocks) {
  uint64_t off = row.ref.offset + h.EncodedSize();
  uint64_t entries = 0, bytes = 0;
  std::string comp;
  for (size_t i = 0; i < h.blocks.size(); i++) {
    const chunk::BlockMeta& m = h.blocks[i];
    std::string where = "block " + N(int64_t(i)) + " of " + N(int64_t(h.blocks.size())) + " at offset " +
                        N(int64_t(off));
    SKALD_RETURN_IF_ERROR(f.file->Read(off, m.comp_len, &comp).Annotate(where));
    chunk::DecodedBlock d;
    SKALD_RETURN_IF_ERROR(d.Decode(m, comp).Annotate(where));
    SKALD_RETURN_IF_ERROR(CheckDecoded(d, m).Annotate(where));
    entries += m.entries;
    bytes += m.line_bytes;
    off += m.comp_len;
    ++*blocks;
  }
  if (entries != h.entries) return Mismatch("sum of block entries", int64_t(entries), int64_t(h.entries));
  if (bytes != h.line_bytes) return Mismatch("sum of block line bytes", int64_t(bytes), int64_t(h.line_bytes));
  return Status::Ok();
}

}  // namespace skald::backup
