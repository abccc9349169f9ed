// Block compression codecs: the compressor behind Loki's `ingester.chunk_encoding` key (lz4, zstd,
// snappy, gzip/flate, none) for chunk blocks, one place for compressing, decompressing and the
// prefix-only decompression that counting queries use.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace skald::chunk {

// Stored in the chunk header (FORMAT.md); values never change meaning.
enum class Codec : uint8_t { kLz4 = 0, kZstd = 1, kSnappy = 2, kNone = 3, kGzip = 4 };
constexpr uint8_t kMaxCodec = 4;

// How blocks are compressed. `level`: lz4 0 = fast, 1..12 = lz4hc; zstd 1..19 (0 = 1);
// gzip 1..9 (0 = 6); ignored by snappy and none.
struct BlockEncoding {
  Codec codec = Codec::kLz4;
  int level = 3;
};

// Loki's chunk_encoding names: lz4 (and lz4-64k/-256k/-1M/-4M: Skald's block size is
// chunk_block_size), zstd, snappy, gzip, flate, none. The default level of each codec is Skald's.
Result<BlockEncoding> ParseChunkEncoding(std::string_view name);
const char* CodecName(Codec c);

// Compresses `raw` into `out` (replacing its content). `prefix` (0 = none) is the length of the
// front that DecompressPrefix callers read alone (a block's timestamp and length columns): zstd
// compresses it as a frame of its own so that reading it never decodes the lines.
void Compress(const BlockEncoding& enc, std::string_view raw, size_t prefix, std::string* out);
inline void Compress(const BlockEncoding& enc, std::string_view raw, std::string* out) { Compress(enc, raw, 0, out); }
// Decompresses a block of exactly `raw_len` bytes into out[0, raw_len).
Status Decompress(Codec c, std::string_view comp, size_t raw_len, char* out);
// Decompresses at most `want` bytes of the block's front into out[0, want); returns how many it
// produced: fewer when the block is shorter, and for zstd the first frame only (all of the
// `prefix` given to Compress, or `want` bytes of a one-frame block). Costs less than a whole
// decode for lz4, zstd and gzip; snappy and none decode or copy what is needed.
Result<size_t> DecompressPrefix(Codec c, std::string_view comp, size_t raw_len, size_t want, char* out);

}  // namespace skald::chunk
