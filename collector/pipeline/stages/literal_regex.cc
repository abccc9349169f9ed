// Recognition of scan-shaped regexes (whole-expression groups around literal alternations or one
// counted ASCII class) and their leftmost-first matching, byte-identical to RE2's group 0.
#include "collector/pipeline/stages/literal_regex.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace skald::pipeline {
namespace {

constexpr uint32_t kMaxRepeat = 1000;  // RE2's (and Go's) limit on a counted repetition
// Bounds on alternations: matching tries each literal sharing a first byte at a candidate position,
// so large or long alternations are left to RE2, whose DFA is linear in the text.
constexpr size_t kMaxLiterals = 32;
constexpr size_t kMaxLiteralSize = 128;

uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

bool IsWordByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Bytes that stand for themselves anywhere in an RE2 expression (outside a class).
bool IsLiteralByte(char c) { return IsWordByte(c) || (c != '\0' && std::strchr(" -:/=,;@%&~<>!'\"", c)); }

// Strips one capture group around the whole of *e: `(?P<name>...)` or `(...)`. A group that ends
// earlier leaves a ')' inside, which no body shape accepts, so "whole" needs no paren matching.
bool StripGroup(std::string_view* e) {
  if (e->size() < 2 || e->front() != '(' || e->back() != ')') return false;
  std::string_view in = e->substr(1, e->size() - 2);
  if (in.starts_with("?P<")) {
    const size_t close = in.find('>');
    if (close == std::string_view::npos || close == 3) return false;
    for (size_t i = 3; i < close; ++i)
      if (!IsWordByte(in[i])) return false;
    in.remove_prefix(close + 1);
  } else if (in.starts_with("?")) {
    return false;  // flags, non-capturing or other group syntax
  }
  *e = in;
  return true;
}

// Parses a decimal count without sign or leading zero (RE2 reads `{01}` literally) up to kMaxRepeat.
bool ParseCount(std::string_view s, size_t* i, uint32_t* out) {
  const size_t start = *i;
  uint32_t v = 0;
  while (*i < s.size() && s[*i] >= '0' && s[*i] <= '9') {
    v = v * 10 + static_cast<uint32_t>(s[*i] - '0');
    if (v > kMaxRepeat) return false;
    ++*i;
  }
  if (*i == start || (s[start] == '0' && *i - start > 1)) return false;
  *out = v;
  return true;
}

// Parses the quantifier that must end `q`: "", "+", "{n}", "{n,}" or "{n,m}" with 1 <= n <= m.
bool ParseQuantifier(std::string_view q, uint32_t* min, uint32_t* max) {
  if (q.empty()) return (*min = *max = 1, true);
  if (q == "+") return (*min = 1, *max = UINT32_MAX, true);
  if (q.front() != '{' || q.back() != '}') return false;
  size_t i = 1;
  if (!ParseCount(q, &i, min) || *min == 0) return false;
  if (q[i] == '}') return (*max = *min, i + 1 == q.size());
  if (q[i] != ',') return false;
  ++i;
  if (q[i] == '}') return (*max = UINT32_MAX, i + 1 == q.size());
  if (!ParseCount(q, &i, max) || *max < *min) return false;
  return q[i] == '}' && i + 1 == q.size();
}

// Parses a class atom at the start of `e` into `cls`; *len gets the atom's length.
bool ParseClassAtom(std::string_view e, std::array<bool, 256>* cls, size_t* len) {
  auto set = [&](unsigned lo, unsigned hi) {
    for (unsigned b = lo; b <= hi; ++b) (*cls)[b] = true;
  };
  if (e.starts_with("\\d")) return (set('0', '9'), *len = 2, true);
  if (e.starts_with("\\w")) {
    set('0', '9'), set('A', 'Z'), set('a', 'z'), set('_', '_');
    return (*len = 2, true);
  }
  if (e.empty() || e[0] != '[') return false;
  size_t i = 1;
  while (i < e.size() && e[i] != ']') {
    const char lo = e[i];
    if (!IsWordByte(lo)) return false;  // also rejects '^' (negation), escapes, '[:' classes
    char hi = lo;
    if (i + 2 < e.size() && e[i + 1] == '-' && IsWordByte(e[i + 2])) hi = e[i += 2];
    if (lo > hi) return false;
    set(static_cast<unsigned char>(lo), static_cast<unsigned char>(hi));
    ++i;
  }
  if (i >= e.size() || i == 1) return false;
  *len = i + 1;
  return true;
}

}  // namespace

