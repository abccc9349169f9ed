// Test helper: label values whose EditedLabels edits hash like a given value's (white box), so tests
// can show that whatever is keyed by EditsHash still tells such edits apart.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace skald::testing {

// `n` values of 16 printable bytes (no quote, no backslash) hashing like the 16-byte `v`: the hash
// folds a value's first and last 8 bytes as first ^ last * kMul. If the hash changes, this must
// follow it (callers REQUIRE equal hashes, so they say so). `seed` varies the values.
inline std::vector<std::string> EditsHashTwins(const std::string& v, size_t n, uint64_t seed = 7) {
  auto word = [](const char* p) { uint64_t w; std::memcpy(&w, p, 8); return w; };
  constexpr uint64_t kMul = 0xC2B2AE3D27D4EB4FULL;
  const uint64_t target = word(v.data()) ^ (word(v.data() + 8) * kMul);
  auto ok = [](char c) { return c > ' ' && c < 0x7f && c != '"' && c != '\\'; };
  std::vector<std::string> out;
  uint64_t rng = seed;
  while (out.size() < n) {
    std::string t(16, 'x');
    for (size_t i = 8; i < 16; ++i) {
      rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
      t[i] = static_cast<char>('!' + (rng >> 33) % 94);
    }
    const uint64_t head = target ^ (word(t.data() + 8) * kMul);
    std::memcpy(t.data(), &head, 8);
    if (std::all_of(t.begin(), t.end(), ok) && t != v) out.push_back(t);
  }
  return out;
}

}  // namespace skald::testing
