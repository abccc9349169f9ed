// Block codecs (ingester.chunk_encoding): every codec round-trips blocks and their size prefix,
// chunk headers carry the codec (version 1 for lz4, 2 otherwise), and bad input is a Corruption.
#include <catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "store/chunk/block.h"
#include "store/chunk/block_codec.h"
#include "store/chunk/chunk_format.h"

using namespace skald;
using namespace skald::chunk;

namespace {

struct Owned {
  std::vector<std::string> lines;
  std::vector<std::vector<Label>> metas;
  std::vector<EntryRef> refs;
};

Owned MakeEntries(int n) {
  Owned o;
  o.lines.reserve(static_cast<size_t>(n));
  o.metas.resize(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    o.lines.push_back(i % 11 == 0 ? "" : "ts=2026-12-04 level=info msg=\"request " + std::to_string(i * 7919) + "\"");
    if (i % 9 == 0) o.metas[static_cast<size_t>(i)] = {{"trace_id", std::to_string(i)}};
  }
  for (int i = 0; i < n; ++i)
    o.refs.push_back({1000 + i * 13, o.lines[static_cast<size_t>(i)], &o.metas[static_cast<size_t>(i)]});
  return o;
}

const std::vector<BlockEncoding> kAll = {{Codec::kLz4, 0}, {Codec::kLz4, 3}, {Codec::kZstd, 1}, {Codec::kZstd, 3},
                                         {Codec::kSnappy, 0}, {Codec::kGzip, 6}, {Codec::kNone, 0}};

}  // namespace

TEST_CASE("block codec: Loki's chunk_encoding names", "[chunk]") {
  CHECK(ParseChunkEncoding("lz4")->codec == Codec::kLz4);
  CHECK(ParseChunkEncoding("lz4-256k")->codec == Codec::kLz4);
  CHECK(ParseChunkEncoding("lz4-1M")->codec == Codec::kLz4);
  CHECK(ParseChunkEncoding("zstd")->codec == Codec::kZstd);
  CHECK(ParseChunkEncoding("snappy")->codec == Codec::kSnappy);
  CHECK(ParseChunkEncoding("gzip")->codec == Codec::kGzip);
  CHECK(ParseChunkEncoding("flate")->codec == Codec::kGzip);
  CHECK(ParseChunkEncoding("none")->codec == Codec::kNone);
  auto bad = ParseChunkEncoding("brotli");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("supported: none, gzip") != std::string::npos);
}

TEST_CASE("block codec: every codec round-trips a block and its size prefix", "[chunk]") {
  Owned o = MakeEntries(2000);
  for (const auto& enc : kAll) {
    INFO(CodecName(enc.codec) << " level " << enc.level);
    BlockPtr b = BuildBlock(o.refs, enc);
    CHECK(b->meta.codec == enc.codec);
    if (enc.codec != Codec::kNone) CHECK(b->meta.comp_len < b->meta.raw_len / 2);
    DecodedBlock d;
    REQUIRE(d.Decode(b->meta, b->data).ok());
    REQUIRE(d.size() == o.refs.size());
    for (size_t i = 0; i < d.size(); ++i) {
      CHECK(d.ts(i) == o.refs[i].ts_ns);
      CHECK(d.line(i) == o.refs[i].line);
    }
    BlockSizes sz;
    REQUIRE(DecodeBlockSizes(b->meta, b->data, &sz).ok());
    REQUIRE(sz.ts.size() == o.refs.size());
    for (size_t i = 0; i < sz.ts.size(); ++i) {
      CHECK(sz.ts[i] == o.refs[i].ts_ns);
      CHECK(sz.len[i] == o.refs[i].line.size());
    }
    CHECK(sz.metadata);
  }
}

TEST_CASE("block codec: a block decoded with the wrong codec or truncated is a Corruption", "[chunk][corruption]") {
  Owned o = MakeEntries(300);
  for (const auto& enc : kAll) {
    INFO(CodecName(enc.codec));
    BlockPtr b = BuildBlock(o.refs, enc);
    std::string raw(b->meta.raw_len, '\0');
    std::string cut = b->data.substr(0, b->data.size() / 2);
    CHECK(Decompress(enc.codec, cut, raw.size(), raw.data()).code() == Code::kCorruption);
    Codec other = enc.codec == Codec::kZstd ? Codec::kGzip : Codec::kZstd;
    CHECK_FALSE(Decompress(other, b->data, raw.size(), raw.data()).ok());
    CHECK_FALSE(Decompress(enc.codec, b->data, raw.size() + 1, raw.data()).ok());
  }
}

