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

}  // namespace

bool Avx2Active() { return avx2_on.load(std::memory_order_relaxed); }
void ForceBaseline(bool on) { avx2_on.store(kCpuAvx2 && !on, std::memory_order_relaxed); }

namespace {

// Whether literal `i` is at `s`, with `room` bytes readable from s: one 8-byte load for the first
// 8 bytes, 8-byte loads (the last one overlapping) for the rest.
bool LiteralAt(const Alternation& a, uint32_t i, const char* s, size_t room) {
  const Alternation::Head& h = a.heads[i];
  if (h.size > room) return false;
  const char* lit = a.lits[i].data();
  if (room < 8) {  // near the end of the text: size < 8 (a loop, not a call: no spills around it)
    for (size_t k = 0; k < h.size; ++k)
      if (s[k] != lit[k]) return false;
    return true;
  }
  if ((Load64(s) & h.mask) != h.bytes) return false;
  if (h.size <= 8) return true;
  for (size_t k = 8; k + 8 < h.size; k += 8)
    if (Load64(s + k) != Load64(lit + k)) return false;
  return Load64(s + h.size - 8) == Load64(lit + h.size - 8);
}

// The first listed literal at p[at] (at < n): the literals its first bytes allow, in listed order.
// Away from the end the four table rows are ANDed without branches.
inline bool MatchAt(const Alternation& a, const char* p, size_t n, size_t at, uint32_t* idx) {
  static_assert(Alternation::kChecked == 4);
  const auto* s = reinterpret_cast<const uint8_t*>(p + at);
  const size_t room = n - at;
  uint32_t m = a.allow[0][s[0]];
  if (room >= 4) {
    m &= a.allow[1][s[1]] & a.allow[2][s[2]] & a.allow[3][s[3]];
  } else {
    for (size_t k = 1; k < room; ++k) m &= a.allow[k][s[k]];
  }
  for (; m; m &= m - 1) {
    const auto i = static_cast<uint32_t>(__builtin_ctz(m));
    if (LiteralAt(a, i, p + at, room)) return (*idx = i, true);
  }
  return false;
}

// Tries the candidates in bit order of `mask` (bit k: position i + k).
inline bool MatchEach(const Alternation& a, const char* p, size_t n, size_t i, uint32_t mask, size_t* pos,
                      uint32_t* idx) {
  for (; mask; mask &= mask - 1) {
    const size_t at = i + static_cast<size_t>(__builtin_ctz(mask));
    if (MatchAt(a, p, n, at, idx)) return (*pos = at, true);
  }
  return false;
}

// The last byte has no pair: only a one-byte literal can match there.
inline bool MatchLast(const Alternation& a, const char* p, size_t n, size_t* pos, uint32_t* idx) {
  return a.one_byte && MatchAt(a, p, n, n - 1, idx) && (*pos = n - 1, true);
}

bool FindLiteralScalar(const Alternation& a, const char* p, size_t n, size_t* pos, uint32_t* idx) {
  for (size_t i = 0; i < n; ++i)
    if (MatchAt(a, p, n, i, idx)) return (*pos = i, true);
  return false;
}

// Leftmost `min`-member run starts, from member bits m: doubling ANDs of shifted copies (Min, when
// not 0, is min known at compile time: the ANDs unroll).
template <uint32_t Min = 0, uint32_t Have = 1, class U>
U RunStarts(U m, uint32_t min) {
  if constexpr (Min == 0) {
    U s = m;
    for (uint32_t have = 1; have < min && s;) {
      const uint32_t step = std::min(have, min - have);
      s &= s >> step;
      have += step;
    }
    return s;
  } else if constexpr (Have >= Min) {
    return m;
  } else {
    constexpr uint32_t kStep = std::min(Have, Min - Have);
    return RunStarts<Min, Have + kStep>(static_cast<U>(m & m >> kStep), min);
  }
}

// The match for a run whose first `min` bytes from s are members: extended greedily up to max.
inline bool RunAt(const ClassRun& c, const uint8_t* p, size_t n, size_t s, uint32_t min, size_t* start,
                  size_t* len) {
  const size_t cap = s + std::min<size_t>(c.max, n - s);
  size_t end = s + min;
  while (end < cap && c.member[p[end]]) ++end;
  return (*start = s, *len = end - s, true);
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
    if (const uint32_t s = RunStarts(low | (high << 16), c.min) & 0xFFFF)
      return i + static_cast<size_t>(__builtin_ctz(s));
    low = high;
  }
  const size_t last = n - 32, skip = i - last;  // positions before i are ruled out; skip <= 16
  const uint32_t s = RunStarts(members(p + last) | (members(p + last + 16) << 16), c.min) >> skip << skip;
  return s ? last + static_cast<size_t>(__builtin_ctz(s)) : n;
}

