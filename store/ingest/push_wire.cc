// DecodePushWire (see push_wire.h): one pass over the bytes, one allocation per line (its string)
// and none for protobuf objects. libprotobuf's arena parse cost a fifth of the push CPU (#19).
#include "store/ingest/push_wire.h"

#include <simdjson.h>

#include <cstdint>
#include <limits>

namespace skald::ingest {
namespace {

enum WireType : uint32_t { kVarint = 0, kLen = 2 };

// A bounded reader over a message's bytes. Every method returns false on malformed input.
class Reader {
 public:
  explicit Reader(std::string_view b) : p_(b.data()), end_(b.data() + b.size()) {}
  bool done() const { return p_ == end_; }

  bool Varint(uint64_t* v) {
    uint64_t r = 0;
    for (int shift = 0; shift < 64 && p_ < end_; shift += 7) {
      uint8_t b = static_cast<uint8_t>(*p_++);
      if (shift == 63 && b > 1) return false;   // bits past 64: libprotobuf decides
      r |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        // An overlong form (a trailing zero byte) is left to libprotobuf, which refuses some of
        // them (a length or tag past 5 bytes) and accepts others: clients never send them.
        if (b == 0 && shift > 0) return false;
        *v = r;
        return true;
      }
    }
    return false;   // truncated, or longer than 10 bytes: libprotobuf decides
  }
  // A field's tag: number and wire type. Numbers past the few we know fail (libprotobuf decides).
  bool Tag(uint32_t* field, uint32_t* type) {
    uint64_t t;
    if (!Varint(&t) || t > 0xFFFF) return false;
    *field = static_cast<uint32_t>(t >> 3);
    *type = static_cast<uint32_t>(t & 7);
    return true;
  }
  bool Bytes(std::string_view* out) {
    uint64_t n;
    if (!Varint(&n) || n > static_cast<uint64_t>(end_ - p_) || n > std::numeric_limits<int32_t>::max())
      return false;
    *out = std::string_view(p_, n);
    p_ += n;
    return true;
  }

 private:
  const char* p_;
  const char* end_;
};

bool ValidUtf8(std::string_view s) {
  for (char c : s)   // short label texts: the ASCII check is the whole cost
    if (static_cast<unsigned char>(c) >= 0x80) return simdjson::validate_utf8(s.data(), s.size());
  return true;
}

bool DecodeTimestamp(std::string_view buf, int64_t* seconds, int32_t* nanos) {
  Reader r(buf);
  bool seen_s = false, seen_n = false;
  while (!r.done()) {
    uint32_t f, t;
    uint64_t v;
    if (!r.Tag(&f, &t) || t != kVarint || !r.Varint(&v)) return false;
    if (f == 1 && !seen_s) {
      *seconds = static_cast<int64_t>(v);
      seen_s = true;
    } else if (f == 2 && !seen_n) {
      *nanos = static_cast<int32_t>(static_cast<uint32_t>(v));   // int32 fields keep the low 32 bits
      seen_n = true;
    } else {
      return false;
    }
  }
  return true;
}

bool DecodeLabelPair(std::string_view buf, Label* out) {
  Reader r(buf);
  bool seen_n = false, seen_v = false;
  while (!r.done()) {
    uint32_t f, t;
    std::string_view s;
    if (!r.Tag(&f, &t) || t != kLen || !r.Bytes(&s) || !ValidUtf8(s)) return false;
    if (f == 1 && !seen_n) {
      out->name.assign(s);
      seen_n = true;
    } else if (f == 2 && !seen_v) {
      out->value.assign(s);
      seen_v = true;
    } else {
      return false;
    }
  }
  return true;
}

bool DecodeEntry(std::string_view buf, LogEntry* e) {
  Reader r(buf);
  bool seen_ts = false, seen_line = false;
  int64_t seconds = 0;
  int32_t nanos = 0;
  while (!r.done()) {
    uint32_t f, t;
    std::string_view s;
    if (!r.Tag(&f, &t) || t != kLen || !r.Bytes(&s)) return false;
    if (f == 1 && !seen_ts) {
      if (!DecodeTimestamp(s, &seconds, &nanos)) return false;
      seen_ts = true;
    } else if (f == 2 && !seen_line) {
      e->line.assign(s);   // bytes: any content
      seen_line = true;
    } else if (f == 3) {
      e->metadata.emplace_back();
      if (!DecodeLabelPair(s, &e->metadata.back())) return false;
    } else {
      return false;   // `parsed` (4) and unknown fields
    }
  }
  e->ts_ns = TimestampNs(seconds, nanos);
  return true;
}

bool DecodeStream(std::string_view buf, WireStream* out) {
  Reader r(buf);
  bool seen_labels = false, seen_hash = false;
  while (!r.done()) {
    uint32_t f, t;
    if (!r.Tag(&f, &t)) return false;
    std::string_view s;
    if (f == 3 && t == kVarint && !seen_hash) {   // hash: ignored, as Loki's distributor does
      uint64_t v;
      if (!r.Varint(&v)) return false;
      seen_hash = true;
    } else if (t != kLen || !r.Bytes(&s)) {
      return false;
    } else if (f == 1 && !seen_labels) {
      if (!ValidUtf8(s)) return false;
      out->first.assign(s);
      seen_labels = true;
    } else if (f == 2) {
      out->second.emplace_back();
      if (!DecodeEntry(s, &out->second.back())) return false;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

int64_t TimestampNs(int64_t seconds, int32_t nanos) {
  int64_t ns;
  if (__builtin_mul_overflow(seconds, int64_t{1000000000}, &ns))
    return seconds < 0 ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
  if (__builtin_add_overflow(ns, int64_t{nanos}, &ns))
    return nanos < 0 ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
  return ns;
}

bool DecodePushWire(std::string_view buf, std::vector<WireStream>* out) {
  Reader r(buf);
  bool seen_format = false;
  while (!r.done()) {
    uint32_t f, t;
    std::string_view s;
    if (!r.Tag(&f, &t) || t != kLen || !r.Bytes(&s)) return false;
    if (f == 1) {
      out->emplace_back();
      if (!DecodeStream(s, &out->back())) return false;
    } else if (f == 2 && !seen_format && ValidUtf8(s)) {
      seen_format = true;   // `format`: not used
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace skald::ingest