std::optional<LiteralRegex> LiteralRegex::Recognize(std::string_view expr) {
  while (StripGroup(&expr)) {
  }
  if (expr.empty()) return std::nullopt;
  LiteralRegex re;
  if (expr[0] == '\\' || expr[0] == '[') {
    size_t len = 0;
    if (!ParseClassAtom(expr, &re.class_, &len)) return std::nullopt;
    if (!ParseQuantifier(expr.substr(len), &re.min_, &re.max_)) return std::nullopt;
    re.kind_ = Kind::kClassRun;
    re.SetRanges();
    return re;
  }
  for (size_t start = 0;;) {
    const size_t bar = std::min(expr.find('|', start), expr.size());
    const std::string_view lit = expr.substr(start, bar - start);
    if (lit.empty() || lit.size() > kMaxLiteralSize || re.lits_.size() >= kMaxLiterals) return std::nullopt;
    if (!std::all_of(lit.begin(), lit.end(), IsLiteralByte)) return std::nullopt;
    re.lits_.emplace_back(lit);
    if (bar == expr.size()) break;
    start = bar + 1;
  }
  re.kind_ = Kind::kAlternation;
  re.IndexLiterals();
  return re;
}

// Builds the per-literal heads, the by-first-byte order, the bigram table and the byte filters.
void LiteralRegex::IndexLiterals() {
  std::array<std::vector<uint16_t>, 256> by_first;
  std::array<std::array<bool, 256>, 2> allowed{};
  for (size_t idx = 0; idx < lits_.size(); ++idx) {
    const std::string& lit = lits_[idx];
    Literal m;
    m.size = static_cast<uint32_t>(lit.size());
    std::memcpy(&m.head, lit.data(), std::min<size_t>(8, lit.size()));
    const std::array<uint8_t, 8> ones = {255, 255, 255, 255, 255, 255, 255, 255};
    std::memcpy(&m.head_mask, ones.data(), std::min<size_t>(8, lit.size()));  // any byte order
    meta_.push_back(m);
    const auto a = static_cast<uint8_t>(lit[0]);
    by_first[a].push_back(static_cast<uint16_t>(idx));
    allowed[0][a] = true;
    if (lit.size() == 1) {
      for (int w = 0; w < 4; ++w) bigram_[(a << 2) | w] = ~uint64_t{0};
      allowed[1].fill(true);
    } else {
      const auto b = static_cast<uint8_t>(lit[1]);
      bigram_[(a << 2) | (b >> 6)] |= uint64_t{1} << (b & 63);
      allowed[1][b] = true;
    }
  }
  for (unsigned a = 0; a < 256; ++a) {
    first_begin_[a] = static_cast<uint8_t>(order_.size());
    first_count_[a] = static_cast<uint8_t>(by_first[a].size());
    order_.insert(order_.end(), by_first[a].begin(), by_first[a].end());
  }
  filter_[0].Build(allowed[0]);
  filter_[1].Build(allowed[1]);
}

// Up to 4 allowed bytes are tested exactly; more by their range.
void LiteralRegex::ByteFilter::Build(const std::array<bool, 256>& allowed) {
  int count = 0;
  for (unsigned b = 0; b < 256; ++b) {
    if (!allowed[b]) continue;
    lo = std::min<uint8_t>(lo, static_cast<uint8_t>(b)), hi = static_cast<uint8_t>(b);
    if (count < 4) set[count] = static_cast<uint8_t>(b);
    ++count;
  }
  exact = count <= 4;
  for (int k = count; k < 4; ++k) set[k] = set[0];
}

// Describes class_ as at most 4 contiguous byte ranges for the vector scans (ranges_ = 0: more).
void LiteralRegex::SetRanges() {
  ranges_ = 0;
  for (unsigned b = 0; b < 256;) {
    if (!class_[b]) {
      ++b;
      continue;
    }
    unsigned e = b;
    while (e + 1 < 256 && class_[e + 1]) ++e;
    if (ranges_ == range_lo_.size()) {
      ranges_ = 0;
      return;
    }
    range_lo_[ranges_] = static_cast<uint8_t>(b);
    range_span_[ranges_++] = static_cast<uint8_t>(e - b);
    b = e + 1;
  }
}

bool LiteralRegex::Find(std::string_view text, std::string_view* match) const {
  return kind_ == Kind::kClassRun ? FindClassRun(text, match) : FindAlternative(text, match);
}

// Whether literal `idx` is at `s`, with `room` bytes readable from s: one 8-byte load for the
// first 8 bytes, 8-byte loads (the last one overlapping) for the rest.
bool LiteralRegex::LiteralAt(uint16_t idx, const char* s, size_t room) const {
  const Literal& m = meta_[idx];
  if (m.size > room) return false;
  const char* lit = lits_[idx].data();
  if (room < 8) return std::equal(s, s + m.size, lit);  // near the end of the text: size < 8
  if ((Load64(s) & m.head_mask) != m.head) return false;
  if (m.size <= 8) return true;
  for (size_t k = 8; k + 8 < m.size; k += 8)
    if (Load64(s + k) != Load64(lit + k)) return false;
  return Load64(s + m.size - 8) == Load64(lit + m.size - 8);
}

