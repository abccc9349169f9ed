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
    const auto first = std::find(re.class_.begin(), re.class_.end(), true);
    const auto end = std::find(first, re.class_.end(), false);
    re.contiguous_ = std::find(end, re.class_.end(), true) == re.class_.end();
    re.class_lo_ = static_cast<uint8_t>(first - re.class_.begin());
    re.class_span_ = static_cast<uint8_t>(end - first - 1);
    return re;
  }
  for (size_t start = 0;;) {
    const size_t bar = std::min(expr.find('|', start), expr.size());
    const std::string_view lit = expr.substr(start, bar - start);
    if (lit.empty() || lit.size() > kMaxLiteralSize || re.lits_.size() >= kMaxLiterals) return std::nullopt;
    if (!std::all_of(lit.begin(), lit.end(), IsLiteralByte)) return std::nullopt;
    const auto b = static_cast<uint8_t>(lit[0]);
    re.by_first_[b].push_back(static_cast<uint16_t>(re.lits_.size()));
    re.first_[b] = true;
    re.lo_ = std::min(re.lo_, b);
    re.hi_ = std::max(re.hi_, b);
    re.lits_.emplace_back(lit);
    if (bar == expr.size()) break;
    start = bar + 1;
  }
  if (re.lo_ == re.hi_) re.single_first_ = re.lo_;
  re.kind_ = Kind::kAlternation;
  return re;
}

bool LiteralRegex::Find(std::string_view text, std::string_view* match) const {
  return kind_ == Kind::kClassRun ? FindClassRun(text, match) : FindAlternative(text, match);
}

// The first listed literal that matches at `pos` (whose first byte is a known first byte).
bool LiteralRegex::MatchAt(std::string_view text, size_t pos, std::string_view* match) const {
  const size_t room = text.size() - pos;
  for (uint16_t idx : by_first_[static_cast<uint8_t>(text[pos])]) {
    const std::string& lit = lits_[idx];
    if (lit.size() <= room && std::memcmp(text.data() + pos + 1, lit.data() + 1, lit.size() - 1) == 0) {
      *match = text.substr(pos, lit.size());
      return true;
    }
  }
  return false;
}

bool LiteralRegex::FindAlternative(std::string_view text, std::string_view* match) const {
  const char* p = text.data();
  const size_t n = text.size();
  size_t i = 0;
  if (single_first_ >= 0) {
    while (i < n) {
      const void* hit = std::memchr(p + i, single_first_, n - i);
      if (!hit) return false;
      i = static_cast<size_t>(static_cast<const char*>(hit) - p);
      if (MatchAt(text, i, match)) return true;
      ++i;
    }
    return false;
  }
#if defined(__SSE2__)
  // 16 bytes at a time: only bytes within [lo_, hi_] (unsigned) can start a literal.
  const __m128i lo = _mm_set1_epi8(static_cast<char>(lo_));
  const __m128i span = _mm_set1_epi8(static_cast<char>(hi_ - lo_));
  for (; i + 16 <= n; i += 16) {
    const __m128i x = _mm_sub_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)), lo);
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(x, span), x)));
    while (mask) {
      const size_t at = i + static_cast<size_t>(__builtin_ctz(mask));
      if (first_[static_cast<uint8_t>(p[at])] && MatchAt(text, at, match)) return true;
      mask &= mask - 1;
    }
  }
#endif
  for (; i < n; ++i)
    if (first_[static_cast<uint8_t>(p[i])] && MatchAt(text, i, match)) return true;
  return false;
}

// The first index >= i of a class member (n when none).
size_t LiteralRegex::SkipNonMembers(const uint8_t* p, size_t i, size_t n) const {
#if defined(__SSE2__)
  if (contiguous_) {
    const __m128i lo = _mm_set1_epi8(static_cast<char>(class_lo_));
    const __m128i span = _mm_set1_epi8(static_cast<char>(class_span_));
    for (; i + 16 <= n; i += 16) {
      const __m128i x = _mm_sub_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)), lo);
      const int mask = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(x, span), x));
      if (mask) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    }
  }
#endif
  while (i < n && !class_[p[i]]) ++i;
  return i;
}

// Leftmost-first greedy: the first maximal run of class bytes at least min_ long, cut to max_.
bool LiteralRegex::FindClassRun(std::string_view text, std::string_view* match) const {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const size_t n = text.size();
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
