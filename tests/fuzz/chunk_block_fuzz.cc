// FUZZ_LINK: skald_store_chunk
// libFuzzer target for chunk bytes read from disk or a restored snapshot: the chunk header, then
// every block through its codec (full and sizes-only decode). Anything must decode or fail with a
// Status; a block that decodes must agree with its own meta. The first input byte also picks a
// codec to feed the rest to the raw decompressors directly (the bounded prefix readers included).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "store/chunk/block.h"
#include "store/chunk/block_codec.h"
#include "store/chunk/chunk_format.h"
#include "store/fs/crc32c.h"

using namespace skald::chunk;

namespace {

void Blocks(std::string_view in) {
  ChunkHeader h;
  if (!DecodeChunkHeader(in, &h).ok()) return;
  size_t off = h.EncodedSize();
  for (const BlockMeta& m : h.blocks) {
    if (off > in.size() || m.comp_len > in.size() - off) return;
    std::string_view comp = in.substr(off, m.comp_len);
    off += m.comp_len;
    if (m.raw_len > (1u << 24)) continue;   // a real block is ≤ chunk_block_size; keep memory bounded
    DecodedBlock d;
    if (d.Decode(m, comp).ok() && d.size() != m.entries) std::abort();
    BlockSizes sz;
    if (DecodeBlockSizes(m, comp, &sz).ok() && sz.ts.size() != m.entries) std::abort();
  }
}

// The same bytes with every block CRC and the header CRC made right, so that mutations reach the
// codecs and the block parser instead of stopping at a checksum.
std::string WithFixedCrcs(std::string_view in) {
  std::string b(in);
  ChunkHeader h;
  uint32_t n = 0;
  if (!DecodeChunkFixed(b, &h, &n).ok()) return b;
  const size_t metas = kChunkFixedSize, need = kChunkFixedSize + size_t{n} * kBlockMetaSize + 4;
  if (b.size() < need) return b;
  size_t off = need;
  for (uint32_t i = 0; i < n; ++i) {
    char* m = b.data() + metas + size_t{i} * kBlockMetaSize;
    uint32_t comp_len;
    std::memcpy(&comp_len, m, 4);
    if (off > b.size() || comp_len > b.size() - off) break;
    uint32_t crc = skald::fs::Crc32cExtend(0, b.data() + off, comp_len);
    std::memcpy(m + 12, &crc, 4);
    off += comp_len;
  }
  uint32_t crc = skald::fs::Crc32cExtend(0, b.data(), need - 4);
  std::memcpy(b.data() + need - 4, &crc, 4);
  return b;
}

void Raw(std::string_view in) {
  if (in.size() < 3) return;
  const Codec c = static_cast<Codec>(static_cast<uint8_t>(in[0]) % (kMaxCodec + 1));
  const size_t raw_len = (static_cast<uint8_t>(in[1]) << 8 | static_cast<uint8_t>(in[2])) * 4;
  std::string_view comp = in.substr(3);
  std::string out(raw_len + 1, '\x7f');
  (void)Decompress(c, comp, raw_len, out.data());
  auto got = DecompressPrefix(c, comp, raw_len, raw_len / 3, out.data());
  if (got.ok() && *got > raw_len / 3) std::abort();
  if (out[raw_len] != '\x7f') std::abort();   // wrote past the room it was given
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Blocks(in);
  Blocks(WithFixedCrcs(in));
  Raw(in);
  return 0;
}