// The first listed literal that matches at `pos`.
bool LiteralRegex::MatchAt(const char* p, size_t n, size_t pos, std::string_view* match) const {
  const auto a = static_cast<uint8_t>(p[pos]);
  const uint16_t* it = order_.data() + first_begin_[a];
  for (const uint16_t* end = it + first_count_[a]; it != end; ++it) {
    if (LiteralAt(*it, p + pos, n - pos)) {
      *match = std::string_view(p + pos, meta_[*it].size);
      return true;
    }
  }
  return false;
}

#if defined(__SSE2__)
namespace {
// Bit k set when byte k of the 16 at p lies in [lo, lo + span] (unsigned).
inline unsigned InRange16(const void* p, __m128i lo, __m128i span) {
  const __m128i x = _mm_sub_epi8(_mm_loadu_si128(static_cast<const __m128i*>(p)), lo);
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(x, span), x)));
}

// Vector byte filters (each Pass16 gives one bit per byte): a range, or up to 4 exact values.
struct RangeFilter {
  __m128i lo, span;
  RangeFilter(uint8_t l, uint8_t h)
      : lo(_mm_set1_epi8(static_cast<char>(l))), span(_mm_set1_epi8(static_cast<char>(h - l))) {}
  unsigned Pass16(const char* p) const { return InRange16(p, lo, span); }
};
struct ExactFilter {
  __m128i a, b, c, d;
  explicit ExactFilter(const std::array<uint8_t, 4>& v)
      : a(_mm_set1_epi8(static_cast<char>(v[0]))), b(_mm_set1_epi8(static_cast<char>(v[1]))),
        c(_mm_set1_epi8(static_cast<char>(v[2]))), d(_mm_set1_epi8(static_cast<char>(v[3]))) {}
  unsigned Pass16(const char* p) const {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i e = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, a), _mm_cmpeq_epi8(x, b)),
                                   _mm_or_si128(_mm_cmpeq_epi8(x, c), _mm_cmpeq_epi8(x, d)));
    return static_cast<unsigned>(_mm_movemask_epi8(e));
  }
};

// Calls on(at), in increasing order, for every at < n - 1 whose byte passes f0 and next byte f1,
// until one returns true (then true). Needs n >= 17: 32 then 16 bytes a step, and the last block
// is re-read at n - 17 with the already scanned positions masked off.
template <class F0, class F1, class On>
bool ScanPairs(const char* p, size_t n, const F0& f0, const F1& f1, On&& on) {
  auto pass = [&](size_t i) { return f0.Pass16(p + i) & f1.Pass16(p + i + 1); };
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

struct OneFilter {
  __m128i a;
  explicit OneFilter(uint8_t v) : a(_mm_set1_epi8(static_cast<char>(v))) {}
  unsigned Pass16(const char* p) const {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, a)));
  }
};

// Calls fn with the cheapest vector filter for `f`: one value, a range, or up to 4 values.
template <class ByteFilter, class Fn>
bool WithFilter(const ByteFilter& f, Fn&& fn) {
  if (f.lo == f.hi) return fn(OneFilter(f.lo));
  if (f.exact && f.hi - f.lo + 1 > 3) return fn(ExactFilter(f.set));
  return fn(RangeFilter(f.lo, f.hi));
}
}  // namespace
#endif

// Candidates are positions whose byte pair passes the vector filters, then the bigram table. The
// last byte of the text has no pair and only a one-byte literal can match there.
bool LiteralRegex::FindAlternative(std::string_view text, std::string_view* match) const {
  const char* p = text.data();
  const size_t n = text.size();
  size_t i = 0;
#if defined(__SSE2__)
  if (n >= 17) {
    auto on = [&](size_t at) {
      return Bigram(static_cast<uint8_t>(p[at]), static_cast<uint8_t>(p[at + 1])) && MatchAt(p, n, at, match);
    };
    const bool found = WithFilter(filter_[0], [&](const auto& f0) {
      return WithFilter(filter_[1], [&](const auto& f1) { return ScanPairs(p, n, f0, f1, on); });
    });
    if (found) return true;
    i = n - 1;
  }
#endif
  for (; i < n; ++i) {
    const auto a = static_cast<uint8_t>(p[i]);
    if (first_count_[a] == 0 || (i + 1 < n && !Bigram(a, static_cast<uint8_t>(p[i + 1])))) continue;
    if (MatchAt(p, n, i, match)) return true;
  }
  return false;
}

