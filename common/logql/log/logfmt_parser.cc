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
  if (k >= line.size() || line[k] != '=') { *pos = k; return true; }
  out->has_equals = true;
  size_t v = k + 1;
  if (v < line.size() && line[v] == '"') {
    size_t j = v + 1;
    while (j < line.size() && line[j] != '"') j += line[j] == '\\' ? 2 : 1;
    if (j >= line.size()) {
      *err = SyntaxError(line.size() - 1, "unterminated quoted value");
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

bool LogfmtParser::Process(LineState& s) const {
  size_t pos = 0;
  LogfmtPair p;
  std::string err, key, unq;
  while (NextLogfmtPair(s.line, &pos, &p, &err)) {
    if (!err.empty()) {
      if (cfg_.strict) {
        s.labels.SetErr(kErrLogfmt, err);
        return true;
      }
      err.clear();
      continue;
    }
    std::string_view value = p.value;
    if (p.quoted) {
      auto u = GoUnquote(p.value);
      unq = u.ok() ? std::move(*u) : std::string(p.value.substr(1, p.value.size() - 2));
      value = unq;
    }
    if (value.empty() && !cfg_.keep_empty) continue;
    if (!cfg_.exprs.empty()) {
      for (const auto& [label, src] : cfg_.exprs)
        if (src == p.key) s.labels.SetParsed(label, value);
      continue;
    }
    key.clear();
    AppendSanitizedKey(p.key, true, &key);
    if (!key.empty()) s.labels.SetParsed(key, value);
  }
  return true;
}

}  // namespace skald::logql::log
