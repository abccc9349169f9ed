// jsonparser-compatible scanning primitives (token, string and block ends, value typing, unescape)
// behind JsonObjectEach; each mirrors the documented behaviour of the Go library Loki 2.9 uses.
#include "common/logql/log/json_scan.h"

#include <cstdint>
#include <cstring>

#include "common/gotemplate/unicode_case.h"

namespace skald::logql::log {
namespace {

bool IsJsonSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Four hex digits at in[2..5] (the "\u" itself is not checked, as in jsonparser); -1 if bad.
long FourHex(std::string_view in) {
  if (in.size() < 6) return -1;
  long r = 0;
  for (size_t i = 2; i < 6; ++i) {
    int h = HexDigit(in[i]);
    if (h < 0) return -1;
    r = r * 16 + h;
  }
  return r;
}

// A "\uXXXX" escape (with its low surrogate when needed): bytes consumed, 0 if bad.
size_t DecodeUnicodeEscape(std::string_view in, char32_t* out) {
  long r = FourHex(in);
  if (r < 0) return 0;
  if (r < 0xD800 || r > 0xDFFF) {
    *out = static_cast<char32_t>(r);
    return 6;
  }
  long r2 = FourHex(in.substr(6));
  if (r2 < 0 || r2 < 0xDC00) return 0;
  *out = static_cast<char32_t>(0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00));
  return 12;
}

// Bytes of w equal to c flagged in their high bit; the lowest flag is exact (higher ones may not be).
inline uint64_t BytesEqual(uint64_t w, char c) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  uint64_t x = w ^ (kOnes * static_cast<unsigned char>(c));
  return (x - kOnes) & ~x & kHigh;
}

// Index of the first a, b or c in p[i, n), or n; eight bytes at a time (strings are most of a line).
size_t NextOf(const char* p, size_t i, size_t n, char a, char b, char c) {
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    uint64_t m = BytesEqual(w, a) | BytesEqual(w, b) | BytesEqual(w, c);
    if (m != 0) return i + static_cast<size_t>(__builtin_ctzll(m)) / 8;
  }
  for (; i < n; ++i)
    if (p[i] == a || p[i] == b || p[i] == c) return i;
  return n;
}

}  // namespace

size_t JsonTokenEnd(std::string_view d) {
  for (size_t i = 0; i < d.size(); ++i) {
    char c = d[i];
    if (IsJsonSpace(c) || c == ',' || c == '}' || c == ']') return i;
  }
  return d.size();
}

size_t JsonNextToken(std::string_view d, size_t from) {
  for (size_t i = from; i < d.size(); ++i)
    if (!IsJsonSpace(d[i])) return i;
  return kJsonNpos;
}

size_t JsonStringEnd(std::string_view d, bool* escaped) {
  *escaped = false;
  const char* p = d.data();
  for (size_t i = NextOf(p, 0, d.size(), '"', '\\', '"'); i < d.size();
       i = NextOf(p, i + 1, d.size(), '"', '\\', '"')) {
    if (p[i] == '\\') {
      *escaped = true;
      continue;
    }
    if (!*escaped) return i + 1;
    // Count the backslashes right before the quote: an even number leaves it unescaped.
    size_t n = 0;
    while (n < i && p[i - 1 - n] == '\\') ++n;
    if (n % 2 == 0) return i + 1;
  }
  return kJsonNpos;
}

size_t JsonBlockEnd(std::string_view d, char open, char close) {
  int level = 0;
  const char* p = d.data();
  for (size_t i = NextOf(p, 0, d.size(), '"', open, close); i < d.size();
       i = NextOf(p, i + 1, d.size(), '"', open, close)) {
    char c = p[i];
    if (c == '"') {
      bool esc = false;
      size_t se = JsonStringEnd(d.substr(i + 1), &esc);
      if (se == kJsonNpos) return kJsonNpos;
      i += se;
    } else if (c == open) {
      ++level;
    } else if (--level == 0) {
      return i + 1;
    }
  }
  return kJsonNpos;
}

size_t JsonBalancedArrayEnd(std::string_view d) {
  int64_t brackets = 0, braces = 0;
  for (size_t i = 0; i < d.size(); ++i) {
    switch (d[i]) {
      case '"': {
        bool esc = false;
        size_t se = JsonStringEnd(d.substr(i + 1), &esc);
        if (se == kJsonNpos) return kJsonNpos;
        i += se;
        break;
      }
      case '[': ++brackets; break;
      case ']':
        if (--brackets == 0) return braces == 0 ? i + 1 : kJsonNpos;
        break;
      case '{': ++braces; break;
      case '}':
        if (--braces < 0) return kJsonNpos;
        break;
      default: break;
    }
  }
  return kJsonNpos;
}

std::string_view JsonGetValue(std::string_view d, size_t from, JsonValue* v, size_t* end) {
  size_t off = JsonNextToken(d, from);
  if (off == kJsonNpos) return kJsonErrMalformedJson;
  char c = d[off];
  if (c == '"') {
    bool esc = false;
    size_t se = JsonStringEnd(d.substr(off + 1), &esc);
    if (se == kJsonNpos) return kJsonErrMalformedString;
    *v = JsonValue{d.substr(off + 1, se - 1), JsonKind::kString, esc};
    *end = off + 1 + se;
    return {};
  }
  if (c == '[' || c == '{') {
    size_t be = JsonBlockEnd(d.substr(off), c, c == '[' ? ']' : '}');
    if (be == kJsonNpos) return c == '[' ? kJsonErrMalformedArray : kJsonErrMalformedObject;
    *v = JsonValue{d.substr(off, be), c == '[' ? JsonKind::kArray : JsonKind::kObject};
    *end = off + be;
    return {};
  }
  std::string_view tok = d.substr(off, JsonTokenEnd(d.substr(off)));
  *end = off + tok.size();
  if (c == 't' || c == 'f') {
    if (tok != "true" && tok != "false") return kJsonErrUnknownValueType;
    *v = JsonValue{tok, JsonKind::kBoolean};
  } else if (c == 'u' || c == 'n') {
    if (tok != "null") return kJsonErrUnknownValueType;
    *v = JsonValue{tok, JsonKind::kNull};
  } else if ((c >= '0' && c <= '9') || c == '-') {
    *v = JsonValue{tok, JsonKind::kNumber};  // not validated: "12ab" is a number too
  } else {
    return kJsonErrUnknownValueType;
  }
  return {};
}

bool JsonUnescape(std::string_view in, std::string* out) {
  size_t i = 0;
  while (i < in.size()) {
    size_t bs = in.find('\\', i);
    if (bs == kJsonNpos) bs = in.size();
    out->append(in.substr(i, bs - i));
    if (bs == in.size()) break;
    if (bs + 1 >= in.size()) return false;
    char e = in[bs + 1];
    char simple = 0;
    switch (e) {
      case '"': case '\\': case '/': simple = e; break;
      case 'b': simple = '\b'; break;
      case 'f': simple = '\f'; break;
      case 'n': simple = '\n'; break;
      case 'r': simple = '\r'; break;
      case 't': simple = '\t'; break;
      case 'u': break;
      default: return false;
    }
    if (simple != 0) {
      out->push_back(simple);
      i = bs + 2;
      continue;
    }
    char32_t r = 0;
    size_t used = DecodeUnicodeEscape(in.substr(bs), &r);
    if (used == 0) return false;
    gotemplate::AppendRune(r, out);  // surrogates / past U+10FFFF become U+FFFD, as Go's EncodeRune
    i = bs + used;
  }
  return true;
}

}  // namespace skald::logql::log
