// PushBatch: stream lookup, entry chaining, and the protobuf wire encoding of PushRequest /
// StreamAdapter / EntryAdapter / Timestamp (sizes computed first, then one pass of raw writes).
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

uint32_t PushBatch::StreamFor(uint64_t hash, std::string_view labels) {
  for (;; ++hash) {  // linear probing over hash values: a 64-bit collision takes the next one
    auto [it, inserted] = index_.try_emplace(hash, static_cast<uint32_t>(streams_.size()));
    if (inserted) {
      streams_.push_back({std::string(labels)});
      return it->second;
    }
    if (streams_[it->second].labels == labels) return it->second;
  }
}

void PushBatch::Append(uint32_t s, int64_t ts_ns, std::string_view line, const std::vector<Label>* metadata) {
  Entry e{ts_ns, arena_.size(), static_cast<uint32_t>(line.size()), 0, kNone};
  arena_.append(line);
  if (metadata != nullptr && !metadata->empty()) e.meta_len = AppendMetadataRecords(*metadata, &arena_);
  const uint32_t idx = static_cast<uint32_t>(entries_.size());
  entries_.push_back(e);
  Stream& st = streams_[s];
  if (st.last == kNone) st.first = idx;
  else entries_[st.last].next = idx;
  st.last = idx;
}

size_t PushBatch::StreamBodyLen(const Stream& s) const {
  size_t body = 1 + VarintLen(s.labels.size()) + s.labels.size();
  for (uint32_t i = s.first; i != kNone; i = entries_[i].next) {
    const Entry& e = entries_[i];
    const size_t el = EntryLen(Split(e.ts_ns), e.len, e.meta_len);
    body += 1 + VarintLen(el) + el;
  }
  return body;
}

void PushBatch::Encode(std::string* out) const {
  std::vector<size_t> bodies;
  bodies.reserve(streams_.size());
  size_t total = 0;
  for (const Stream& s : streams_) {
    bodies.push_back(StreamBodyLen(s));
    total += 1 + VarintLen(bodies.back()) + bodies.back();
  }
  out->resize(total);
  char* p = out->data();
  for (size_t k = 0; k < streams_.size(); ++k) {
    const Stream& s = streams_[k];
    p = WTag(p, 1, 2);
    p = WVarint(p, bodies[k]);
    p = WTag(p, 1, 2);
    p = WVarint(p, s.labels.size());
    p = WBytes(p, s.labels.data(), s.labels.size());
    for (uint32_t i = s.first; i != kNone; i = entries_[i].next) {
      const Entry& e = entries_[i];
      const TsParts t = Split(e.ts_ns);
      p = WTag(p, 2, 2);
      p = WVarint(p, EntryLen(t, e.len, e.meta_len));
      p = WTag(p, 1, 2);
      p = WVarint(p, TimestampLen(t));
      if (t.secs != 0) { p = WTag(p, 1, 0); p = WVarint(p, static_cast<uint64_t>(t.secs)); }
      if (t.nanos != 0) { p = WTag(p, 2, 0); p = WVarint(p, static_cast<uint64_t>(t.nanos)); }
      if (e.len > 0) {
        p = WTag(p, 2, 2);
        p = WVarint(p, e.len);
        p = WBytes(p, arena_.data() + e.off, e.len);
      }
      p = WBytes(p, arena_.data() + e.off + e.len, e.meta_len);
    }
  }
}

}  // namespace skald::client
