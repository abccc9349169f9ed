// Chunk header coding: fixed little-endian fields, per-block metas, and a CRC over both, so a torn
// or flipped header is caught before any block offset is trusted.
#include "store/chunk/chunk_format.h"

#include <algorithm>
#include <cstring>

#include "store/fs/coding.h"
#include "store/fs/crc32c.h"

namespace skald::chunk {

using fs::DecodeFixed32;
using fs::DecodeFixed64;
using fs::PutFixed32;
using fs::PutFixed64;

namespace {

// A block re-compressed with `codec` (a chunk holds one codec; blocks sealed under another
// chunk_encoding before a restart are recoded when they end up in one chunk).
BlockPtr Recode(const BlockPtr& b, Codec codec) {
  std::string raw(b->meta.raw_len, '\0');
  if (!Decompress(b->meta.codec, b->data, raw.size(), raw.data()).ok()) return b;   // crc-checked on read
  auto out = std::make_shared<CompressedBlock>(*b);
  BlockEncoding enc{codec, codec == Codec::kLz4 ? 3 : 0};
  Compress(enc, raw, &out->data);
  out->meta.codec = codec;
  out->meta.comp_len = static_cast<uint32_t>(out->data.size());
  out->meta.crc = fs::Crc32c(out->data);
  return out;
}

}  // namespace

std::string EncodeChunk(uint64_t fingerprint, const std::vector<BlockPtr>& in_blocks, ChunkHeader* h) {
  std::vector<BlockPtr> recoded;
  const std::vector<BlockPtr>* bp = &in_blocks;
  for (const auto& b : in_blocks) {
    if (b->meta.codec == in_blocks.front()->meta.codec) continue;
    for (const auto& c : in_blocks) recoded.push_back(Recode(c, in_blocks.front()->meta.codec));
    bp = &recoded;
    break;
  }
  const std::vector<BlockPtr>& blocks = *bp;
  *h = ChunkHeader{};
  h->fingerprint = fingerprint;
  h->codec = blocks.empty() ? Codec::kLz4 : blocks.front()->meta.codec;
  h->min_ts = blocks.empty() ? 0 : blocks.front()->meta.min_ts;
  h->max_ts = blocks.empty() ? 0 : blocks.front()->meta.max_ts;
  for (const auto& b : blocks) {
    h->blocks.push_back(b->meta);
    h->min_ts = std::min(h->min_ts, b->meta.min_ts);
    h->max_ts = std::max(h->max_ts, b->meta.max_ts);
    h->entries += b->meta.entries;
    h->line_bytes += b->meta.line_bytes;
  }
  std::string buf;
  size_t total = h->EncodedSize();
  for (const auto& b : blocks) total += b->data.size();
  buf.reserve(total);   // one allocation: appending block by block regrew and refaulted it
  EncodeChunkHeader(*h, &buf);
  for (const auto& b : blocks) buf.append(b->data);
  return buf;
}

void EncodeChunkHeader(const ChunkHeader& h, std::string* out) {
  size_t start = out->size();
  out->append(kChunkMagic, 4);
  // lz4 chunks stay version 1 (readable by every Skald); another codec makes it version 2, which
  // older readers refuse with "unsupported version" instead of failing to decode the blocks.
  const uint16_t version = h.codec == Codec::kLz4 ? kFormatVersion : kFormatVersionCodec;
  out->append(reinterpret_cast<const char*>(&version), 2);
  out->append(2, '\0');
  PutFixed64(*out, h.fingerprint);
  PutFixed64(*out, static_cast<uint64_t>(h.min_ts));
  PutFixed64(*out, static_cast<uint64_t>(h.max_ts));
  PutFixed64(*out, h.entries);
  PutFixed64(*out, h.line_bytes);
  PutFixed32(*out, static_cast<uint32_t>(h.blocks.size()));
  bool meta = false;
  for (const auto& b : h.blocks) meta = meta || b.metadata;
  PutFixed32(*out, (meta ? 0 : kChunkNoMetadata) | (static_cast<uint32_t>(h.codec) << kChunkCodecShift));
  for (const auto& b : h.blocks) {
    PutFixed32(*out, b.comp_len);
    PutFixed32(*out, b.raw_len);
    PutFixed32(*out, b.entries);
    PutFixed32(*out, b.crc);
    PutFixed64(*out, static_cast<uint64_t>(b.min_ts));
    PutFixed64(*out, static_cast<uint64_t>(b.max_ts));
    PutFixed64(*out, b.line_bytes);
  }
  PutFixed32(*out, fs::Crc32cExtend(0, out->data() + start, out->size() - start));
}

Status DecodeChunkFixed(std::string_view in, ChunkHeader* h, uint32_t* nblocks) {
  if (in.size() < kChunkFixedSize || std::memcmp(in.data(), kChunkMagic, 4) != 0)
    return Status::Corruption("chunk: bad magic");
  uint16_t version;
  std::memcpy(&version, in.data() + 4, 2);
  if (version != kFormatVersion && version != kFormatVersionCodec)
    return Status::Corruption("chunk: unsupported version " + std::to_string(version));
  const char* p = in.data() + 8;
  h->fingerprint = DecodeFixed64(p);
  h->min_ts = static_cast<int64_t>(DecodeFixed64(p + 8));
  h->max_ts = static_cast<int64_t>(DecodeFixed64(p + 16));
  h->entries = DecodeFixed64(p + 24);
  h->line_bytes = DecodeFixed64(p + 32);
  *nblocks = DecodeFixed32(p + 40);
  h->flags = DecodeFixed32(p + 44);
  h->codec = Codec::kLz4;   // version 1: always lz4, whatever the (then reserved) bits say
  if (version == kFormatVersionCodec) {
    uint32_t codec = (h->flags >> kChunkCodecShift) & 0xFF;
    if (codec > kMaxCodec) return Status::Corruption("chunk: unknown codec " + std::to_string(codec));
    h->codec = static_cast<Codec>(codec);
  }
  if (*nblocks > (1u << 20)) return Status::Corruption("chunk: implausible block count");
  return Status::Ok();
}

Status DecodeChunkHeader(std::string_view in, ChunkHeader* h) {
  uint32_t n;
  SKALD_RETURN_IF_ERROR(DecodeChunkFixed(in, h, &n));
  size_t need = kChunkFixedSize + n * kBlockMetaSize + 4;
  if (in.size() < need) return Status::Corruption("chunk: torn header");
  if (fs::Crc32cExtend(0, in.data(), need - 4) != DecodeFixed32(in.data() + need - 4))
    return Status::Corruption("chunk: header crc mismatch");
  h->blocks.resize(n);
  const char* p = in.data() + kChunkFixedSize;
  for (auto& b : h->blocks) {
    b.comp_len = DecodeFixed32(p);
    b.raw_len = DecodeFixed32(p + 4);
    b.entries = DecodeFixed32(p + 8);
    b.crc = DecodeFixed32(p + 12);
    b.min_ts = static_cast<int64_t>(DecodeFixed64(p + 16));
    b.max_ts = static_cast<int64_t>(DecodeFixed64(p + 24));
    b.line_bytes = DecodeFixed64(p + 32);
    b.metadata = (h->flags & kChunkNoMetadata) == 0;
    b.codec = h->codec;
    p += kBlockMetaSize;
  }
  return Status::Ok();
}

}  // namespace skald::chunk
