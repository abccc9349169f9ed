// logfmt tokeniser and parser stage.
#include "common/logql/log/logfmt_parser.h"

#include "common/labels.h"
#include "common/logql/log/errors.h"
#include "common/logql/log/parser_util.h"

namespace skald::logql::log {
namespace {

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

std::string& KeyScratch() {
  thread_local std::string s;
  return s;
}

// The pair's value (quoted values unescaped into *scratch); false with *err on a bad escape.
bool PairValue(const LogfmtPair& p, size_t pos, std::string* scratch, std::string_view* value,
               std::string* err) {
  *value = p.value;
  if (!p.quoted) return true;
  auto u = GoUnquote(p.value);
  if (!u.ok()) {
    *err = SyntaxError(pos, "invalid quoted value");
    return false;
  }
  *scratch = std::move(*u);
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
