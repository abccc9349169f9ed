// Recognition of scan-shaped regexes (whole-expression groups around literal alternations or one
// counted ASCII class) and the scan tables built from them; the scans themselves are in literal_scan.cc.
#include "collector/pipeline/stages/literal_regex.h"

#include <algorithm>
#include <cstring>

namespace skald::pipeline {
namespace {

constexpr uint32_t kMaxRepeat = 1000;  // RE2's (and Go's) limit on a counted repetition
// Bounds on alternations: matching tries each literal sharing a first byte at a candidate position,
// so large or long alternations are left to RE2, whose DFA is linear in the text.
constexpr size_t kMaxLiterals = scan::Alternation::kMaxLiterals;
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

namespace scan {
namespace {

std::array<uint8_t, 32> Splat(uint8_t b) {
  std::array<uint8_t, 32> v;
  v.fill(b);
  return v;
}

}  // namespace

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
  table.fill(0xFF);
  nibble = count >= 2 && count <= 17 && hi < 0x80 ? Nibble::kTable : Nibble::kNone;
  for (unsigned b = 0; b < 128 && nibble != Nibble::kNone; ++b) {
    if (!allowed[b]) continue;
    if (table[b & 15] == 0xFF) {
      table[b & 15] = table[16 + (b & 15)] = static_cast<uint8_t>(b);
    } else if (nibble == Nibble::kTable) {  // the first byte whose slot is taken: compared on its own
      nibble = Nibble::kTableAndOne, extra = Splat(static_cast<uint8_t>(b));
    } else {
      nibble = Nibble::kNone;
    }
  }
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
  one_byte = false;
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
    one_byte = one_byte || lit.size() == 1;
    if (lit.size() == 1) {
      allowed[1].fill(true);
    } else {
      allowed[1][static_cast<uint8_t>(lit[1])] = true;
    }
  }
  pair[0].Build(allowed[0]);
  pair[1].Build(allowed[1]);
  SelectKernels(*this);
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
      break;
    }
    lo[count] = Splat(static_cast<uint8_t>(b));
    span[count++] = Splat(static_cast<uint8_t>(e - b));
    b = e + 1;
  }
  SelectKernels(*this);
}

}  // namespace scan

std::optional<LiteralRegex> LiteralRegex::Recognize(std::string_view expr) {
  while (StripGroup(&expr)) {
  }
  if (expr.empty()) return std::nullopt;
  LiteralRegex re;
  if (expr[0] == '\\' || expr[0] == '[') {
    size_t len = 0;
    if (!ParseClassAtom(expr, &re.run_.member, &len)) return std::nullopt;
    if (!ParseQuantifier(expr.substr(len), &re.run_.min, &re.run_.max)) return std::nullopt;
    re.kind_ = Kind::kClassRun;
    re.run_.Build();
    return re;
  }
  for (size_t start = 0;;) {
    const size_t bar = std::min(expr.find('|', start), expr.size());
    const std::string_view lit = expr.substr(start, bar - start);
    if (lit.empty() || lit.size() > kMaxLiteralSize || re.alt_.lits.size() >= kMaxLiterals) return std::nullopt;
    if (!std::all_of(lit.begin(), lit.end(), IsLiteralByte)) return std::nullopt;
    re.alt_.lits.emplace_back(lit);
    if (bar == expr.size()) break;
    start = bar + 1;
  }
  re.kind_ = Kind::kAlternation;
  re.alt_.Build();
  return re;
}

void LiteralRegex::ForceBaselineForTesting(bool on) { scan::ForceBaseline(on); }
bool LiteralRegex::UsesAvx2() { return scan::Avx2Active(); }

}  // namespace skald::pipeline
