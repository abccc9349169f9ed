// Doublestar globbing over the filesystem for static_configs file targets.
#include "collector/discovery/file_glob.h"

#include <fnmatch.h>

#include <algorithm>
#include <filesystem>

namespace skald::discovery {

std::string SanitizeLabelName(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) c = '_';
  }
  return out;
}

namespace {
std::vector<std::string> Split(const std::string& p) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string::npos) j = p.size();
    if (j > i) out.push_back(p.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool MatchSegs(const std::vector<std::string>& pat, size_t i, const std::vector<std::string>& path, size_t j) {
  if (i == pat.size()) return j == path.size();
  if (pat[i] == "**") {
    for (size_t k = j; k <= path.size(); ++k) {
      if (MatchSegs(pat, i + 1, path, k)) return true;
    }
    return false;
  }
  if (j == path.size()) return false;
  if (::fnmatch(pat[i].c_str(), path[j].c_str(), FNM_PERIOD) != 0) return false;
  return MatchSegs(pat, i + 1, path, j + 1);
}

bool HasMeta(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }
}  // namespace

bool GlobMatch(const std::string& pattern, const std::string& path) {
  return MatchSegs(Split(pattern), 0, Split(path), 0);
}

std::vector<std::string> ExpandGlob(const std::string& pattern) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  std::vector<std::string> segs = Split(pattern);
  std::string base = pattern.starts_with("/") ? "" : ".";
  size_t first_meta = 0;
  for (; first_meta < segs.size() && !HasMeta(segs[first_meta]); ++first_meta) {
    base += (base == "." ? "/" : "/") + segs[first_meta];
  }
  if (base.starts_with("./")) base = base.substr(2);
  std::error_code ec;
  if (first_meta == segs.size()) {
    if (fs::is_regular_file(base, ec)) out.push_back(pattern);
    return out;
  }
  const bool deep = std::find(segs.begin(), segs.end(), "**") != segs.end();
  const int max_depth = static_cast<int>(segs.size() - first_meta);
  auto it = fs::recursive_directory_iterator(base.empty() ? "/" : base, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!deep && it.depth() + 1 >= max_depth) it.disable_recursion_pending();
    if (!it->is_regular_file(ec)) continue;
    std::string p = it->path().string();
    if (GlobMatch(pattern, p)) out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Target> StaticFileTargets(const std::vector<StaticConfig>& configs) {
  std::vector<Target> out;
  for (const StaticConfig& sc : configs) {
    std::string pattern, exclude;
    std::vector<Label> labels;
    for (const auto& [k, v] : sc.labels) {
      if (k == "__path__") pattern = v;
      if (k == "__path_exclude__") exclude = v;
      labels.push_back({k, v});
    }
    if (pattern.empty()) continue;
    for (const std::string& file : ExpandGlob(pattern)) {
      if (!exclude.empty() && GlobMatch(exclude, file)) continue;
      out.push_back({file, file, LabelSet(labels), TargetKind::kFile});
    }
  }
  return out;
}

}  // namespace skald::discovery
