// The JSON scanning Loki 2.9's `| json` and `| unpack` do (github.com/buger/jsonparser ObjectEach):
// values are found by scanning, not validated, fields before an error are kept, and its error texts.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace skald::logql::log {

// jsonparser's error texts; Loki copies them into __error_details__ unchanged.
inline constexpr std::string_view kJsonErrMalformedJson = "Malformed JSON error";
inline constexpr std::string_view kJsonErrMalformedString =
    "Value is string, but can't find closing '\"' symbol";
inline constexpr std::string_view kJsonErrMalformedArray =
    "Value is array, but can't find closing ']' symbol";
inline constexpr std::string_view kJsonErrMalformedObject =
    "Value looks like object, but can't find closing '}' symbol";
inline constexpr std::string_view kJsonErrUnknownValueType = "Unknown value type";
inline constexpr std::string_view kJsonErrStringEscape =
    "Encountered an invalid escape sequence in a string";

enum class JsonKind : unsigned char { kString, kNumber, kObject, kArray, kBoolean, kNull };

struct JsonValue {
  // String: the bytes between the quotes, still escaped. Others: the token or the whole {..}/[..].
  std::string_view raw;
  JsonKind kind = JsonKind::kNull;
  bool escaped = false;  // a string holding a backslash (only those need unescaping)
};

inline constexpr size_t kJsonNpos = std::string_view::npos;

// Length of the scalar token `d` starts with: up to a space, ',', '}' or ']' (or the end).
size_t JsonTokenEnd(std::string_view d);
// Offset of the first byte at or after `from` that is not ' ', '\n', '\r', '\t'; npos if none.
size_t JsonNextToken(std::string_view d, size_t from);
// `d` starts just after an opening quote: offset just past the closing quote (escaped quotes
// skipped), npos if none; *escaped tells whether a backslash was seen.
size_t JsonStringEnd(std::string_view d, bool* escaped);
// `d` starts at `open`: offset just past the matching `close` (strings skipped), npos if none.
size_t JsonBlockEnd(std::string_view d, char open, char close);
// `d` starts at '[': offset just past the ']' that brings the bracket count back to zero, provided
// the braces between pair up (strings skipped); npos otherwise.
size_t JsonBalancedArrayEnd(std::string_view d);
// The value at the first token at or after `from`; *end is the offset just past it. Returns the
// error text (empty on success).
std::string_view JsonGetValue(std::string_view d, size_t from, JsonValue* v, size_t* end);
// jsonparser.Unescape: appends `in` with its escapes decoded to *out; false on a bad escape.
bool JsonUnescape(std::string_view in, std::string* out);

// ObjectEach: calls cb(key, value) for each field of the object `d` starts with (after spaces);
// cb returns an error text to stop (empty to go on). Returns the first error text, empty if none.
// Bytes after the object's closing brace are ignored, as jsonparser does.
template <typename F>
std::string_view JsonObjectEach(std::string_view d, F&& cb) {
  size_t off = JsonNextToken(d, 0);
  if (off == kJsonNpos || d[off] != '{') return kJsonErrMalformedObject;
  off = JsonNextToken(d, off + 1);
  if (off == kJsonNpos) return kJsonErrMalformedJson;
  std::string unescaped;  // only keys with escapes use it
  while (off < d.size()) {
    if (d[off] == '}') return {};
    if (d[off] != '"') return kJsonErrMalformedObject;
    ++off;
    bool escaped = false;
    size_t se = JsonStringEnd(d.substr(off), &escaped);
    if (se == kJsonNpos) return kJsonErrMalformedJson;
    std::string_view key = d.substr(off, se - 1);
    off += se;
    if (escaped) {
      unescaped.clear();
      if (!JsonUnescape(key, &unescaped)) return kJsonErrStringEscape;
      key = unescaped;
    }
    off = JsonNextToken(d, off);
    if (off == kJsonNpos || d[off] != ':') return kJsonErrMalformedJson;
    JsonValue v;
    size_t end = 0;
    if (std::string_view e = JsonGetValue(d, off + 1, &v, &end); !e.empty()) return e;
    if (std::string_view e = cb(key, v); !e.empty()) return e;
    off = JsonNextToken(d, end);
    if (off == kJsonNpos) return kJsonErrMalformedArray;  // sic: jsonparser's text here
    if (d[off] == '}') return {};
    if (d[off] != ',') return kJsonErrMalformedObject;
    off = JsonNextToken(d, off + 1);
    if (off == kJsonNpos) return kJsonErrMalformedArray;
  }
  return kJsonErrMalformedObject;
}

}  // namespace skald::logql::log
