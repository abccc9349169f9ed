// Protobuf wire encoding of PushRequest / StreamAdapter / EntryAdapter / Timestamp.
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
size_t EntryLen(const EncEntry& e) {
  size_t tl = TimestampLen(Split(e.ts_ns));
  size_t n = 1 + VarintLen(tl) + tl;
  if (e.len > 0) n += 1 + VarintLen(e.len) + e.len;
  return n + e.meta_len;
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

void EncodePushRequest(const std::vector<const EncStream*>& streams, std::string* out) {
  out->clear();
  for (const EncStream* s : streams) {
    size_t body = 1 + VarintLen(s->labels.size()) + s->labels.size();
    for (const EncEntry& e : s->entries) {
      size_t el = EntryLen(e);
      body += 1 + VarintLen(el) + el;
    }
    out->reserve(out->size() + body + 8);
    PutTag(out, 1, 2);
    PutVarint(out, body);
    PutTag(out, 1, 2);
    PutVarint(out, s->labels.size());
    out->append(s->labels);
    for (const EncEntry& e : s->entries) {
      PutTag(out, 2, 2);
      PutVarint(out, EntryLen(e));
      TsParts t = Split(e.ts_ns);
      PutTag(out, 1, 2);
      PutVarint(out, TimestampLen(t));
      if (t.secs != 0) { PutTag(out, 1, 0); PutVarint(out, static_cast<uint64_t>(t.secs)); }
      if (t.nanos != 0) { PutTag(out, 2, 0); PutVarint(out, static_cast<uint64_t>(t.nanos)); }
      if (e.len > 0) {
        PutTag(out, 2, 2);
        PutVarint(out, e.len);
        out->append(s->arena.data() + e.off, e.len);
      }
      if (e.meta_len > 0) out->append(s->arena.data() + e.off + e.len, e.meta_len);
    }
  }
}

}  // namespace skald::client