// The first index >= i of a class member (n when none).
size_t LiteralRegex::SkipNonMembers(const uint8_t* p, size_t i, size_t n) const {
#if defined(__SSE2__)
  if (ranges_ == 1) {
    const __m128i lo = _mm_set1_epi8(static_cast<char>(range_lo_[0]));
    const __m128i span = _mm_set1_epi8(static_cast<char>(range_span_[0]));
    for (; i + 16 <= n; i += 16)
      if (const unsigned mask = InRange16(p + i, lo, span)) return i + static_cast<size_t>(__builtin_ctz(mask));
  }
#endif
  while (i < n && !class_[p[i]]) ++i;
  return i;
}

#if defined(__SSE2__)
namespace {
// Member bits of the 16 bytes at q for a class of R ranges.
template <int R>
struct Members {
  __m128i lo[R], span[R];
  Members(const std::array<uint8_t, 4>& l, const std::array<uint8_t, 4>& s) {
    for (int k = 0; k < R; ++k) {
      lo[k] = _mm_set1_epi8(static_cast<char>(l[k]));
      span[k] = _mm_set1_epi8(static_cast<char>(s[k]));
    }
  }
  unsigned operator()(const uint8_t* q) const {
    unsigned m = InRange16(q, lo[0], span[0]);
    for (int k = 1; k < R; ++k) m |= InRange16(q, lo[k], span[k]);
    return m;
  }
};

// The leftmost start of `min` (<= 16) consecutive members in p[0, n) for n >= 32, n when none:
// member masks of 32-byte windows ANDed with themselves shifted by 1..min-1 give the run starts;
// starts in a window's upper half count only in the last window, which ends at the text's end.
template <int R>
size_t FirstRunStartOf(const Members<R>& members, uint32_t min, const uint8_t* p, size_t n) {
  auto starts = [&](uint32_t m) {
    uint32_t s = m;
    for (uint32_t k = 1; k < min && s; ++k) s &= m >> k;
    return s;
  };
  size_t i = 0;
  unsigned low = members(p);
  for (; i + 32 <= n; i += 16) {
    const unsigned high = members(p + i + 16);
    if (const uint32_t s = starts(low | (high << 16)) & 0xFFFF) return i + static_cast<size_t>(__builtin_ctz(s));
    low = high;
  }
  const size_t last = n - 32, skip = i - last;  // positions before i are ruled out; skip <= 16
  const uint32_t s = starts(members(p + last) | (members(p + last + 16) << 16)) >> skip << skip;
  return s ? last + static_cast<size_t>(__builtin_ctz(s)) : n;
}
}  // namespace
#endif

// The vector scan (FirstRunStartOf) when the class and count suit it: the leftmost start of min_
// members, n when none; npos when the scan does not apply.
size_t LiteralRegex::FirstRunStart(const uint8_t* p, size_t n) const {
#if defined(__SSE2__)
  if (min_ > 16 || n < 32) return std::string_view::npos;
  switch (ranges_) {
    case 1: return FirstRunStartOf(Members<1>(range_lo_, range_span_), min_, p, n);
    case 2: return FirstRunStartOf(Members<2>(range_lo_, range_span_), min_, p, n);
    case 3: return FirstRunStartOf(Members<3>(range_lo_, range_span_), min_, p, n);
    case 4: return FirstRunStartOf(Members<4>(range_lo_, range_span_), min_, p, n);
    default: return std::string_view::npos;
  }
#else
  (void)p, (void)n;
  return std::string_view::npos;
#endif
}

// Leftmost-first greedy: the first maximal run of class bytes at least min_ long, cut to max_.
bool LiteralRegex::FindClassRun(std::string_view text, std::string_view* match) const {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const size_t n = text.size();
  if (const size_t start = FirstRunStart(p, n); start != std::string_view::npos) {
    if (start == n) return false;
    const size_t cap = start + std::min<size_t>(max_, n - start);
    size_t end = start + min_;  // p[start, start + min_) are members
    while (end < cap && class_[p[end]]) ++end;
    *match = text.substr(start, end - start);
    return true;
  }
  size_t i = 0;
  while (i < n) {
    i = SkipNonMembers(p, i, n);
    const size_t start = i;
    const size_t cap = start + std::min<size_t>(max_, n - start);
    while (i < cap && class_[p[i]]) ++i;
    if (i - start >= min_) {
      *match = text.substr(start, i - start);
      return true;
    }
  }
  return false;
}

}  // namespace skald::pipeline