template <Kind K0, Kind K1>
bool FindLiteralSse2(const Alternation& a, const char* p, size_t n, size_t* pos, uint32_t* idx) {
  if (n < 17) return FindLiteralScalar(a, p, n, pos, idx);
  auto on = [&](size_t at) { return MatchAt(a, p, n, at, idx) && (*pos = at, true); };
  return PairsSse2<K0, K1>(a.pair, p, n, on) || MatchLast(a, p, n, pos, idx);
}
#endif  // SKALD_SCAN_SSE2

#if defined(SKALD_SCAN_AVX2)
// ---- AVX2: 32 bytes a step (compiled for AVX2 only here, run only when the CPU has it) ---------
SKALD_AVX2 inline __m256i Load32(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }
SKALD_AVX2 inline uint32_t Mask32(__m256i x) { return static_cast<uint32_t>(_mm256_movemask_epi8(x)); }
// 0xFF for each byte of x in [lo, lo + span] (unsigned).
SKALD_AVX2 inline __m256i InRangeVec32(__m256i x, __m256i lo, __m256i span) {
  const __m256i y = _mm256_sub_epi8(x, lo);
  return _mm256_cmpeq_epi8(_mm256_min_epu8(y, span), y);
}
SKALD_AVX2 inline uint32_t InRange32(const void* p, __m256i lo, __m256i span) {
  return Mask32(InRangeVec32(Load32(p), lo, span));
}

template <Kind K>
struct Test32 {  // a ByteTest's constants in registers; operator() gives 0xFF for passing bytes
  __m256i a, b, c, d;
  SKALD_AVX2 explicit Test32(const ByteTest& t) {
    constexpr bool kTable = K == Kind::kNibble || K == Kind::kNibblePlus;
    a = Load32(kTable ? t.table.data() : t.v[0].data());
    if constexpr (K == Kind::kNibblePlus) b = Load32(t.extra.data());
    if constexpr (K == Kind::kRange || K == Kind::kExact) b = Load32(t.v[1].data());
    if constexpr (K == Kind::kExact) c = Load32(t.v[2].data()), d = Load32(t.v[3].data());
  }
  SKALD_AVX2 __m256i operator()(const char* p) const {
    const __m256i x = Load32(p);
    if constexpr (K == Kind::kOne) return _mm256_cmpeq_epi8(x, a);
    if constexpr (K == Kind::kNibble) return _mm256_cmpeq_epi8(_mm256_shuffle_epi8(a, x), x);
    if constexpr (K == Kind::kNibblePlus)
      return _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_shuffle_epi8(a, x), x), _mm256_cmpeq_epi8(x, b));
    if constexpr (K == Kind::kRange) return InRangeVec32(x, a, b);
    return _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(x, a), _mm256_cmpeq_epi8(x, b)),
                           _mm256_or_si256(_mm256_cmpeq_epi8(x, c), _mm256_cmpeq_epi8(x, d)));
  }
};

template <Kind K0, Kind K1>
SKALD_AVX2 inline __m256i Pass32(const Test32<K0>& f0, const Test32<K1>& f1, const char* p) {
  return _mm256_and_si256(f0(p), f1(p + 1));
}

