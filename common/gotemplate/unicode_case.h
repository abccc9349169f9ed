// Go's unicode/utf8 decoding and simple (per-rune) Unicode case mapping, so the template string
// functions (ToUpper, lower, title, Trim*, ...) treat non-ASCII text exactly as Go's strings does.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace skald::gotemplate {

inline constexpr char32_t kRuneError = 0xFFFD;

struct DecodedRune {
  char32_t rune;
  size_t width;
};

// utf8.DecodeRuneInString(s[pos:]): an invalid or truncated sequence is (U+FFFD, 1); at the end
// of s it is (U+FFFD, 0).
DecodedRune DecodeRune(std::string_view s, size_t pos);
// utf8.DecodeLastRuneInString(s).
DecodedRune DecodeLastRune(std::string_view s);
// utf8.AppendRune: surrogates and values past U+10FFFF are written as U+FFFD.
void AppendRune(char32_t r, std::string* out);
// bytes.ContainsRune(s, utf8.RuneError): true for an encoded U+FFFD or any invalid sequence.
bool ContainsRuneError(std::string_view s);

// unicode.ToUpper/ToLower/ToTitle: simple case mapping from UnicodeData (Unicode 15.0, as Go 1.21).
char32_t ToUpperRune(char32_t r);
char32_t ToLowerRune(char32_t r);
char32_t ToTitleRune(char32_t r);
// unicode.IsSpace.
bool IsSpaceRune(char32_t r);

// strings.ToUpper / strings.ToLower / strings.Title. Outside ASCII the text is rebuilt rune by
// rune, so invalid UTF-8 bytes come out as U+FFFD, as Go's strings.Map does.
std::string ToUpper(std::string_view s);
std::string ToLower(std::string_view s);
std::string Title(std::string_view s);

}  // namespace skald::gotemplate
