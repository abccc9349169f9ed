// BytesEqual: equality of two byte strings, inline for the short ones (label names and values,
// extracted-map keys), where std::string's == costs an out-of-line memcmp call per comparison on
// the collector's per-line paths.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace skald {

inline bool BytesEqual(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  const char* x = a.data();
  const char* y = b.data();
  if (n >= 8) {
    if (n > 16) return std::memcmp(x, y, n) == 0;
    uint64_t x0, x1, y0, y1;  // first and last 8 bytes (overlapping when n < 16)
    std::memcpy(&x0, x, 8), std::memcpy(&y0, y, 8);
    std::memcpy(&x1, x + n - 8, 8), std::memcpy(&y1, y + n - 8, 8);
    return ((x0 ^ y0) | (x1 ^ y1)) == 0;
  }
  if (n >= 4) {
    uint32_t x0, x1, y0, y1;
    std::memcpy(&x0, x, 4), std::memcpy(&y0, y, 4);
    std::memcpy(&x1, x + n - 4, 4), std::memcpy(&y1, y + n - 4, 4);
    return ((x0 ^ y0) | (x1 ^ y1)) == 0;
  }
  for (size_t i = 0; i < n; ++i)
    if (x[i] != y[i]) return false;
  return true;
}

}  // namespace skald
