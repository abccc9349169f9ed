// Block compression codecs (see block_codec.h): liblz4, libzstd, snappy and zlib behind one
// interface; per-thread compression contexts so sealing a block allocates nothing but its result.
#include "store/chunk/block_codec.h"

#include <lz4.h>
#include <lz4hc.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>

namespace skald::chunk {

namespace {

Status DecodeFailed(Codec c) { return Status::Corruption(std::string("chunk block: ") + CodecName(c) + " decode failed"); }

void CompressLz4(int level, std::string_view raw, std::string* out) {
  thread_local std::unique_ptr<char[]> hc_state;
  int bound = LZ4_compressBound(static_cast<int>(raw.size()));
  out->resize(static_cast<size_t>(bound));
  int n;
  if (level <= 0) {
    n = LZ4_compress_default(raw.data(), out->data(), static_cast<int>(raw.size()), bound);
  } else {
    if (!hc_state) hc_state.reset(new char[static_cast<size_t>(LZ4_sizeofStateHC())]);
    n = LZ4_compress_HC_extStateHC(hc_state.get(), raw.data(), out->data(), static_cast<int>(raw.size()), bound,
                                   level);
  }
  out->resize(static_cast<size_t>(n));
}

struct ZstdCtx {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_DCtx* d = ZSTD_createDCtx();
  ~ZstdCtx() {
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
  }
};
ZstdCtx& Zstd() {
  thread_local ZstdCtx ctx;
  return ctx;
}

// Two frames when a prefix is given: the prefix alone, then the rest (ZSTD_decompress reads
// concatenated frames as one stream).
void CompressZstd(int level, std::string_view raw, size_t prefix, std::string* out) {
  if (prefix >= raw.size()) prefix = 0;
  out->resize(ZSTD_compressBound(prefix) + ZSTD_compressBound(raw.size() - prefix));
  size_t at = 0;
  auto frame = [&](std::string_view part) {
    size_t n = ZSTD_compressCCtx(Zstd().c, out->data() + at, out->size() - at, part.data(), part.size(),
                                 level <= 0 ? 1 : level);
    at += ZSTD_isError(n) ? 0 : n;   // cannot fail with bound-sized room
  };
  if (prefix > 0) frame(raw.substr(0, prefix));
  frame(raw.substr(prefix));
  out->resize(at);
}

void CompressGzip(int level, std::string_view raw, std::string* out) {
  uLongf n = compressBound(static_cast<uLong>(raw.size()));
  out->resize(n);
  int rc = compress2(reinterpret_cast<Bytef*>(out->data()), &n, reinterpret_cast<const Bytef*>(raw.data()),
                     static_cast<uLong>(raw.size()), level <= 0 ? 6 : std::min(level, 9));
  out->resize(rc == Z_OK ? n : 0);
}

// Inflates a zlib stream into out[0, cap); returns the bytes produced, or -1 on corrupt input.
int64_t InflateUpTo(std::string_view comp, char* out, size_t cap) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return -1;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(comp.data()));
  zs.avail_in = static_cast<uInt>(comp.size());
  zs.next_out = reinterpret_cast<Bytef*>(out);
  zs.avail_out = static_cast<uInt>(cap);
  int rc = inflate(&zs, Z_FINISH);
  int64_t got = static_cast<int64_t>(cap - zs.avail_out);
  inflateEnd(&zs);
  if (rc != Z_STREAM_END && rc != Z_OK && !(rc == Z_BUF_ERROR && zs.avail_out == 0)) return -1;
  return got;
}

// zstd streaming decode that stops once `cap` bytes are out or the first frame ends; -1 on corrupt
// input.
int64_t ZstdUpTo(std::string_view comp, char* out, size_t cap) {
  ZSTD_DCtx* d = Zstd().d;
  ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
  ZSTD_inBuffer in{comp.data(), comp.size(), 0};
  ZSTD_outBuffer o{out, cap, 0};
  while (o.pos < o.size) {
    size_t rc = ZSTD_decompressStream(d, &o, &in);
    if (ZSTD_isError(rc)) return -1;
    if (rc == 0) break;                                     // frame complete
    if (in.pos == in.size && o.pos < o.size) return -1;     // truncated
  }
  return static_cast<int64_t>(o.pos);
}

}  // namespace

const char* CodecName(Codec c) {
  switch (c) {
    case Codec::kLz4: return "lz4";
    case Codec::kZstd: return "zstd";
    case Codec::kSnappy: return "snappy";
    case Codec::kNone: return "none";
    case Codec::kGzip: return "gzip";
  }
  return "unknown";
}

