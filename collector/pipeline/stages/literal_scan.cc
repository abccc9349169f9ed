// Scans of LiteralRegex's tables: candidate byte pairs and runs of class members, 16 (SSE2) or
// 32 (AVX2, chosen at run time) bytes a step, scalar for short texts, the last bytes and non-x86.
#include "collector/pipeline/stages/literal_scan.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string_view>

#if defined(__SSE2__) && !defined(SKALD_NO_SIMD)
#define SKALD_SCAN_SSE2 1
#include <emmintrin.h>
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define SKALD_SCAN_AVX2 1
#include <immintrin.h>
#define SKALD_AVX2 __attribute__((target("avx2")))
#endif
#endif

namespace skald::pipeline::scan {
namespace {

constexpr size_t kNpos = std::string_view::npos;

bool DetectAvx2() {
#if defined(SKALD_SCAN_AVX2)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}
const bool kCpuAvx2 = DetectAvx2();
std::atomic<bool> avx2_on{kCpuAvx2};  // zero (baseline) until initialized

uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

std::array<uint8_t, 32> Splat(uint8_t b) {
  std::array<uint8_t, 32> v;
  v.fill(b);
  return v;
}

}  // namespace

bool Avx2Active() { return avx2_on.load(std::memory_order_relaxed); }
void ForceBaseline(bool on) { avx2_on.store(kCpuAvx2 && !on, std::memory_order_relaxed); }

// One value exactly; up to 4 values spread over more than 3 bytes exactly; else their range.
void ByteTest::Build(const std::array<bool, 256>& allowed) {
  int count = 0;
  uint8_t lo = 255, hi = 0;
  std::array<uint8_t, 4> set{};
  for (unsigned b = 0; b < 256; ++b) {
    if (!allowed[b]) continue;
    lo = std::min<uint8_t>(lo, static_cast<uint8_t>(b)), hi = static_cast<uint8_t>(b);
    if (count < 4) set[count] = static_cast<uint8_t>(b);
    ++count;
  }
  for (int k = count; k < 4; ++k) set[k] = set[0];
  if (lo >= hi) {
    kind = Kind::kOne, v[0] = Splat(lo);
  } else if (count <= 4 && hi - lo + 1 > 3) {
    kind = Kind::kExact;
    for (int k = 0; k < 4; ++k) v[k] = Splat(set[k]);
  } else {
    kind = Kind::kRange, v[0] = Splat(lo), v[1] = Splat(static_cast<uint8_t>(hi - lo));
  }
}

void Alternation::Build() {
  std::array<std::array<bool, 256>, 2> allowed{};
  heads.clear();
  allow = {};
  for (size_t idx = 0; idx < lits.size(); ++idx) {
    const std::string& lit = lits[idx];
    Head h;
    h.size = static_cast<uint32_t>(lit.size());
    std::memcpy(&h.bytes, lit.data(), std::min<size_t>(8, lit.size()));
    const std::array<uint8_t, 8> ones = {255, 255, 255, 255, 255, 255, 255, 255};
    std::memcpy(&h.mask, ones.data(), std::min<size_t>(8, lit.size()));  // any byte order
    heads.push_back(h);
    const uint32_t bit = uint32_t{1} << idx;
    for (size_t k = 0; k < kChecked; ++k) {
      if (lit.size() <= k) {
        for (auto& m : allow[k]) m |= bit;
      } else {
        allow[k][static_cast<uint8_t>(lit[k])] |= bit;
      }
    }
    allowed[0][static_cast<uint8_t>(lit[0])] = true;
    if (lit.size() == 1) {
      allowed[1].fill(true);
    } else {
      allowed[1][static_cast<uint8_t>(lit[1])] = true;
    }
  }
  pair[0].Build(allowed[0]);
  pair[1].Build(allowed[1]);
}

// Describes `member` as at most 4 contiguous byte ranges for the vector scans (count 0: more).
void ClassRun::Build() {
  count = 0;
  for (unsigned b = 0; b < 256;) {
    if (!member[b]) {
      ++b;
      continue;
    }
    unsigned e = b;
    while (e + 1 < 256 && member[e + 1]) ++e;
    if (count == lo.size()) {
      count = 0;
      return;
    }
    lo[count] = Splat(static_cast<uint8_t>(b));
    span[count++] = Splat(static_cast<uint8_t>(e - b));
    b = e + 1;
  }
}

namespace {

// Whether literal `i` is at `s`, with `room` bytes readable from s: one 8-byte load for the first
// 8 bytes, 8-byte loads (the last one overlapping) for the rest.
bool LiteralAt(const Alternation& a, uint32_t i, const char* s, size_t room) {
  const Alternation::Head& h = a.heads[i];
  if (h.size > room) return false;
  const char* lit = a.lits[i].data();
  if (room < 8) return std::equal(s, s + h.size, lit);  // near the end of the text: size < 8
  if ((Load64(s) & h.mask) != h.bytes) return false;
  if (h.size <= 8) return true;
  for (size_t k = 8; k + 8 < h.size; k += 8)
    if (Load64(s + k) != Load64(lit + k)) return false;
  return Load64(s + h.size - 8) == Load64(lit + h.size - 8);
}

// The first listed literal at p[at] (at < n): the literals its first bytes allow, in listed order.
inline bool MatchAt(const Alternation& a, const char* p, size_t n, size_t at, uint32_t* idx) {
  const char* s = p + at;
  const size_t room = n - at;
  uint32_t m = a.allow[0][static_cast<uint8_t>(s[0])];
  const size_t checked = std::min(room, Alternation::kChecked);
  for (size_t k = 1; k < checked && m; ++k) m &= a.allow[k][static_cast<uint8_t>(s[k])];
  for (; m; m &= m - 1) {
    const auto i = static_cast<uint32_t>(__builtin_ctz(m));
    if (LiteralAt(a, i, s, room)) return (*idx = i, true);
  }
  return false;
}

// Leftmost `have`-member run starts, from member bits m: doubling ANDs of shifted copies.
template <class U>
U RunStarts(U m, uint32_t min) {
  U s = m;
  for (uint32_t have = 1; have < min && s;) {
    const uint32_t step = std::min(have, min - have);
    s &= s >> step;
    have += step;
  }
  return s;
}

using Kind = ByteTest::Kind;

#if defined(SKALD_SCAN_SSE2)
// ---- SSE2: 16 bytes a step ------------------------------------------------------------------
inline __m128i Load16(const void* p) { return _mm_loadu_si128(static_cast<const __m128i*>(p)); }
inline unsigned Mask16(__m128i x) { return static_cast<unsigned>(_mm_movemask_epi8(x)); }

// Bit k set when byte k of the 16 at p lies in [lo, lo + span] (unsigned).
inline unsigned InRange16(const void* p, __m128i lo, __m128i span) {
  const __m128i x = _mm_sub_epi8(Load16(p), lo);
  return Mask16(_mm_cmpeq_epi8(_mm_min_epu8(x, span), x));
}

template <Kind K>
struct Test16 {  // a ByteTest's constants, loaded once per scan
  __m128i a, b, c, d;
  explicit Test16(const ByteTest& t)
      : a(Load16(t.v[0].data())), b(Load16(t.v[1].data())), c(Load16(t.v[2].data())), d(Load16(t.v[3].data())) {}
  unsigned operator()(const char* p) const {
    if constexpr (K == Kind::kRange) return InRange16(p, a, b);
    const __m128i x = Load16(p);
    if constexpr (K == Kind::kOne) return Mask16(_mm_cmpeq_epi8(x, a));
    return Mask16(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, a), _mm_cmpeq_epi8(x, b)),
                               _mm_or_si128(_mm_cmpeq_epi8(x, c), _mm_cmpeq_epi8(x, d))));
  }
};

