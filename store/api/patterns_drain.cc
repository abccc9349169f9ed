// Drain-like pattern mining (see patterns_drain.h): lines are tokenised into words and separators,
// numbers masked; lines with the same token count and first word form a group, and a line joins the
// group's most similar cluster (differing words become `<_>`) or starts a new one.
#include "store/api/patterns_drain.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace skald::api {
namespace {

constexpr std::string_view kVar = "<_>";

bool IsSep(char c) {
  switch (c) {
    case ' ': case '\t': case ',': case ';': case '=': case ':': case '"': case '\'':
    case '{': case '}': case '[': case ']': case '(': case ')': case '|':
      return true;
    default:
      return false;
  }
}

bool IsSepToken(const std::string& t) { return !t.empty() && IsSep(t[0]); }

// Share of word positions that agree (a cluster's `<_>` agrees with anything); -1 when the
// separators differ, so the line cannot join.
double Similarity(const std::vector<std::string>& cluster, const std::vector<std::string>& line) {
  size_t words = 0, equal = 0;
  for (size_t i = 0; i < line.size(); i++) {
    if (IsSepToken(line[i]) || IsSepToken(cluster[i])) {
      if (line[i] != cluster[i]) return -1;
      continue;
    }
    words++;
    equal += cluster[i] == kVar || cluster[i] == line[i];
  }
  return words == 0 ? 1.0 : static_cast<double>(equal) / static_cast<double>(words);
}

// Tokens back to text, with runs like `<_>:<_>.<_>` (no whitespace between) folded into one `<_>`.
std::string Render(const std::vector<std::string>& tokens) {
  std::string s, sep;
  bool prev_var = false;
  for (const auto& t : tokens) {
    if (IsSepToken(t)) {
      sep += t;
      continue;
    }
    if (t == kVar && prev_var && sep.find_first_of(" \t") == std::string::npos) {
      sep.clear();
      continue;
    }
    s += sep;
    sep.clear();
    s += t;
    prev_var = t == kVar;
  }
  return s + sep;
}

// Floor of ts_ns to a multiple of step; near INT64_MIN, where that floor is not representable, the
// lowest representable multiple (plain subtraction would overflow).
int64_t BucketStart(int64_t ts_ns, int64_t step) {
  int64_t rem = ts_ns % step;
  if (rem < 0) rem += step;
  if (ts_ns < std::numeric_limits<int64_t>::min() + rem) return ts_ns / step * step;
  return ts_ns - rem;
}

}  // namespace

std::vector<std::string> PatternTokens(std::string_view line, size_t max_tokens) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    if (out.size() + 1 >= max_tokens) {
      out.emplace_back(kVar);
      break;
    }
    const bool sep = IsSep(line[i]);
    size_t j = i, digits = 0;
    while (j < line.size() && IsSep(line[j]) == sep) digits += std::isdigit(static_cast<unsigned char>(line[j])) != 0, j++;
    // Mostly digits (numbers, ids, times, `12ms`) is a variable; `/api/v1/cart` or `HTTP/1.1` is not.
    out.emplace_back(!sep && digits > 0 && digits * 2 >= j - i ? kVar : line.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string DetectLevel(std::string_view line) {
  for (std::string_view key : {"level=", "lvl=", "\"level\":\"", "\"level\": \""}) {
    size_t p = line.find(key);
    while (p != std::string_view::npos && p > 0 && !IsSep(line[p - 1])) p = line.find(key, p + 1);
    if (p == std::string_view::npos) continue;
    size_t b = p + key.size();
    if (b < line.size() && line[b] == '"') b++;
    size_t e = b;
    while (e < line.size() && !IsSep(line[e])) e++;
    std::string v(line.substr(b, e - b));
    for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (v == "warning") v = "warn";
    if (v == "err") v = "error";
    if (!v.empty()) return v;
  }
  return "";
}

void PatternMiner::Add(std::string_view line, int64_t ts_ns) {
  std::vector<std::string> tokens = PatternTokens(line, o_.max_tokens);
  std::string key = std::to_string(tokens.size());
  for (const auto& t : tokens) {
    if (IsSepToken(t)) continue;
    key += "|" + t;
    break;
  }
  auto& group = groups_[key];
  Cluster* best = nullptr;
  double best_sim = -1;
  for (auto& c : group) {
    double s = Similarity(c.tokens, tokens);
    if (s > best_sim) best_sim = s, best = &c;
  }
  // A full group still takes a line with different separators as a new cluster: merging it would
  // turn separators into `<_>`. The caller's line cap bounds the clusters.
  if (best == nullptr || best_sim < 0 || (best_sim < o_.similarity && group.size() < o_.max_clusters_per_group)) {
    group.push_back(Cluster{std::move(tokens), DetectLevel(line), {}, 0});
    best = &group.back();
  } else {
    for (size_t i = 0; i < tokens.size(); i++)
      if (best->tokens[i] != tokens[i]) best->tokens[i] = std::string(kVar);
  }
  best->samples[BucketStart(ts_ns, std::max<int64_t>(o_.step_ns, 1))]++;
  best->total++;
}

std::vector<MinedPattern> PatternMiner::Patterns() const {
  std::map<std::string, MinedPattern> merged;
  for (const auto& [key, group] : groups_) {
    for (const auto& c : group) {
      std::string text = Render(c.tokens);
      MinedPattern& p = merged[text];
      p.pattern = text;
      if (p.level.empty()) p.level = c.level;
      for (const auto& [t, n] : c.samples) p.samples[t] += n;
      p.total += c.total;
    }
  }
  std::vector<MinedPattern> out;
  for (auto& [k, p] : merged) out.push_back(std::move(p));
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.total > b.total; });
  return out;
}

}  // namespace skald::api
