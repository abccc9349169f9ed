// Block encoding: [n][ts deltas][line lengths][metadata count + (index, labels)*][lines...], then
// a codec of block_codec.h (lz4 by default). Decoding checks the CRC first, then every length against the buffer.
#include "store/chunk/block.h"

#include <algorithm>

#include "store/fs/coding.h"
#include "store/fs/crc32c.h"

namespace skald::chunk {

using namespace skald::fs;

namespace {

// Encodes into `out` (a reused scratch buffer); returns where the lines start.
size_t EncodeRaw(const std::vector<EntryRef>& es, uint64_t* line_bytes, std::string& out) {
  out.clear();
  size_t total = 0;
  for (const auto& e : es) total += e.line.size();
  out.reserve(total + es.size() * 6 + 16);
  PutVarint(out, es.size());
  int64_t prev = es.empty() ? 0 : es.front().ts_ns;
  if (!es.empty()) PutSignedVarint(out, prev);
  for (size_t i = 1; i < es.size(); ++i) {
    PutSignedVarint(out, WrappingSub(es[i].ts_ns, prev));
    prev = es[i].ts_ns;
  }
  for (const auto& e : es) PutVarint(out, e.line.size());
  size_t with_meta = 0;
  for (const auto& e : es) with_meta += (e.metadata != nullptr && !e.metadata->empty());
  PutVarint(out, with_meta);
  for (size_t i = 0; i < es.size(); ++i) {
    if (es[i].metadata == nullptr || es[i].metadata->empty()) continue;
    PutVarint(out, i);
    PutVarint(out, es[i].metadata->size());
    for (const auto& l : *es[i].metadata) {
      PutLengthPrefixed(out, l.name);
      PutLengthPrefixed(out, l.value);
    }
  }
  const size_t columns = out.size();
  for (const auto& e : es) out.append(e.line);
  *line_bytes = total;
  return columns;
}

}  // namespace

BlockPtr BuildBlock(const std::vector<EntryRef>& entries, const BlockEncoding& enc) {
  // Per-thread scratch: no large allocation per block besides the exact-size result.
  thread_local std::string raw, out;
  auto b = std::make_shared<CompressedBlock>();
  const size_t columns = EncodeRaw(entries, &b->meta.line_bytes, raw);
  Compress(enc, raw, columns, &out);
  const size_t n = out.size();
  b->data.assign(out.data(), n);
  b->meta.codec = enc.codec;
  b->meta.entries = static_cast<uint32_t>(entries.size());
  b->meta.raw_len = static_cast<uint32_t>(raw.size());
  b->meta.comp_len = static_cast<uint32_t>(n);
  b->meta.crc = Crc32c(b->data);
  b->meta.metadata = false;
  for (const auto& e : entries) b->meta.metadata = b->meta.metadata || (e.metadata != nullptr && !e.metadata->empty());
  b->meta.min_ts = entries.empty() ? 0 : entries.front().ts_ns;
  b->meta.max_ts = entries.empty() ? 0 : entries.back().ts_ns;
  for (const auto& e : entries) {
    b->meta.min_ts = std::min(b->meta.min_ts, e.ts_ns);
    b->meta.max_ts = std::max(b->meta.max_ts, e.ts_ns);
  }
  return b;
}

Status DecodedBlock::Decode(const BlockMeta& meta, std::string_view comp) {
  if (comp.size() != meta.comp_len || Crc32c(comp) != meta.crc)
    return Status::Corruption("chunk block: crc mismatch");
  raw_.resize(meta.raw_len);
  SKALD_RETURN_IF_ERROR(Decompress(meta.codec, comp, meta.raw_len, raw_.data()));
  SKALD_RETURN_IF_ERROR(Parse());
  // Counting queries take a whole block's count from its meta: the two must agree.
  if (size() != meta.entries) return Status::Corruption("chunk block: bad count");
  return Status::Ok();
}

Status DecodeBlockSizes(const BlockMeta& meta, std::string_view comp, BlockSizes* out) {
  if (comp.size() != meta.comp_len || Crc32c(comp) != meta.crc)
    return Status::Corruption("chunk block: crc mismatch");
  // count ≤ 10 bytes, each zigzag ts ≤ 10, each length ≤ 5, the metadata count ≤ 10.
  const uint64_t bound = std::min<uint64_t>(meta.raw_len, 20 + 15ULL * meta.entries);
  thread_local std::string raw;
  if (raw.size() < bound) raw.resize(bound);
  auto got = DecompressPrefix(meta.codec, comp, meta.raw_len, bound, raw.data());
  if (!got.ok()) return got.status();
  std::string_view in(raw.data(), *got);
  uint64_t n, v;
  if (!GetVarint(in, &n) || n != meta.entries) return Status::Corruption("chunk block: bad count");
  out->ts.resize(n);
  out->len.resize(n);
  int64_t prev = 0;
  for (size_t i = 0; i < n; ++i) {
    int64_t d;
    if (!GetSignedVarint(in, &d)) return Status::Corruption("chunk block: bad timestamps");
    out->ts[i] = prev = WrappingAdd(prev, d);
  }
  for (size_t i = 0; i < n; ++i) {
    if (!GetVarint(in, &v)) return Status::Corruption("chunk block: bad lengths");
    out->len[i] = static_cast<uint32_t>(v);
  }
  if (!GetVarint(in, &v) || v > n) return Status::Corruption("chunk block: bad metadata count");
  out->metadata = v > 0;
  return Status::Ok();
}

Status DecodedBlock::Parse() {
  std::string_view in(raw_);
  uint64_t n, v;
  if (!GetVarint(in, &n) || n > in.size()) return Status::Corruption("chunk block: bad count");
  ts_.resize(n);
  off_.resize(n);
  len_.resize(n);
  int64_t prev = 0;
  for (size_t i = 0; i < n; ++i) {
    int64_t d;
    if (!GetSignedVarint(in, &d)) return Status::Corruption("chunk block: bad timestamps");
    prev = WrappingAdd(prev, d);
    ts_[i] = prev;
  }
  uint64_t total = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!GetVarint(in, &v)) return Status::Corruption("chunk block: bad lengths");
    len_[i] = static_cast<uint32_t>(v);
    total += v;
  }
  if (!GetVarint(in, &v) || v > n) return Status::Corruption("chunk block: bad metadata count");
  meta_.resize(v);
  for (auto& [idx, ls] : meta_) {
    uint64_t i, k;
    if (!GetVarint(in, &i) || i >= n || !GetVarint(in, &k) || k > in.size()) return Status::Corruption("chunk block: bad metadata");
    idx = static_cast<uint32_t>(i);
    ls.resize(k);
    for (auto& l : ls) {
      std::string_view a, b;
      if (!GetLengthPrefixed(in, &a) || !GetLengthPrefixed(in, &b)) return Status::Corruption("chunk block: bad metadata");
      l = Label{std::string(a), std::string(b)};
    }
  }
  if (total != in.size()) return Status::Corruption("chunk block: line bytes do not add up");
  size_t off = static_cast<size_t>(in.data() - raw_.data());
  for (size_t i = 0; i < n; ++i) {
    off_[i] = static_cast<uint32_t>(off);
    off += len_[i];
  }
  return Status::Ok();
}

const std::vector<Label>* DecodedBlock::metadata(size_t i) const {
  if (meta_.empty()) return nullptr;
  auto it = std::lower_bound(meta_.begin(), meta_.end(), static_cast<uint32_t>(i),
                             [](const auto& p, uint32_t k) { return p.first < k; });
  return it != meta_.end() && it->first == i ? &it->second : nullptr;
}

}  // namespace skald::chunk