// Calls on(at), in increasing order, for every at < n - 1 whose byte passes t[0] and next byte
// t[1], until one returns true (then true). Needs n >= 17: 32 then 16 bytes a step, and the last
// block is re-read at n - 17 with the already scanned positions masked off.
template <Kind K0, Kind K1, class On>
bool PairsSse2(const std::array<ByteTest, 2>& t, const char* p, size_t n, On& on) {
  const Test16<K0> f0(t[0]);
  const Test16<K1> f1(t[1]);
  auto pass = [&](size_t i) { return f0(p + i) & f1(p + i + 1); };
  auto each = [&](size_t i, uint32_t mask) {
    for (; mask; mask &= mask - 1)
      if (on(i + static_cast<size_t>(__builtin_ctz(mask)))) return true;
    return false;
  };
  size_t i = 0;
  for (; i + 33 <= n; i += 32)
    if (each(i, pass(i) | (pass(i + 16) << 16))) return true;
  for (; i + 17 <= n; i += 16)
    if (each(i, pass(i))) return true;
  if (i + 1 >= n) return false;
  const size_t last = n - 17, skip = i - last;
  return each(last, pass(last) >> skip << skip);
}

template <int R>
struct Members16 {  // member bits of the 16 bytes at q for a class of R ranges
  __m128i lo[R], span[R];
  explicit Members16(const ClassRun& c) {
    for (int k = 0; k < R; ++k) lo[k] = Load16(c.lo[k].data()), span[k] = Load16(c.span[k].data());
  }
  unsigned operator()(const uint8_t* q) const {
    unsigned m = InRange16(q, lo[0], span[0]);
    for (int k = 1; k < R; ++k) m |= InRange16(q, lo[k], span[k]);
    return m;
  }
};

