// Chunk rewrite helpers for the compactor: read a chunk's blocks as-is (for copying), decode its
// entries (for merging or line deletion), and cut sorted entries back into lz4hc blocks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/labels.h"
#include "common/status.h"
#include "store/chunk/block.h"
#include "store/chunk/chunk_files.h"

namespace skald::compactor {

struct OwnedEntry {
  int64_t ts_ns = 0;
  std::string line;
  std::vector<Label> metadata;
};

// The chunk's compressed blocks with their metas, CRC-checked, without decompressing.
Result<std::vector<chunk::BlockPtr>> ReadBlocks(const chunk::ChunkFiles& files, const chunk::ChunkRef& ref);
// Every entry of the chunk, appended to *out in block order (blocks may overlap in time).
Status ReadEntries(const chunk::ChunkFiles& files, const chunk::ChunkRef& ref, std::vector<OwnedEntry>* out);
// Stable-sorts by timestamp and cuts blocks of about `block_size` raw bytes at lz4hc `level`.
std::vector<chunk::BlockPtr> BuildBlocks(std::vector<OwnedEntry>* entries, int64_t block_size,
                                         const chunk::BlockEncoding& enc);

}  // namespace skald::compactor
