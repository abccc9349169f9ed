// Loki's label-key sanitisation for parsed keys.
#include "common/logql/log/parser_util.h"

#include "common/gotemplate/unicode_case.h"

namespace skald::logql::log {

using gotemplate::DecodedRune;
using gotemplate::DecodeRune;

namespace {

bool AsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

// The common case, every byte ASCII: no rune decoding (it runs once per parsed key on queries).
void AppendSanitizedAsciiKey(std::string_view key, bool first, std::string* out) {
  while (!key.empty() && AsciiSpace(key.front())) key.remove_prefix(1);
  while (!key.empty() && AsciiSpace(key.back())) key.remove_suffix(1);
  if (key.empty()) return;
  if (first && key[0] >= '0' && key[0] <= '9') out->push_back('_');
  size_t at = out->size();
  out->append(key);
  for (size_t i = at; i < out->size(); ++i) {
    char c = (*out)[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) (*out)[i] = '_';
  }
}

}  // namespace

void AppendSanitizedKey(std::string_view key, bool first, std::string* out) {
  bool ascii = true;
  for (char c : key) ascii &= static_cast<unsigned char>(c) < 0x80;
  if (ascii) return AppendSanitizedAsciiKey(key, first, out);
  // strings.TrimSpace, then one '_' per rune (or invalid byte) outside [a-zA-Z0-9_].
  while (!key.empty()) {
    DecodedRune d = DecodeRune(key, 0);
    if (!gotemplate::IsSpaceRune(d.rune)) break;
    key.remove_prefix(d.width);
  }
  while (!key.empty()) {
    DecodedRune d = gotemplate::DecodeLastRune(key);
    if (!gotemplate::IsSpaceRune(d.rune)) break;
    key.remove_suffix(d.width);
  }
  if (key.empty()) return;
  if (first && key[0] >= '0' && key[0] <= '9') out->push_back('_');
  for (size_t i = 0; i < key.size();) {
    DecodedRune d = DecodeRune(key, i);
    char32_t c = d.rune;
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    out->push_back(ok ? static_cast<char>(c) : '_');
    i += d.width;
  }
}

bool ContainsRuneError(std::string_view value) { return gotemplate::ContainsRuneError(value); }

}  // namespace skald::logql::log
