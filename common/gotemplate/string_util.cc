// Go-compatible string helpers for the template functions.
#include "common/gotemplate/string_util.h"

#include "common/gotemplate/unicode_case.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <cctype>
#include <vector>

namespace skald::gotemplate::internal {
namespace {

// Go's utf8.DecodeRuneInString width (1 for an invalid byte).
size_t RuneWidth(std::string_view s, size_t pos) { return std::max<size_t>(DecodeRune(s, pos).width, 1); }

// strings.ContainsRune(cutset, r); a cutset's invalid bytes decode to U+FFFD as in Go.
bool InCutset(std::string_view cutset, char32_t r) {
  for (size_t i = 0; i < cutset.size();) {
    DecodedRune d = DecodeRune(cutset, i);
    if (d.rune == r) return true;
    i += d.width;
  }
  return false;
}

// strings.TrimLeftFunc / TrimRightFunc over Go-decoded runes.
template <typename F>
std::string_view TrimRunes(std::string_view s, F&& drop, bool left, bool right) {
  while (left && !s.empty()) {
    DecodedRune d = DecodeRune(s, 0);
    if (!drop(d.rune)) break;
    s.remove_prefix(d.width);
  }
  while (right && !s.empty()) {
    DecodedRune d = DecodeLastRune(s);
    if (!drop(d.rune)) break;
    s.remove_suffix(d.width);
  }
  return s;
}

// Appends repl with Go's regexp.Expand rules.
void Expand(const re2::RE2& re, std::string_view repl, const re2::StringPiece* groups, int n,
            std::string* out) {
  for (size_t i = 0; i < repl.size(); ++i) {
    if (repl[i] != '$' || i + 1 >= repl.size()) { out->push_back(repl[i]); continue; }
    if (repl[i + 1] == '$') { out->push_back('$'); ++i; continue; }
    size_t start = i + 1, end = start;
    bool brace = repl[start] == '{';
    if (brace) ++start, end = start;
    while (end < repl.size() && (std::isalnum(static_cast<unsigned char>(repl[end])) || repl[end] == '_')) ++end;
    if (end == start || (brace && (end >= repl.size() || repl[end] != '}'))) { out->push_back('$'); continue; }
    std::string_view name = repl.substr(start, end - start);
    int idx = -1;
    if (std::all_of(name.begin(), name.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      idx = name.size() < 9 ? std::stoi(std::string(name)) : -1;
    } else {
      auto it = re.NamedCapturingGroups().find(std::string(name));
      if (it != re.NamedCapturingGroups().end()) idx = it->second;
    }
    if (idx >= 0 && idx < n && groups[idx].data() != nullptr) out->append(groups[idx].data(), groups[idx].size());
    i = brace ? end : end - 1;
  }
}

}  // namespace

std::string ReplaceN(std::string_view s, std::string_view from, std::string_view to, int64_t n) {
  std::string r;
  size_t pos = 0;
  for (int64_t done = 0; n < 0 || done < n; ++done) {
    size_t at;
    if (from.empty()) {  // Go inserts `to` before each rune and at the end
      if (pos > s.size()) break;
      r.append(to);
      if (pos == s.size()) { pos = s.size() + 1; break; }
      size_t w = RuneWidth(s, pos);
      r.append(s.substr(pos, w));
      pos += w;
      continue;
    }
    at = s.find(from, pos);
    if (at == std::string_view::npos) break;
    r.append(s.substr(pos, at - pos)).append(to);
    pos = at + from.size();
  }
  if (pos < s.size()) r.append(s.substr(pos));
  return r;
}

std::string_view TrimCutset(std::string_view s, std::string_view cutset, bool left, bool right) {
  return TrimRunes(s, [&](char32_t r) { return InCutset(cutset, r); }, left, right);
}

std::string_view TrimSpaceView(std::string_view s) { return TrimRunes(s, IsSpaceRune, true, true); }

std::string RegexReplaceAll(const re2::RE2& re, std::string_view s, std::string_view repl, bool literal) {
  int n = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> g(n);
  std::string out;
  size_t search = 0, last_end = 0;
  while (search <= s.size()) {
    if (!re.Match(s, search, s.size(), re2::RE2::UNANCHORED, g.data(), n)) break;
    size_t a0 = g[0].data() - s.data(), a1 = a0 + g[0].size();
    out.append(s.substr(last_end, a0 - last_end));
    if (a1 > last_end || a0 == 0) {
      if (literal) out.append(repl);
      else Expand(re, repl, g.data(), n, &out);
    }
    last_end = a1;
    size_t w = search < s.size() ? RuneWidth(s, search) : 1;
    if (search + w > a1) search += w;
    else if (search + 1 > a1) search += 1;
    else search = a1;
  }
  out.append(s.substr(std::min(last_end, s.size())));
  return out;
}

int64_t RegexCount(const re2::RE2& re, std::string_view s) {
  re2::StringPiece m;
  int64_t count = 0;
  size_t pos = 0;
  long prev_end = -1;
  while (pos <= s.size()) {
    if (!re.Match(s, pos, s.size(), re2::RE2::UNANCHORED, &m, 1)) break;
    size_t a0 = m.data() - s.data(), a1 = a0 + m.size();
    bool accept = true;
    if (a1 == pos) {
      if (static_cast<long>(a0) == prev_end) accept = false;
      pos += pos < s.size() ? RuneWidth(s, pos) : 1;
    } else {
      pos = a1;
    }
    prev_end = static_cast<long>(a1);
    count += accept;
  }
  return count;
}

std::string AlignRunes(std::string_view s, int64_t width, bool left) {
  std::vector<char32_t> runes;  // Go's []rune(s): invalid bytes become U+FFFD
  for (size_t i = 0; i < s.size(); i += RuneWidth(s, i)) runes.push_back(DecodeRune(s, i).rune);
  int64_t n = static_cast<int64_t>(runes.size());
  if (width < 0 || width == n) return std::string(s);
  if (width > n) {
    std::string pad(static_cast<size_t>(std::min<int64_t>(width - n, 1 << 20)), ' ');
    return left ? std::string(s) + pad : pad + std::string(s);
  }
  std::string out;
  size_t from = left ? 0 : static_cast<size_t>(n - width);
  for (size_t i = from; i < from + static_cast<size_t>(width); ++i) AppendRune(runes[i], &out);
  return out;
}

std::string QueryEscape(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string r;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') r.push_back(static_cast<char>(c));
    else if (c == ' ') r.push_back('+');
    else { r.push_back('%'); r.push_back(kHex[c >> 4]); r.push_back(kHex[c & 15]); }
  }
  return r;
}

bool QueryUnescape(std::string_view s, std::string* out) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') { out->push_back(' '); continue; }
    if (s[i] != '%') { out->push_back(s[i]); continue; }
    if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 2]))) return false;
    out->push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
    i += 2;
  }
  return true;
}

