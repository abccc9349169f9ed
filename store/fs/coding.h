// Little-endian fixed ints and LEB128 varints for the WAL and chunk formats (header-only).
// Decoders take a string_view cursor and return false on truncation instead of reading past it.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace skald::fs {

inline void PutFixed32(std::string& out, uint32_t v) { char b[4]; std::memcpy(b, &v, 4); out.append(b, 4); }
inline void PutFixed64(std::string& out, uint64_t v) { char b[8]; std::memcpy(b, &v, 8); out.append(b, 8); }
inline uint32_t DecodeFixed32(const char* p) { uint32_t v; std::memcpy(&v, p, 4); return v; }
inline uint64_t DecodeFixed64(const char* p) { uint64_t v; std::memcpy(&v, p, 8); return v; }

inline void PutVarint(std::string& out, uint64_t v) {
  char buf[10];
  int n = 0;
  while (v >= 0x80) { buf[n++] = static_cast<char>(v | 0x80); v >>= 7; }
  buf[n++] = static_cast<char>(v);
  out.append(buf, n);
}
inline uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
inline int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }
inline void PutSignedVarint(std::string& out, int64_t v) { PutVarint(out, ZigZag(v)); }
// Timestamp deltas wrap (two's complement) instead of overflowing: any int64 pair round-trips and a
// crafted delta decodes to some timestamp, never to undefined behaviour.
inline int64_t WrappingAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
inline int64_t WrappingSub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}
inline void PutLengthPrefixed(std::string& out, std::string_view s) { PutVarint(out, s.size()); out.append(s); }

inline bool GetVarint(std::string_view& in, uint64_t* v) {
  uint64_t r = 0;
  for (int shift = 0; shift <= 63 && !in.empty(); shift += 7) {
    uint8_t b = static_cast<uint8_t>(in[0]);
    in.remove_prefix(1);
    r |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) { *v = r; return true; }
  }
  return false;
}
inline bool GetSignedVarint(std::string_view& in, int64_t* v) {
  uint64_t u;
  if (!GetVarint(in, &u)) return false;
  *v = UnZigZag(u);
  return true;
}
inline bool GetLengthPrefixed(std::string_view& in, std::string_view* s) {
  uint64_t n;
  if (!GetVarint(in, &n) || n > in.size()) return false;
  *s = in.substr(0, n);
  in.remove_prefix(n);
  return true;
}
inline bool GetFixed64(std::string_view& in, uint64_t* v) {
  if (in.size() < 8) return false;
  *v = DecodeFixed64(in.data());
  in.remove_prefix(8);
  return true;
}

}  // namespace skald::fs
