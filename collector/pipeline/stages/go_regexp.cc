// Regexp compilation and Go-style template expansion (regexp.Expand's $-reference rules).
#include "collector/pipeline/stages/go_regexp.h"

#include <mutex>
#include <unordered_map>

namespace skald::pipeline {

Result<RegexPtr> CompileRegexp(const std::string& pattern) {
  // Per-target pipelines compile the same patterns: share one RE2 (thread-safe, and its DFA cache)
  // while any pipeline holds it.
  static std::mutex mu;
  static std::unordered_map<std::string, std::weak_ptr<const re2::RE2>> cache;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = cache.find(pattern); it != cache.end()) {
    if (RegexPtr live = it->second.lock()) return live;
  }
  RE2::Options opts;
  opts.set_log_errors(false);
  auto re = std::make_shared<const re2::RE2>(pattern, opts);
  if (!re->ok()) return Status::Invalid(re->error());
  if (cache.size() > 4096) std::erase_if(cache, [](const auto& kv) { return kv.second.expired(); });
  cache[pattern] = re;
  return RegexPtr(re);
}

namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Go's extract(): parses `$name` or `${name}` at s[0]; returns false when malformed.
bool Extract(std::string_view s, std::string_view* name, int* num, size_t* consumed) {
  if (s.size() < 2 || s[0] != '$') return false;
  bool brace = s[1] == '{';
  size_t i = brace ? 2 : 1;
  size_t start = i;
  while (i < s.size() && IsNameChar(s[i])) ++i;
  if (i == start) return false;
  *name = s.substr(start, i - start);
  if (brace) {
    if (i >= s.size() || s[i] != '}') return false;
    ++i;
  }
  *consumed = i;
  *num = 0;
  for (char c : *name) {
    if (c < '0' || c > '9' || *num >= 100000000) {
      *num = -1;
      break;
    }
    *num = *num * 10 + (c - '0');
  }
  if ((*name)[0] == '0' && name->size() > 1) *num = -1;
  return true;
}

}  // namespace

void GoExpand(const re2::RE2& re, std::string_view tmpl, const std::vector<re2::StringPiece>& groups,
              std::string* out) {
  while (!tmpl.empty()) {
    size_t d = tmpl.find('$');
    if (d == std::string_view::npos) break;
    out->append(tmpl.substr(0, d));
    tmpl.remove_prefix(d);
    if (tmpl.size() > 1 && tmpl[1] == '$') {
      out->push_back('$');
      tmpl.remove_prefix(2);
      continue;
    }
    std::string_view name;
    int num = 0;
    size_t used = 0;
    if (!Extract(tmpl, &name, &num, &used)) {
      out->push_back('$');
      tmpl.remove_prefix(1);
      continue;
    }
    tmpl.remove_prefix(used);
    if (num < 0) {
      const auto& names = re.NamedCapturingGroups();
      auto it = names.find(std::string(name));
      num = it == names.end() ? -1 : it->second;
    }
    if (num >= 0 && static_cast<size_t>(num) < groups.size() && groups[num].data() != nullptr)
      out->append(groups[num].data(), groups[num].size());
  }
  out->append(tmpl);
}

}  // namespace skald::pipeline