// The leftmost start of c.min (<= 16) consecutive members in p[0, n) for n >= 32, n when none:
// run starts of 32-byte windows; starts in a window's upper half count only in the last window,
// which ends at the text's end.
template <int R>
size_t RunStartSse2(const ClassRun& c, const uint8_t* p, size_t n) {
  const Members16<R> members(c);
  size_t i = 0;
  unsigned low = members(p);
  for (; i + 32 <= n; i += 16) {
    const unsigned high = members(p + i + 16);
    if (const uint32_t s = RunStarts<uint32_t>(low | (high << 16), c.min) & 0xFFFF)
      return i + static_cast<size_t>(__builtin_ctz(s));
    low = high;
  }
  const size_t last = n - 32, skip = i - last;  // positions before i are ruled out; skip <= 16
  const uint32_t s = RunStarts<uint32_t>(members(p + last) | (members(p + last + 16) << 16), c.min) >> skip << skip;
  return s ? last + static_cast<size_t>(__builtin_ctz(s)) : n;
}
#endif  // SKALD_SCAN_SSE2

#if defined(SKALD_SCAN_AVX2)
// ---- AVX2: 32 bytes a step (compiled for AVX2 only here, run only when the CPU has it) ---------
SKALD_AVX2 inline __m256i Load32(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }
SKALD_AVX2 inline uint32_t Mask32(__m256i x) { return static_cast<uint32_t>(_mm256_movemask_epi8(x)); }
SKALD_AVX2 inline uint32_t InRange32(const void* p, __m256i lo, __m256i span) {
  const __m256i x = _mm256_sub_epi8(Load32(p), lo);
  return Mask32(_mm256_cmpeq_epi8(_mm256_min_epu8(x, span), x));
}

template <Kind K>
struct Test32 {
  __m256i a, b, c, d;
  SKALD_AVX2 explicit Test32(const ByteTest& t)
      : a(Load32(t.v[0].data())), b(Load32(t.v[1].data())), c(Load32(t.v[2].data())), d(Load32(t.v[3].data())) {}
  SKALD_AVX2 uint32_t operator()(const char* p) const {
    if constexpr (K == Kind::kRange) return InRange32(p, a, b);
    const __m256i x = Load32(p);
    if constexpr (K == Kind::kOne) return Mask32(_mm256_cmpeq_epi8(x, a));
    return Mask32(_mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(x, a), _mm256_cmpeq_epi8(x, b)),
                                  _mm256_or_si256(_mm256_cmpeq_epi8(x, c), _mm256_cmpeq_epi8(x, d))));
  }
};

