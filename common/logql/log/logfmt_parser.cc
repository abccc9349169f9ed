// logfmt tokeniser and parser stage, following Loki 2.9's decoder: --strict error texts with its
// 1-based positions, and its JSON-style unquoting of quoted values.
#include "common/logql/log/logfmt_parser.h"

#include "common/gotemplate/unicode_case.h"
#include "common/labels.h"
#include "common/logql/log/errors.h"
#include "common/logql/log/parser_util.h"

namespace skald::logql::log {
namespace {

using gotemplate::AppendRune;
using gotemplate::DecodedRune;
using gotemplate::DecodeRune;

bool IsWs(char c) { return static_cast<unsigned char>(c) <= ' '; }

std::string SyntaxError(size_t pos, const char* what) {
  return "logfmt syntax error at pos " + std::to_string(pos + 1) + " : " + what;
}

void SkipToken(std::string_view line, size_t* pos) {
  while (*pos < line.size() && !IsWs(line[*pos])) ++*pos;
}

}  // namespace

bool NextLogfmtPair(std::string_view line, size_t* pos, LogfmtPair* out, std::string* err) {
  size_t i = *pos;
  while (i < line.size() && IsWs(line[i])) ++i;
  if (i >= line.size()) { *pos = i; return false; }
  *out = LogfmtPair{};
  size_t k = i;
  while (k < line.size() && !IsWs(line[k]) && line[k] != '=' && line[k] != '"') ++k;
  if (k < line.size() && line[k] == '"') {
    *err = SyntaxError(k, "unexpected '\"'");
    *pos = k;
    SkipToken(line, pos);
    return true;
  }
  if (k == i) {
    *err = SyntaxError(k, "unexpected '='");
    *pos = k;
    SkipToken(line, pos);
    return true;
  }
  out->key = line.substr(i, k - i);
  if (ContainsRuneError(out->key)) {  // Loki: "invalid key" (invalid UTF-8 or U+FFFD in the key)
    *err = SyntaxError(k, "invalid key");
    *pos = k;
    SkipToken(line, pos);
    return true;
  }
  if (k >= line.size() || line[k] != '=') { *pos = k; return true; }
  out->has_equals = true;
  size_t v = k + 1;
  if (v < line.size() && line[v] == '"') {
    size_t j = v + 1;
    while (j < line.size() && line[j] != '"') j += line[j] == '\\' ? 2 : 1;
    if (j >= line.size()) {
      *err = SyntaxError(line.size(), "unterminated quoted value");
      *pos = line.size();
      return true;
    }
    out->value = line.substr(v, j + 1 - v);
    out->quoted = true;
    *pos = j + 1;
    return true;
  }
  size_t j = v;
  while (j < line.size() && !IsWs(line[j])) {
    if (line[j] == '=' || line[j] == '"') {
      *err = SyntaxError(j, line[j] == '=' ? "unexpected '='" : "unexpected '\"'");
      *pos = j;
      SkipToken(line, pos);
      return true;
    }
    ++j;
  }
  out->value = line.substr(v, j - v);
  *pos = j;
  return true;
}

namespace {

// Four hex digits after "\u" at in[0..]; -1 if in does not start so.
long LogfmtHex4(std::string_view in) {
  if (in.size() < 6 || in[0] != '\\' || in[1] != 'u') return -1;
  long r = 0;
  for (size_t i = 2; i < 6; ++i) {
    char c = in[i];
    int h = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (h < 0) return -1;
    r = r * 16 + h;
  }
  return r;
}

// A "\u" escape at in[0..] (a surrogate pair when valid, else U+FFFD): bytes used, 0 if bad.
size_t LogfmtUnicodeEscape(std::string_view in, std::string* out) {
  long r = LogfmtHex4(in);
  if (r < 0) return 0;
  if (r >= 0xD800 && r <= 0xDFFF) {
    long r2 = LogfmtHex4(in.substr(6));
    if (r <= 0xDBFF && r2 >= 0xDC00 && r2 <= 0xDFFF) {
      AppendRune(static_cast<char32_t>(0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00)), out);
      return 12;
    }
    r = 0xFFFD;
  }
  AppendRune(static_cast<char32_t>(r), out);
  return 6;
}

}  // namespace

