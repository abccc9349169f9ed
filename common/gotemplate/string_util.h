// Internal: Go-compatible string helpers behind the template functions (strings.Replace/Trim with
// rune cutsets, regexp.ReplaceAllString with $-expansion, url.QueryEscape, base64); case: unicode_case.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace skald::gotemplate::internal {

// strings.Replace(s, from, to, n); n < 0 replaces all.
std::string ReplaceN(std::string_view s, std::string_view from, std::string_view to, int64_t n);
// strings.Trim/TrimLeft/TrimRight: `cutset` is a set of runes; TrimSpaceView trims unicode.IsSpace.
std::string_view TrimCutset(std::string_view s, std::string_view cutset, bool left, bool right);
std::string_view TrimSpaceView(std::string_view s);
// regexp's ReplaceAllString (repl with $1 ${name} $$) or ReplaceAllLiteralString.
std::string RegexReplaceAll(const re2::RE2& re, std::string_view s, std::string_view repl, bool literal);
// len(regexp.FindAllStringIndex(s, -1)).
int64_t RegexCount(const re2::RE2& re, std::string_view s);
// Loki's alignLeft/alignRight: pad with spaces or cut to `width` runes; width < 0 returns s.
std::string AlignRunes(std::string_view s, int64_t width, bool left);
std::string QueryEscape(std::string_view s);
bool QueryUnescape(std::string_view s, std::string* out);
std::string Base64Encode(std::string_view s);
bool Base64Decode(std::string_view s, std::string* out);

}  // namespace skald::gotemplate::internal