// The pair scan for n >= 33: 64 bytes a step (one test for both halves), then 32, then the last
// block re-read at n - 33 with the already scanned positions masked off, then the last byte.
template <Kind K0, Kind K1>
SKALD_AVX2 bool FindLiteralAvx2(const Alternation& a, const char* p, size_t n, size_t* pos, uint32_t* idx) {
  if (n < 33) return a.base(a, p, n, pos, idx);
  const Test32<K0> f0(a.pair[0]);
  const Test32<K1> f1(a.pair[1]);
  size_t i = 0;
  for (; i + 65 <= n; i += 64) {
    const __m256i lo = Pass32(f0, f1, p + i), hi = Pass32(f0, f1, p + i + 32);
    const __m256i any = _mm256_or_si256(lo, hi);
    if (_mm256_testz_si256(any, any)) continue;
    if (MatchEach(a, p, n, i, Mask32(lo), pos, idx) || MatchEach(a, p, n, i + 32, Mask32(hi), pos, idx))
      return true;
  }
  if (i + 33 <= n) {
    if (MatchEach(a, p, n, i, Mask32(Pass32(f0, f1, p + i)), pos, idx)) return true;
    i += 32;
  }
  if (i + 1 < n) {
    const size_t last = n - 33, skip = i - last;  // 1 <= skip <= 31
    if (MatchEach(a, p, n, last, Mask32(Pass32(f0, f1, p + last)) >> skip << skip, pos, idx)) return true;
  }
  return MatchLast(a, p, n, pos, idx);
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

// FindRun for n >= 32, c.min <= 32 (Min: c.min when not 0): run starts inside the first 32 bytes,
// then in 64-byte windows stepping 32 (a start found anywhere in a window is the leftmost, since
// every earlier start's run would end inside it too), then in the last window [i, n) built from
// the block at i and the one ending at n.
template <int R, uint32_t Min>
SKALD_AVX2 bool FindRunAvx2(const ClassRun& c, const uint8_t* p, size_t n, size_t* start, size_t* len) {
  if (n < 32) return c.base(c, p, n, start, len);
  const Members32<R> members(c);
  const uint32_t min = Min != 0 ? Min : c.min;
  uint64_t low = members(p);
  if (const uint32_t s = RunStarts<Min>(static_cast<uint32_t>(low), min))
    return RunAt(c, p, n, static_cast<size_t>(__builtin_ctz(s)), min, start, len);
  size_t i = 0;
  for (; i + 64 <= n; i += 32) {
    const uint64_t high = members(p + i + 32);
    if (const uint64_t s = RunStarts<Min>(low | high << 32, min))
      return RunAt(c, p, n, i + static_cast<size_t>(__builtin_ctzll(s)), min, start, len);
    low = high;
  }
  const uint64_t w = low | uint64_t{members(p + n - 32)} << (n - 32 - i);  // 32 <= n - i < 64
  const uint64_t s = RunStarts<Min>(w, min);
  return s != 0 && RunAt(c, p, n, i + static_cast<size_t>(__builtin_ctzll(s)), min, start, len);
}

// The first member at or after i found in whole 32-byte blocks, else where the blocks ended.
SKALD_AVX2 size_t SkipAvx2(const ClassRun& c, const uint8_t* p, size_t i, size_t n) {
  const Members32<1> members(c);
  for (; i + 32 <= n; i += 32)
    if (const uint32_t m = members(p + i)) return i + static_cast<size_t>(__builtin_ctz(m));
  return i;
}
#endif  // SKALD_SCAN_AVX2

// The leftmost start of c.min members by the SSE2 kernel (n when none); kNpos when it does not apply.
size_t RunStartSse2Kernel(const ClassRun& c, const uint8_t* p, size_t n) {
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
template <bool kAvx2>
size_t SkipNonMembers(const ClassRun& c, const uint8_t* p, size_t i, size_t n) {
#if defined(SKALD_SCAN_SSE2)
  if (c.count == 1) {
#if defined(SKALD_SCAN_AVX2)
    if constexpr (kAvx2) i = SkipAvx2(c, p, i, n);
#endif
    const __m128i lo = Load16(c.lo[0].data()), span = Load16(c.span[0].data());
    for (; i + 16 <= n; i += 16)
      if (const unsigned mask = InRange16(p + i, lo, span)) return i + static_cast<size_t>(__builtin_ctz(mask));
  }
#endif
  while (i < n && !c.member[p[i]]) ++i;
  return i;
}

// FindRun without the AVX2 run-start kernel: SSE2 run starts where they apply, else member runs
// found by skipping non-members (32 bytes a step with AVX2 when kAvx2).
template <bool kAvx2>
bool FindRunGeneric(const ClassRun& c, const uint8_t* p, size_t n, size_t* start, size_t* len) {
  if (const size_t s = RunStartSse2Kernel(c, p, n); s != kNpos) return s != n && RunAt(c, p, n, s, c.min, start, len);
  size_t i = 0;
  while (i < n) {
    i = SkipNonMembers<kAvx2>(c, p, i, n);
    const size_t s = i;
    const size_t cap = s + std::min<size_t>(c.max, n - s);
    while (i < cap && c.member[p[i]]) ++i;
    if (i - s >= c.min) return (*start = s, *len = i - s, true);
  }
  return false;
}

// ---- kernel choice, once per table ----------------------------------------------------------------
#if defined(SKALD_SCAN_SSE2)
template <Kind K0>
LiteralKernel Sse2For(Kind k1) {
  switch (k1) {
    case Kind::kOne: return FindLiteralSse2<K0, Kind::kOne>;
    case Kind::kRange: return FindLiteralSse2<K0, Kind::kRange>;
    default: return FindLiteralSse2<K0, Kind::kExact>;
  }
}
#endif

#if defined(SKALD_SCAN_AVX2)
// Exact tests by table where they apply (except one value: a compare is cheaper).
Kind Avx2Kind(const ByteTest& t) {
  if (t.kind == Kind::kOne || t.nibble == ByteTest::Nibble::kNone) return t.kind;
  return t.nibble == ByteTest::Nibble::kTable ? Kind::kNibble : Kind::kNibblePlus;
}

template <Kind K0>
LiteralKernel Avx2For(Kind k1) {
  switch (k1) {
    case Kind::kOne: return FindLiteralAvx2<K0, Kind::kOne>;
    case Kind::kRange: return FindLiteralAvx2<K0, Kind::kRange>;
    case Kind::kNibble: return FindLiteralAvx2<K0, Kind::kNibble>;
    case Kind::kNibblePlus: return FindLiteralAvx2<K0, Kind::kNibblePlus>;
    default: return FindLiteralAvx2<K0, Kind::kExact>;
  }
}

template <int R>
RunKernel RunAvx2For(uint32_t min) {
  switch (min) {
    case 1: return FindRunAvx2<R, 1>;
    case 2: return FindRunAvx2<R, 2>;
    case 3: return FindRunAvx2<R, 3>;
    case 4: return FindRunAvx2<R, 4>;
    default: return FindRunAvx2<R, 0>;
  }
}
#endif

}  // namespace

void SelectKernels(Alternation& a) {
  a.base = a.avx2 = FindLiteralScalar;
#if defined(SKALD_SCAN_SSE2)
  switch (a.pair[0].kind) {
    case Kind::kOne: a.base = Sse2For<Kind::kOne>(a.pair[1].kind); break;
    case Kind::kRange: a.base = Sse2For<Kind::kRange>(a.pair[1].kind); break;
    default: a.base = Sse2For<Kind::kExact>(a.pair[1].kind); break;
  }
  a.avx2 = a.base;
#endif
#if defined(SKALD_SCAN_AVX2)
  const Kind k1 = Avx2Kind(a.pair[1]);
  switch (Avx2Kind(a.pair[0])) {
    case Kind::kOne: a.avx2 = Avx2For<Kind::kOne>(k1); break;
    case Kind::kRange: a.avx2 = Avx2For<Kind::kRange>(k1); break;
    case Kind::kNibble: a.avx2 = Avx2For<Kind::kNibble>(k1); break;
    case Kind::kNibblePlus: a.avx2 = Avx2For<Kind::kNibblePlus>(k1); break;
    default: a.avx2 = Avx2For<Kind::kExact>(k1); break;
  }
#endif
}

void SelectKernels(ClassRun& c) {
  c.base = FindRunGeneric<false>;
  c.avx2 = FindRunGeneric<true>;
#if defined(SKALD_SCAN_AVX2)
  if (c.min > 32) return;
  switch (c.count) {
    case 1: c.avx2 = RunAvx2For<1>(c.min); break;
    case 2: c.avx2 = RunAvx2For<2>(c.min); break;
    case 3: c.avx2 = RunAvx2For<3>(c.min); break;
    case 4: c.avx2 = RunAvx2For<4>(c.min); break;
    default: break;
  }
#endif
}

bool FindLiteral(const Alternation& a, const char* p, size_t n, size_t* pos, uint32_t* idx) {
  return (Avx2Active() ? a.avx2 : a.base)(a, p, n, pos, idx);
}

bool FindRun(const ClassRun& c, const uint8_t* p, size_t n, size_t* start, size_t* len) {
  return (Avx2Active() ? c.avx2 : c.base)(c, p, n, start, len);
}

}  // namespace skald::pipeline::scan