// Loki's logfmt decoder unquotes with JSON's escapes plus \' (\uXXXX included, a bad surrogate pair
// gives U+FFFD); any other escape is "invalid quoted value". Invalid UTF-8 becomes U+FFFD.
bool LogfmtUnquote(std::string_view quoted, std::string* out) {
  if (quoted.size() < 2 || quoted.front() != '"' || quoted.back() != '"') return false;
  std::string_view s = quoted.substr(1, quoted.size() - 2);
  out->clear();
  for (size_t r = 0; r < s.size();) {
    char c = s[r];
    if (c == '"') return false;
    if (static_cast<unsigned char>(c) >= 0x80) {
      DecodedRune d = DecodeRune(s, r);
      AppendRune(d.rune, out);
      r += d.width;
      continue;
    }
    if (c != '\\') {
      out->push_back(c);
      ++r;
      continue;
    }
    if (r + 1 >= s.size()) return false;
    char e = s[r + 1], lit = 0;
    switch (e) {
      case '"': case '\\': case '/': case '\'': lit = e; break;
      case 'b': lit = '\b'; break;
      case 'f': lit = '\f'; break;
      case 'n': lit = '\n'; break;
      case 'r': lit = '\r'; break;
      case 't': lit = '\t'; break;
      case 'u': break;
      default: return false;
    }
    if (lit != 0) {
      out->push_back(lit);
      r += 2;
      continue;
    }
    size_t used = LogfmtUnicodeEscape(s.substr(r), out);
    if (used == 0) return false;
    r += used;
  }
  return true;
}

namespace {

std::string& KeyScratch() {
  thread_local std::string s;
  return s;
}

// The pair's value (quoted values with escapes unescaped into *scratch); false with *err on a bad
// escape. Without a backslash Loki takes the bytes between the quotes as they are.
bool PairValue(const LogfmtPair& p, size_t pos, std::string* scratch, std::string_view* value,
               std::string* err) {
  *value = p.value;
  if (!p.quoted) return true;
  *value = p.value.substr(1, p.value.size() - 2);
  if (value->find('\\') == std::string_view::npos) return true;
  if (!LogfmtUnquote(p.value, scratch)) {
    *err = SyntaxError(pos, "invalid quoted value");
    return false;
  }
  *value = *scratch;
  return true;
}

}  // namespace

void LogfmtParser::SetAll(std::string_view key, std::string_view value, LabelsBuilder& lbs) const {
  if (value.empty() && !cfg_.keep_empty) return;
  std::string& name = KeyScratch();
  name.clear();
  AppendSanitizedKey(key, true, &name);
  if (!name.empty()) lbs.SetParsed(name, value);
}

// Loki's named extraction: the sanitised key selects the label whose expression it equals, or a
// label of that very name; empty values are set too (every named label exists, see Process).
void LogfmtParser::SetNamed(std::string_view key, std::string_view value, LabelsBuilder& lbs) const {
  std::string& name = KeyScratch();
  name.clear();
  AppendSanitizedKey(key, true, &name);
  if (name.empty()) return;
  const std::string* label = nullptr;
  for (const auto& [l, src] : cfg_.exprs)
    if (src == name) { label = &l; break; }
  for (const auto& [l, src] : cfg_.exprs) {
    if (label != nullptr ? &l == label : l == name) {
      lbs.SetParsed(l, value);
      return;
    }
  }
}

bool LogfmtParser::Process(LineState& s) const {
  // Loki adds every named label, empty, before scanning: a key missing from the line still yields
  // the label (so `| a > 1` marks the line with __error__ instead of dropping it).
  for (const auto& e : cfg_.exprs)
    if (!s.labels.BaseHas(e.first)) s.labels.Set(e.first, {});
  size_t pos = 0;
  LogfmtPair p;
  std::string err, unq;
  while (NextLogfmtPair(s.line, &pos, &p, &err)) {
    std::string_view value;
    if (err.empty()) PairValue(p, pos, &unq, &value, &err);
    if (!err.empty()) {
      if (cfg_.strict) {
        s.labels.SetErr(kErrLogfmt, err);
        return true;
      }
      err.clear();
      continue;
    }
    if (ContainsRuneError(value)) value = {};  // Prometheus rejects U+FFFD: Loki sets ""
    if (cfg_.exprs.empty()) SetAll(p.key, value, s.labels);
    else SetNamed(p.key, value, s.labels);
  }
  return true;
}

}  // namespace skald::logql::log