// PairsSse2 for n >= 33: 64 then 32 bytes a step, the last block re-read at n - 33.
template <Kind K0, Kind K1, class On>
SKALD_AVX2 bool PairsAvx2(const std::array<ByteTest, 2>& t, const char* p, size_t n, On& on) {
  const Test32<K0> f0(t[0]);
  const Test32<K1> f1(t[1]);
  size_t i = 0;
  for (; i + 65 <= n; i += 64) {
    uint64_t m = (f0(p + i) & f1(p + i + 1)) | uint64_t{f0(p + i + 32) & f1(p + i + 33)} << 32;
    for (; m; m &= m - 1)
      if (on(i + static_cast<size_t>(__builtin_ctzll(m)))) return true;
  }
  uint32_t m = 0;
  if (i + 33 <= n) {
    for (m = f0(p + i) & f1(p + i + 1); m; m &= m - 1)
      if (on(i + static_cast<size_t>(__builtin_ctz(m)))) return true;
    i += 32;
  }
  if (i + 1 >= n) return false;
  const size_t last = n - 33, skip = i - last;  // 1 <= skip <= 31
  for (m = (f0(p + last) & f1(p + last + 1)) >> skip << skip; m; m &= m - 1)
    if (on(last + static_cast<size_t>(__builtin_ctz(m)))) return true;
  return false;
}

template <int R>
struct Members32 {
  __m256i lo[R], span[R];
  SKALD_AVX2 explicit Members32(const ClassRun& c) {
    for (int k = 0; k < R; ++k) lo[k] = Load32(c.lo[k].data()), span[k] = Load32(c.span[k].data());
  }
  SKALD_AVX2 uint32_t operator()(const uint8_t* q) const {
    uint32_t m = InRange32(q, lo[0], span[0]);
    for (int k = 1; k < R; ++k) m |= InRange32(q, lo[k], span[k]);
    return m;
  }
};

// RunStartSse2 with 64-byte windows for c.min <= 32 and n >= 64.
template <int R>
SKALD_AVX2 size_t RunStartAvx2(const ClassRun& c, const uint8_t* p, size_t n) {
  const Members32<R> members(c);
  size_t i = 0;
  uint64_t low = members(p);
  for (; i + 64 <= n; i += 32) {
    const uint64_t high = members(p + i + 32);
    if (const uint64_t s = RunStarts<uint64_t>(low | (high << 32), c.min) & 0xFFFFFFFFu)
      return i + static_cast<size_t>(__builtin_ctzll(s));
    low = high;
  }
  const size_t last = n - 64, skip = i - last;  // 1 <= skip <= 32
  const uint64_t w = members(p + last) | uint64_t{members(p + last + 32)} << 32;
  const uint64_t s = RunStarts<uint64_t>(w, c.min) >> skip << skip;
  return s ? last + static_cast<size_t>(__builtin_ctzll(s)) : n;
}

// The first member at or after i found in whole 32-byte blocks, else where the blocks ended.
SKALD_AVX2 size_t SkipAvx2(const ClassRun& c, const uint8_t* p, size_t i, size_t n) {
  const Members32<1> members(c);
  for (; i + 32 <= n; i += 32)
    if (const uint32_t m = members(p + i)) return i + static_cast<size_t>(__builtin_ctz(m));
  return i;
}
#endif  // SKALD_SCAN_AVX2

#if defined(SKALD_SCAN_SSE2)
template <Kind K0, Kind K1, class On>
bool PairsWith(const std::array<ByteTest, 2>& t, const char* p, size_t n, On& on) {
#if defined(SKALD_SCAN_AVX2)
  if (n >= 33 && Avx2Active()) return PairsAvx2<K0, K1>(t, p, n, on);
#endif
  return PairsSse2<K0, K1>(t, p, n, on);
}

template <Kind K0, class On>
bool PairsFrom(const std::array<ByteTest, 2>& t, const char* p, size_t n, On& on) {
  switch (t[1].kind) {
    case Kind::kOne: return PairsWith<K0, Kind::kOne>(t, p, n, on);
    case Kind::kRange: return PairsWith<K0, Kind::kRange>(t, p, n, on);
    default: return PairsWith<K0, Kind::kExact>(t, p, n, on);
  }
}

