// UTF-8 decoding with Go's error rules and case mapping over the generated range table
// (unicode_case_table.inc, from gen_unicode_case.py), looked up like Go's unicode.CaseRanges.
#include "common/gotemplate/unicode_case.h"

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace skald::gotemplate {
namespace {

constexpr int32_t kUpperLower = 0x110000;

struct CaseRange {
  uint32_t lo, hi;
  int32_t delta[3];  // to upper, to lower, to title
};

constexpr CaseRange kCaseRanges[] = {
#include "common/gotemplate/unicode_case_table.inc"
};

enum Case { kUpper = 0, kLower = 1, kTitle = 2 };

char32_t MapCase(Case c, char32_t r) {
  auto it = std::lower_bound(std::begin(kCaseRanges), std::end(kCaseRanges), r,
                             [](const CaseRange& cr, char32_t v) { return cr.hi < v; });
  if (it == std::end(kCaseRanges) || r < it->lo) return r;
  int32_t d = it->delta[c];
  if (d != kUpperLower) return static_cast<char32_t>(static_cast<int32_t>(r) + d);
  // Alternating pairs: even offsets are upper case, odd ones lower; title maps like upper.
  return it->lo + (((r - it->lo) & ~char32_t{1}) | static_cast<char32_t>(c & 1));
}

bool IsCont(unsigned char b) { return (b & 0xC0) == 0x80; }

template <typename F>
std::string MapRunes(std::string_view s, F&& f) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    DecodedRune d = DecodeRune(s, i);
    AppendRune(f(d.rune), &out);
    i += d.width;
  }
  return out;
}

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

}  // namespace

DecodedRune DecodeRune(std::string_view s, size_t pos) {
  if (pos >= s.size()) return {kRuneError, 0};
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + pos;
  size_t n = s.size() - pos;
  unsigned char b0 = p[0];
  if (b0 < 0x80) return {b0, 1};
  size_t need = b0 >= 0xC2 && b0 <= 0xDF ? 2 : b0 >= 0xE0 && b0 <= 0xEF ? 3 : b0 >= 0xF0 && b0 <= 0xF4 ? 4 : 0;
  if (need == 0 || n < need) return {kRuneError, 1};
  // The second byte's range is narrower after E0 (no overlongs), ED (no surrogates), F0, F4.
  unsigned char lo = b0 == 0xE0 ? 0xA0 : b0 == 0xF0 ? 0x90 : 0x80;
  unsigned char hi = b0 == 0xED ? 0x9F : b0 == 0xF4 ? 0x8F : 0xBF;
  if (p[1] < lo || p[1] > hi) return {kRuneError, 1};
  for (size_t k = 2; k < need; ++k)
    if (!IsCont(p[k])) return {kRuneError, 1};
  char32_t r = b0 & (need == 2 ? 0x1F : need == 3 ? 0x0F : 0x07);
  for (size_t k = 1; k < need; ++k) r = (r << 6) | (p[k] & 0x3F);
  return {r, need};
}

DecodedRune DecodeLastRune(std::string_view s) {
  if (s.empty()) return {kRuneError, 0};
  size_t end = s.size(), start = end - 1;
  if (static_cast<unsigned char>(s[start]) < 0x80) return {static_cast<unsigned char>(s[start]), 1};
  size_t lim = end >= 4 ? end - 4 : 0;
  while (start > lim && IsCont(static_cast<unsigned char>(s[start]))) --start;
  DecodedRune d = DecodeRune(s.substr(0, end), start);
  if (start + d.width != end) return {kRuneError, 1};
  return d;
}

void AppendRune(char32_t r, std::string* out) {
  if (r < 0x80) { out->push_back(static_cast<char>(r)); return; }
  if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = kRuneError;
  if (r < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (r >> 6)));
  } else if (r < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (r >> 12)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (r >> 18)));
    out->push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
  }
  out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
}

bool ContainsRuneError(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {   // ASCII: no decode (per JSON value on queries)
      ++i;
      continue;
    }
    DecodedRune d = DecodeRune(s, i);
    if (d.rune == kRuneError) return true;
    i += d.width;
  }
  return false;
}

char32_t ToUpperRune(char32_t r) {
  if (r < 0x80) return r >= 'a' && r <= 'z' ? r - 32 : r;
  return MapCase(kUpper, r);
}

char32_t ToLowerRune(char32_t r) {
  if (r < 0x80) return r >= 'A' && r <= 'Z' ? r + 32 : r;
  return MapCase(kLower, r);
}

char32_t ToTitleRune(char32_t r) {
  if (r < 0x80) return r >= 'a' && r <= 'z' ? r - 32 : r;
  return MapCase(kTitle, r);
}

bool IsSpaceRune(char32_t r) {
  switch (r) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ': case 0x85: case 0xA0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

std::string ToUpper(std::string_view s) {
  if (IsAscii(s)) {
    std::string r(s);
    for (char& c : r) if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    return r;
  }
  return MapRunes(s, ToUpperRune);
}

std::string ToLower(std::string_view s) {
  if (IsAscii(s)) {
    std::string r(s);
    for (char& c : r) if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    return r;
  }
  return MapRunes(s, ToLowerRune);
}

std::string Title(std::string_view s) {
  // Go's isSeparator: ASCII other than [0-9A-Za-z_]; beyond ASCII only Unicode spaces (letters,
  // digits and everything else join words).
  auto is_sep = [](char32_t r) {
    if (r < 0x80)
      return !((r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r == '_');
    return IsSpaceRune(r);
  };
  char32_t prev = ' ';
  return MapRunes(s, [&](char32_t r) {
    char32_t out = is_sep(prev) ? ToTitleRune(r) : r;
    prev = r;
    return out;
  });
}

}  // namespace skald::gotemplate
