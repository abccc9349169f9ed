// jsonparser EachKey for key-only paths: levels counted by braces, keys compared with the path of
// the keys seen above them, arrays skipped whole; mirrors its quirks (see comments).
#include "common/logql/log/json_each_key.h"

#include <algorithm>
#include <cstdint>

namespace skald::logql::log {
namespace {

struct Scan {
  std::string_view d;
  const std::vector<std::vector<std::string>>& paths;
  std::vector<JsonKeyHit>* out;
  std::vector<std::string> seen;  // the key at each level, as jsonparser's pathsBuf
  std::vector<bool> done;
  size_t matched = 0;
  int64_t level = 0;

  bool SameTree(const std::vector<std::string>& p) const {
    for (int64_t l = 0; l < level; ++l)
      if (p[l] != seen[l]) return false;
    return true;
  }
  // Checks a key at the current level; false when the scan must stop.
  bool Key(std::string_view key, int64_t colon, bool* match) {
    if (level < 1) {
      out->push_back(JsonKeyHit{-1, {}, kJsonErrMalformedJson});
      return false;
    }
    seen[level - 1].assign(key);
    for (size_t pi = 0; pi < paths.size(); ++pi) {
      const auto& p = paths[pi];
      if (static_cast<int64_t>(p.size()) != level || done[pi] || p[level - 1] != key || !SameTree(p))
        continue;
      *match = true;
      done[pi] = true;
      ++matched;
      JsonKeyHit h{static_cast<int>(pi), {}, {}};
      size_t end = 0;
      h.error = JsonGetValue(d, static_cast<size_t>(colon) + 1, &h.value, &end);
      out->push_back(h);
      if (matched == paths.size()) break;
    }
    return matched != paths.size();
  }
  // A string at i (its opening quote); returns the next index or -1 to stop.
  int64_t String(int64_t i, size_t max_path) {
    int64_t n = static_cast<int64_t>(d.size());
    ++i;
    const int64_t begin = i;
    bool esc = false;
    size_t se = JsonStringEnd(d.substr(static_cast<size_t>(i)), &esc);
    if (se == kJsonNpos) return -1;
    i += static_cast<int64_t>(se);
    std::string_view key = d.substr(static_cast<size_t>(begin), static_cast<size_t>(i - 1 - begin));
    size_t vo = JsonNextToken(d, static_cast<size_t>(i));
    if (vo == kJsonNpos) return -1;
    i = static_cast<int64_t>(vo);
    if (d[static_cast<size_t>(i)] != ':') return i - 1;
    std::string unescaped;
    if (esc) {
      if (!JsonUnescape(key, &unescaped)) return -1;
      key = unescaped;
    }
    bool match = false;
    if (static_cast<int64_t>(max_path) >= level && !Key(key, i, &match)) return -1;
    if (!match) {
      // jsonparser means to skip a non-matching object value here, but lands one byte short of
      // it, so the skip only happens when that byte is itself a '{'.
      size_t t = JsonNextToken(d, static_cast<size_t>(i) + 1);
      i += t == kJsonNpos ? -1 : static_cast<int64_t>(t) - i - 1;
      if (d[static_cast<size_t>(i)] == '{') {
        size_t be = JsonBlockEnd(d.substr(static_cast<size_t>(i)), '{', '}');
        i += be == kJsonNpos ? 0 : static_cast<int64_t>(be) + 1;
      }
    }
    if (i < n) {
      char c = d[static_cast<size_t>(i)];
      if (c == '{' || c == '}' || c == '[' || c == '"') --i;
    }
    return i;
  }
};

}  // namespace

void JsonEachKey(std::string_view d, const std::vector<std::vector<std::string>>& paths,
                 std::vector<JsonKeyHit>* out) {
  size_t max_path = 0;
  for (const auto& p : paths) max_path = std::max(max_path, p.size());
  Scan s{d, paths, out, std::vector<std::string>(max_path), std::vector<bool>(paths.size()), 0, 0};
  const int64_t n = static_cast<int64_t>(d.size());
  for (int64_t i = 0; i < n; ++i) {
    switch (d[static_cast<size_t>(i)]) {
      case '"':
        i = s.String(i, max_path);
        if (i < 0) return;
        break;
      case '{': ++s.level; break;
      case '}': --s.level; break;
      case ']': --s.level; break;
      case '[': {
        if (s.level < 0) {
          out->push_back(JsonKeyHit{-1, {}, kJsonErrMalformedJson});
          return;
        }
        size_t be = JsonBlockEnd(d.substr(static_cast<size_t>(i)), '[', ']');  // arrays skipped
        if (be == kJsonNpos) return;
        i += static_cast<int64_t>(be) - 1;
        break;
      }
      default: break;
    }
  }
}

}  // namespace skald::logql::log