// The pair scan for n >= 17 with the kernels for the two tests' kinds.
template <class On>
bool ScanPairs(const std::array<ByteTest, 2>& t, const char* p, size_t n, On& on) {
  switch (t[0].kind) {
    case Kind::kOne: return PairsFrom<Kind::kOne>(t, p, n, on);
    case Kind::kRange: return PairsFrom<Kind::kRange>(t, p, n, on);
    default: return PairsFrom<Kind::kExact>(t, p, n, on);
  }
}
#endif

// The leftmost start of c.min members by a vector kernel (n when none); kNpos when none applies.
size_t RunStartKernel(const ClassRun& c, const uint8_t* p, size_t n) {
#if defined(SKALD_SCAN_AVX2)
  if (c.min <= 32 && n >= 64 && Avx2Active()) {
    switch (c.count) {
      case 1: return RunStartAvx2<1>(c, p, n);
      case 2: return RunStartAvx2<2>(c, p, n);
      case 3: return RunStartAvx2<3>(c, p, n);
      case 4: return RunStartAvx2<4>(c, p, n);
      default: break;
    }
  }
#endif
#if defined(SKALD_SCAN_SSE2)
  if (c.min <= 16 && n >= 32) {
    switch (c.count) {
      case 1: return RunStartSse2<1>(c, p, n);
      case 2: return RunStartSse2<2>(c, p, n);
      case 3: return RunStartSse2<3>(c, p, n);
      case 4: return RunStartSse2<4>(c, p, n);
      default: break;
    }
  }
#endif
  (void)c, (void)p, (void)n;
  return kNpos;
}

// The first index >= i of a class member (n when none).
size_t SkipNonMembers(const ClassRun& c, const uint8_t* p, size_t i, size_t n) {
#if defined(SKALD_SCAN_SSE2)
  if (c.count == 1) {
#if defined(SKALD_SCAN_AVX2)
    if (Avx2Active()) i = SkipAvx2(c, p, i, n);
#endif
    const __m128i lo = Load16(c.lo[0].data()), span = Load16(c.span[0].data());
    for (; i + 16 <= n; i += 16)
      if (const unsigned mask = InRange16(p + i, lo, span)) return i + static_cast<size_t>(__builtin_ctz(mask));
  }
#endif
  while (i < n && !c.member[p[i]]) ++i;
  return i;
}

}  // namespace

bool FindLiteral(const Alternation& a, const char* p, size_t n, size_t* pos, uint32_t* idx) {
  size_t i = 0;
#if defined(SKALD_SCAN_SSE2)
  if (n >= 17) {
    auto on = [&](size_t at) { return MatchAt(a, p, n, at, idx) && (*pos = at, true); };
    if (ScanPairs(a.pair, p, n, on)) return true;
    i = n - 1;  // the last byte has no pair: only a one-byte literal can match there
  }
#endif
  for (; i < n; ++i)
    if (MatchAt(a, p, n, i, idx)) return (*pos = i, true);
  return false;
}

bool FindRun(const ClassRun& c, const uint8_t* p, size_t n, size_t* start, size_t* len) {
  if (const size_t s = RunStartKernel(c, p, n); s != kNpos) {
    if (s == n) return false;
    const size_t cap = s + std::min<size_t>(c.max, n - s);
    size_t end = s + c.min;  // p[s, s + min) are members
    while (end < cap && c.member[p[end]]) ++end;
    return (*start = s, *len = end - s, true);
  }
  size_t i = 0;
  while (i < n) {
    i = SkipNonMembers(c, p, i, n);
    const size_t s = i;
    const size_t cap = s + std::min<size_t>(c.max, n - s);
    while (i < cap && c.member[p[i]]) ++i;
    if (i - s >= c.min) return (*start = s, *len = i - s, true);
  }
  return false;
}

}  // namespace skald::pipeline::scan
