// Chunk segment file layout constants and the chunk header codec (see FORMAT.md beside this file).
// A chunk = header + block metas + header CRC, then the compressed blocks back to back.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/chunk/block.h"

namespace skald::chunk {

constexpr char kFileMagic[4] = {'S', 'K', 'C', 'F'};
constexpr char kChunkMagic[4] = {'S', 'K', 'C', 'H'};
constexpr uint16_t kFormatVersion = 1;        // lz4 blocks
constexpr uint16_t kFormatVersionCodec = 2;   // blocks of the codec in flags bits 8..15
constexpr size_t kFileHeaderSize = 16;      // magic[4] version u16 reserved[10]
constexpr size_t kChunkFixedSize = 56;      // see FORMAT.md
constexpr size_t kBlockMetaSize = 40;

// chunk_header flags (the u32 after nblocks; version-1 writers left it 0, readers ignore unknown bits)
constexpr uint32_t kChunkNoMetadata = 1;    // no entry of any block carries structured metadata
constexpr uint32_t kChunkCodecShift = 8;    // version 2: bits 8..15 = Codec (block_codec.h)

struct ChunkHeader {
  uint64_t fingerprint = 0;
  int64_t min_ts = 0, max_ts = 0;
  uint64_t entries = 0;
  uint64_t line_bytes = 0;
  uint32_t flags = 0;              // kChunk* bits; EncodeChunkHeader derives them from the blocks
  Codec codec = Codec::kLz4;       // of every block (EncodeChunk sets it from the blocks)
  std::vector<BlockMeta> blocks;   // decoded metas get `metadata` from the chunk's flags
  size_t EncodedSize() const { return kChunkFixedSize + blocks.size() * kBlockMetaSize + 4; }
};

// Where a chunk lives: what the index stores.
struct ChunkRef {
  std::string file;          // relative to the chunks root
  uint64_t offset = 0;
  uint64_t length = 0;
  int64_t min_ts = 0, max_ts = 0;
  int64_t entries = 0;
  int64_t line_bytes = 0;
};

void EncodeChunkHeader(const ChunkHeader& h, std::string* out);
// One whole chunk of `blocks` (in order): fills *h (metas, min/max ts, totals; 0/0 when empty) and
// returns header + block bytes, ready to append to a segment file.
std::string EncodeChunk(uint64_t fingerprint, const std::vector<BlockPtr>& blocks, ChunkHeader* h);
// Parses the fixed part; sets *nblocks so the caller can read the metas.
Status DecodeChunkFixed(std::string_view in, ChunkHeader* h, uint32_t* nblocks);
// Parses fixed part + metas + CRC (in must hold EncodedSize() bytes).
Status DecodeChunkHeader(std::string_view in, ChunkHeader* h);

}  // namespace skald::chunk
