// SHA3-256: Keccak-f[1600] permutation, rate 136 bytes, domain padding 0x06 ... 0x80.
#include "common/gotemplate/sha3.h"

#include <cstring>

namespace skald::gotemplate::internal {
namespace {

constexpr uint64_t kRoundConstants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};
// Rotation offsets and lane order of the combined rho+pi step.
constexpr int kRho[24] = {1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44};
constexpr int kPi[24] = {10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1};

uint64_t Rotl(uint64_t x, int n) { return (x << n) | (x >> (64 - n)); }

void KeccakF(uint64_t st[25]) {
  for (uint64_t rc : kRoundConstants) {
    uint64_t c[5];
    for (int x = 0; x < 5; ++x) c[x] = st[x] ^ st[x + 5] ^ st[x + 10] ^ st[x + 15] ^ st[x + 20];
    for (int x = 0; x < 5; ++x) {
      const uint64_t d = c[(x + 4) % 5] ^ Rotl(c[(x + 1) % 5], 1);
      for (int y = 0; y < 25; y += 5) st[y + x] ^= d;
    }
    uint64_t t = st[1];
    for (int i = 0; i < 24; ++i) {
      const uint64_t next = st[kPi[i]];
      st[kPi[i]] = Rotl(t, kRho[i]);
      t = next;
    }
    for (int y = 0; y < 25; y += 5) {
      uint64_t row[5];
      for (int x = 0; x < 5; ++x) row[x] = st[y + x];
      for (int x = 0; x < 5; ++x) st[y + x] = row[x] ^ (~row[(x + 1) % 5] & row[(x + 2) % 5]);
    }
    st[0] ^= rc;
  }
}

void AbsorbBlock(uint64_t st[25], const uint8_t* p, size_t n) {  // n <= rate; little-endian lanes
  for (size_t i = 0; i < n; ++i) st[i / 8] ^= static_cast<uint64_t>(p[i]) << (8 * (i % 8));
}

}  // namespace

std::array<uint8_t, 32> Sha3_256(std::string_view data) {
  constexpr size_t kRate = 136;
  uint64_t st[25] = {};
  const auto* p = reinterpret_cast<const uint8_t*>(data.data());
  size_t n = data.size();
  for (; n >= kRate; p += kRate, n -= kRate) {
    AbsorbBlock(st, p, kRate);
    KeccakF(st);
  }
  uint8_t last[kRate] = {};
  std::memcpy(last, p, n);
  last[n] ^= 0x06;
  last[kRate - 1] ^= 0x80;
  AbsorbBlock(st, last, kRate);
  KeccakF(st);
  std::array<uint8_t, 32> out;
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(st[i / 8] >> (8 * (i % 8)));
  return out;
}

std::string Sha3_256Hex(std::string_view data) {
  static const char kHex[] = "0123456789abcdef";
  std::string s;
  for (uint8_t b : Sha3_256(data)) {
    s += kHex[b >> 4];
    s += kHex[b & 15];
  }
  return s;
}

}  // namespace skald::gotemplate::internal
