// PushBatch: stream lookup, entry bookkeeping, and the protobuf wire encoding of PushRequest /
// StreamAdapter / EntryAdapter / Timestamp (sizes computed first, then one pass of raw writes in
// append order, each entry to its stream's place: the arena is read front to back).
#include "collector/client/push_encoder.h"

namespace skald::client {

namespace {
size_t VarintLen(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) { v >>= 7; ++n; }
  return n;
}
void PutVarint(std::string* o, uint64_t v) {
  while (v >= 0x80) { o->push_back(static_cast<char>(v | 0x80)); v >>= 7; }
  o->push_back(static_cast<char>(v));
}
void PutTag(std::string* o, int field, int wire) { o->push_back(static_cast<char>((field << 3) | wire)); }

// Raw writers for Encode, whose buffer is sized exactly beforehand.
char* WVarint(char* p, uint64_t v) {
  while (v >= 0x80) { *p++ = static_cast<char>(v | 0x80); v >>= 7; }
  *p++ = static_cast<char>(v);
  return p;
}
char* WTag(char* p, int field, int wire) {
  *p++ = static_cast<char>((field << 3) | wire);
  return p;
}
char* WBytes(char* p, const char* s, size_t n) {
  if (n > 0) __builtin_memcpy(p, s, n);
  return p + n;
}

struct TsParts { int64_t secs; int32_t nanos; };
TsParts Split(int64_t ns) {
  int64_t s = ns / 1000000000LL;
  int64_t n = ns % 1000000000LL;
  if (n < 0) { n += 1000000000LL; --s; }
  return {s, static_cast<int32_t>(n)};
}
size_t TimestampLen(TsParts t) {
  size_t n = 0;
  if (t.secs != 0) n += 1 + VarintLen(static_cast<uint64_t>(t.secs));
  if (t.nanos != 0) n += 1 + VarintLen(static_cast<uint64_t>(t.nanos));
  return n;
}
size_t EntryLen(TsParts t, uint32_t len, uint32_t meta_len) {
  size_t tl = TimestampLen(t);
  size_t n = 1 + VarintLen(tl) + tl;
  if (len > 0) n += 1 + VarintLen(len) + len;
  return n + meta_len;
}
}  // namespace

uint32_t AppendMetadataRecords(const std::vector<Label>& metadata, std::string* arena) {
  const size_t start = arena->size();
  for (const Label& l : metadata) {
    size_t pair = 1 + VarintLen(l.name.size()) + l.name.size() + 1 + VarintLen(l.value.size()) + l.value.size();
    PutTag(arena, 3, 2);
    PutVarint(arena, pair);
    PutTag(arena, 1, 2);
    PutVarint(arena, l.name.size());
    arena->append(l.name);
    PutTag(arena, 2, 2);
    PutVarint(arena, l.value.size());
    arena->append(l.value);
  }
  return static_cast<uint32_t>(arena->size() - start);
}

uint32_t PushBatch::StreamFor(uint64_t hash, const std::shared_ptr<const std::string>& labels) {
  for (;; ++hash) {  // linear probing over hash values: a 64-bit collision takes the next one
    if (const uint32_t* s = index_.Find(hash)) {
      const std::string& have = *streams_[*s].labels;
      if (&have == labels.get() || have == *labels) return *s;
      continue;
    }
    const auto s = static_cast<uint32_t>(streams_.size());
    index_.Insert(hash) = s;
    streams_.push_back({labels});
    return s;
  }
}

void PushBatch::Append(uint32_t s, int64_t ts_ns, std::string_view line, const std::vector<Label>* metadata) {
  Entry e{ts_ns, arena_.size(), static_cast<uint32_t>(line.size()), 0, s};
  arena_.append(line);
  if (metadata != nullptr && !metadata->empty()) e.meta_len = AppendMetadataRecords(*metadata, &arena_);
  entries_.push_back(e);
}

void PushBatch::Encode(std::string* out) const {
  // Sizes first: every stream's body, then where each stream's entries start in `out`.
  std::vector<size_t> pos(streams_.size());  // body lengths, then write positions
  for (size_t k = 0; k < streams_.size(); ++k) pos[k] = 1 + VarintLen(streams_[k].labels->size()) + streams_[k].labels->size();
  for (const Entry& e : entries_) {
    const size_t el = EntryLen(Split(e.ts_ns), e.len, e.meta_len);
    pos[e.stream] += 1 + VarintLen(el) + el;
  }
  size_t total = 0;
  for (size_t body : pos) total += 1 + VarintLen(body) + body;
  out->resize(total);
  char* const base = out->data();
  char* p = base;
  for (size_t k = 0; k < streams_.size(); ++k) {  // stream headers; pos becomes the entries' cursor
    const std::string& labels = *streams_[k].labels;
    p = WTag(p, 1, 2);
    p = WVarint(p, pos[k]);
    char* const body = p;
    p = WTag(p, 1, 2);
    p = WVarint(p, labels.size());
    p = WBytes(p, labels.data(), labels.size());
    const size_t body_len = pos[k];
    pos[k] = static_cast<size_t>(p - base);
    p = body + body_len;
  }
  for (const Entry& e : entries_) {  // append order: the arena is read sequentially
    char* q = base + pos[e.stream];
    const TsParts t = Split(e.ts_ns);
    q = WTag(q, 2, 2);
    q = WVarint(q, EntryLen(t, e.len, e.meta_len));
    q = WTag(q, 1, 2);
    q = WVarint(q, TimestampLen(t));
    if (t.secs != 0) { q = WTag(q, 1, 0); q = WVarint(q, static_cast<uint64_t>(t.secs)); }
    if (t.nanos != 0) { q = WTag(q, 2, 0); q = WVarint(q, static_cast<uint64_t>(t.nanos)); }
    if (e.len > 0) {
      q = WTag(q, 2, 2);
      q = WVarint(q, e.len);
      q = WBytes(q, arena_.data() + e.off, e.len);
    }
    q = WBytes(q, arena_.data() + e.off + e.len, e.meta_len);
    pos[e.stream] = static_cast<size_t>(q - base);
  }
}

}  // namespace skald::client