static const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64Encode(std::string_view s) {
  std::string r;
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    uint32_t v = (uint8_t(s[i]) << 16) | (uint8_t(s[i + 1]) << 8) | uint8_t(s[i + 2]);
    for (int k = 18; k >= 0; k -= 6) r.push_back(kB64[(v >> k) & 63]);
  }
  if (i < s.size()) {
    uint32_t v = uint8_t(s[i]) << 16;
    if (i + 1 < s.size()) v |= uint8_t(s[i + 1]) << 8;
    r.push_back(kB64[(v >> 18) & 63]);
    r.push_back(kB64[(v >> 12) & 63]);
    r.push_back(i + 1 < s.size() ? kB64[(v >> 6) & 63] : '=');
    r.push_back('=');
  }
  return r;
}

bool Base64Decode(std::string_view s, std::string* out) {
  if (s.size() % 4 != 0) return false;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '=') { if (i + 2 < s.size()) return false; break; }
    const char* p = std::strchr(kB64, s[i]);
    if (p == nullptr || s[i] == '\0') return false;
    acc = (acc << 6) | static_cast<uint32_t>(p - kB64);
    bits += 6;
    if (bits >= 8) { bits -= 8; out->push_back(static_cast<char>((acc >> bits) & 0xFF)); }
  }
  return true;
}

}  // namespace skald::gotemplate::internal