Result<BlockEncoding> ParseChunkEncoding(std::string_view name) {
  if (name == "lz4" || name == "lz4-64k" || name == "lz4-256k" || name == "lz4-1M" || name == "lz4-4M")
    return BlockEncoding{Codec::kLz4, 3};
  if (name == "zstd") return BlockEncoding{Codec::kZstd, 1};
  if (name == "snappy") return BlockEncoding{Codec::kSnappy, 0};
  if (name == "gzip" || name == "flate") return BlockEncoding{Codec::kGzip, 6};
  if (name == "none") return BlockEncoding{Codec::kNone, 0};
  return Status::Invalid("invalid encoding: " + std::string(name) +
                         ", supported: none, gzip, lz4-64k, snappy, lz4-256k, lz4-1M, lz4, flate, zstd");
}

void Compress(const BlockEncoding& enc, std::string_view raw, size_t prefix, std::string* out) {
  switch (enc.codec) {
    case Codec::kLz4: return CompressLz4(enc.level, raw, out);
    case Codec::kZstd: return CompressZstd(enc.level, raw, prefix, out);
    case Codec::kGzip: return CompressGzip(enc.level, raw, out);
    case Codec::kSnappy: {
      out->resize(snappy::MaxCompressedLength(raw.size()));
      size_t n = 0;
      snappy::RawCompress(raw.data(), raw.size(), out->data(), &n);
      out->resize(n);
      return;
    }
    case Codec::kNone: out->assign(raw); return;
  }
}

Status Decompress(Codec c, std::string_view comp, size_t raw_len, char* out) {
  if (raw_len > static_cast<size_t>(std::numeric_limits<int>::max())) return DecodeFailed(c);
  bool ok = false;
  switch (c) {
    case Codec::kLz4:
      ok = LZ4_decompress_safe(comp.data(), out, static_cast<int>(comp.size()), static_cast<int>(raw_len)) ==
           static_cast<int>(raw_len);
      break;
    case Codec::kZstd: {
      size_t n = ZSTD_decompressDCtx(Zstd().d, out, raw_len, comp.data(), comp.size());
      ok = !ZSTD_isError(n) && n == raw_len;
      break;
    }
    case Codec::kSnappy: {
      size_t n = 0;
      ok = snappy::GetUncompressedLength(comp.data(), comp.size(), &n) && n == raw_len &&
           snappy::RawUncompress(comp.data(), comp.size(), out);
      break;
    }
    case Codec::kGzip: {
      uLongf n = static_cast<uLongf>(raw_len);
      ok = uncompress(reinterpret_cast<Bytef*>(out), &n, reinterpret_cast<const Bytef*>(comp.data()),
                      static_cast<uLong>(comp.size())) == Z_OK && n == raw_len;
      break;
    }
    case Codec::kNone:
      ok = comp.size() == raw_len;
      if (ok && raw_len > 0) std::memcpy(out, comp.data(), raw_len);
      break;
  }
  return ok ? Status::Ok() : DecodeFailed(c);
}

Result<size_t> DecompressPrefix(Codec c, std::string_view comp, size_t raw_len, size_t want, char* out) {
  want = std::min(want, raw_len);
  if (raw_len > static_cast<size_t>(std::numeric_limits<int>::max())) return DecodeFailed(c);
  int64_t got = -1;
  switch (c) {
    case Codec::kLz4:
      got = LZ4_decompress_safe_partial(comp.data(), out, static_cast<int>(comp.size()), static_cast<int>(want),
                                        static_cast<int>(want));
      break;
    case Codec::kZstd: got = ZstdUpTo(comp, out, want); break;
    case Codec::kGzip: got = InflateUpTo(comp, out, want); break;
    case Codec::kSnappy: {
      thread_local std::string whole;
      if (whole.size() < raw_len) whole.resize(raw_len);
      if (!Decompress(c, comp, raw_len, whole.data()).ok()) return DecodeFailed(c);
      std::memcpy(out, whole.data(), want);
      got = static_cast<int64_t>(want);
      break;
    }
    case Codec::kNone:
      got = static_cast<int64_t>(std::min(want, comp.size()));
      if (got > 0) std::memcpy(out, comp.data(), static_cast<size_t>(got));
      break;
  }
  if (got < 0) return DecodeFailed(c);
  return static_cast<size_t>(got);
}

}  // namespace skald::chunk