TEST_CASE("block codec: chunk headers carry the codec, lz4 stays version 1", "[chunk]") {
  Owned o = MakeEntries(100);
  for (const auto& enc : kAll) {
    INFO(CodecName(enc.codec));
    std::vector<BlockPtr> blocks{BuildBlock(o.refs, enc), BuildBlock(o.refs, enc)};
    ChunkHeader h;
    std::string bytes = EncodeChunk(42, blocks, &h);
    uint16_t version = 0;
    std::memcpy(&version, bytes.data() + 4, 2);
    CHECK(version == (enc.codec == Codec::kLz4 ? 1 : 2));
    ChunkHeader back;
    REQUIRE(DecodeChunkHeader(bytes, &back).ok());
    CHECK(back.codec == enc.codec);
    REQUIRE(back.blocks.size() == 2);
    CHECK(back.blocks[1].codec == enc.codec);
    DecodedBlock d;
    std::string_view second(bytes.data() + h.EncodedSize() + back.blocks[0].comp_len, back.blocks[1].comp_len);
    REQUIRE(d.Decode(back.blocks[1], second).ok());
    CHECK(d.size() == o.refs.size());
  }
}

TEST_CASE("block codec: an unknown codec id in a version 2 header is refused", "[chunk][corruption]") {
  Owned o = MakeEntries(10);
  ChunkHeader h;
  std::string bytes = EncodeChunk(1, {BuildBlock(o.refs, BlockEncoding{Codec::kZstd, 1})}, &h);
  h.codec = static_cast<Codec>(9);
  std::string hdr;
  EncodeChunkHeader(h, &hdr);   // recomputes the header CRC around the bad id
  ChunkHeader back;
  Status st = DecodeChunkHeader(hdr, &back);
  CHECK(st.code() == Code::kCorruption);
  CHECK(st.message().find("unknown codec 9") != std::string::npos);
}

TEST_CASE("block codec: blocks of mixed codecs in one chunk are recoded to the first one's", "[chunk]") {
  Owned o = MakeEntries(200);
  std::vector<BlockPtr> blocks{BuildBlock(o.refs, BlockEncoding{Codec::kZstd, 1}), BuildBlock(o.refs, 3)};
  ChunkHeader h;
  std::string bytes = EncodeChunk(7, blocks, &h);
  ChunkHeader back;
  REQUIRE(DecodeChunkHeader(bytes, &back).ok());
  CHECK(back.codec == Codec::kZstd);
  size_t off = h.EncodedSize();
  for (const auto& m : back.blocks) {
    DecodedBlock d;
    REQUIRE(d.Decode(m, std::string_view(bytes).substr(off, m.comp_len)).ok());
    CHECK(d.size() == o.refs.size());
    off += m.comp_len;
  }
  CHECK(off == bytes.size());
}

TEST_CASE("block codec: zstd reads a block's columns without decoding its lines", "[chunk]") {
  Owned o = MakeEntries(1000);
  BlockPtr b = BuildBlock(o.refs, BlockEncoding{Codec::kZstd, 1});
  std::string front(b->meta.raw_len, '\0');
  auto got = DecompressPrefix(Codec::kZstd, b->data, b->meta.raw_len, b->meta.raw_len, front.data());
  REQUIRE(got.ok());
  // The first frame holds the count, timestamps, lengths and metadata: far less than the lines.
  CHECK(*got < b->meta.raw_len - b->meta.line_bytes + 1);
  CHECK(*got > 1000u);
  std::string whole(b->meta.raw_len, '\0');
  REQUIRE(Decompress(Codec::kZstd, b->data, whole.size(), whole.data()).ok());
  CHECK(whole.compare(0, *got, front, 0, *got) == 0);
  CHECK(whole.compare(whole.size() - o.lines.back().size(), std::string::npos, o.lines.back()) == 0);
}

// Found by fuzz_chunk_block: timestamp deltas past int64 were undefined behaviour; they wrap now.
TEST_CASE("block codec: extreme timestamps round-trip", "[chunk]") {
  std::vector<std::string> lines{"a", "b", "c"};
  std::vector<EntryRef> refs{{INT64_MIN, lines[0], nullptr}, {0, lines[1], nullptr}, {INT64_MAX, lines[2], nullptr}};
  for (const auto& enc : kAll) {
    BlockPtr b = BuildBlock(refs, enc);
    DecodedBlock d;
    REQUIRE(d.Decode(b->meta, b->data).ok());
    REQUIRE(d.size() == 3);
    CHECK(d.ts(0) == INT64_MIN);
    CHECK(d.ts(2) == INT64_MAX);
    BlockSizes sz;
    REQUIRE(DecodeBlockSizes(b->meta, b->data, &sz).ok());
    CHECK(sz.ts == std::vector<int64_t>{INT64_MIN, 0, INT64_MAX});
  }
}
