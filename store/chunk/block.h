// A block: up to chunk_block_size raw bytes of one stream's entries, sorted by timestamp, encoded
// column-wise (timestamps, lengths, metadata, then the lines back to back) and compressed
// (block_codec.h: lz4 by default).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/labels.h"
#include "common/status.h"
#include "store/chunk/block_codec.h"

namespace skald::chunk {

struct EntryRef {
  int64_t ts_ns = 0;
  std::string_view line;
  const std::vector<Label>* metadata = nullptr;   // null or empty = none
};

// Per-block facts kept in the chunk header, in memory and in summaries.
struct BlockMeta {
  int64_t min_ts = 0, max_ts = 0;
  uint32_t entries = 0;
  uint32_t raw_len = 0;        // encoded, uncompressed size
  uint32_t comp_len = 0;
  uint32_t crc = 0;            // crc32c of the compressed bytes
  uint64_t line_bytes = 0;     // sum of line lengths (Loki's "bytes")
  bool metadata = true;        // some entry may carry structured metadata (false = known none)
  Codec codec = Codec::kLz4;   // how the block is compressed (one codec per chunk, in its header)
};

// An immutable compressed block; shared between the head, flushes and readers.
struct CompressedBlock {
  BlockMeta meta;
  std::string data;
};
using BlockPtr = std::shared_ptr<const CompressedBlock>;

// `entries` must be sorted by ts (stable: arrival order kept for equal timestamps).
BlockPtr BuildBlock(const std::vector<EntryRef>& entries, const BlockEncoding& enc);
// lz4: level 0 = lz4 fast; 1..12 = lz4hc level.
inline BlockPtr BuildBlock(const std::vector<EntryRef>& entries, int level) {
  return BuildBlock(entries, BlockEncoding{Codec::kLz4, level});
}

// Timestamps and line lengths of a block's entries, decoded without decompressing the lines (LZ4
// partial decompression of the block's front): what counting queries need. `metadata` is set when
// any entry carries structured metadata.
struct BlockSizes {
  std::vector<int64_t> ts;
  std::vector<uint32_t> len;
  bool metadata = false;
};
Status DecodeBlockSizes(const BlockMeta& meta, std::string_view compressed, BlockSizes* out);

// Decompresses and parses a block. Entries stay valid while the DecodedBlock lives.
class DecodedBlock {
 public:
  Status Decode(const BlockMeta& meta, std::string_view compressed);
  size_t size() const { return ts_.size(); }
  int64_t ts(size_t i) const { return ts_[i]; }
  std::string_view line(size_t i) const { return {raw_.data() + off_[i], len_[i]}; }
  const std::vector<Label>* metadata(size_t i) const;

 private:
  Status Parse();
  std::string raw_;
  std::vector<int64_t> ts_;
  std::vector<uint32_t> off_, len_;
  std::vector<std::pair<uint32_t, std::vector<Label>>> meta_;   // sorted by entry index
};

}  // namespace skald::chunk
