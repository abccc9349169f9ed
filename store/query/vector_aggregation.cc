// Vector aggregations and label_replace (see vector_aggregation.h).
#include "store/query/vector_aggregation.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace skald::query {
namespace {

struct Group {
  LabelSet labels;
  std::vector<size_t> members;  // series indices
};

std::vector<Group> MakeGroups(const StepMatrix& in, const std::optional<Grouping>& g) {
  std::map<std::string, size_t> index;
  std::vector<Group> groups;
  for (size_t i = 0; i < in.series.size(); i++) {
    LabelSet ls = GroupLabels(in.series[i].labels, g);
    auto [it, fresh] = index.try_emplace(ls.ToString(), groups.size());
    if (fresh) groups.push_back({std::move(ls), {}});
    groups[it->second].members.push_back(i);
  }
  return groups;
}

// One step of sum/avg/min/max/count/stdvar/stddev over the present members.
bool Reduce(VecOp op, const StepMatrix& in, const Group& g, size_t j, double* out) {
  double sum = 0, mn = 0, mx = 0, mean = 0, m2 = 0;
  int64_t n = 0;
  for (size_t i : g.members) {
    if (!in.series[i].present[j]) continue;
    double v = in.series[i].v[j];
    if (n == 0 || v < mn || std::isnan(mn)) mn = v;
    if (n == 0 || v > mx || std::isnan(mx)) mx = v;
    n++;
    sum += v;
    double d = v - mean;
    mean += d / static_cast<double>(n);
    m2 += d * (v - mean);
  }
  if (n == 0) return false;
  switch (op) {
    case VecOp::kSum: *out = sum; break;
    case VecOp::kAvg: *out = mean; break;
    case VecOp::kMin: *out = mn; break;
    case VecOp::kMax: *out = mx; break;
    case VecOp::kCount: *out = static_cast<double>(n); break;
    case VecOp::kStdvar: *out = m2 / static_cast<double>(n); break;
    case VecOp::kStddev: *out = std::sqrt(m2 / static_cast<double>(n)); break;
    default: return false;
  }
  return true;
}

StepMatrix TopK(const MetricNode& n, StepMatrix in, size_t steps) {
  const bool top = n.vec_op == VecOp::kTopk;
  const size_t k = n.param < 1 ? 0 : static_cast<size_t>(n.param);
  std::vector<Group> groups = MakeGroups(in, n.grouping);
  std::vector<std::vector<uint8_t>> keep(in.series.size(), std::vector<uint8_t>(steps, 0));
  for (const auto& g : groups) {
    for (size_t j = 0; j < steps; j++) {
      std::vector<size_t> idx;
      for (size_t i : g.members) {
        if (in.series[i].present[j]) idx.push_back(i);
      }
      auto better = [&](size_t a, size_t b) {
        double va = in.series[a].v[j], vb = in.series[b].v[j];
        if (std::isnan(va)) return false;
        if (std::isnan(vb)) return true;
        return top ? va > vb : va < vb;
      };
      std::stable_sort(idx.begin(), idx.end(), better);
      for (size_t x = 0; x < idx.size() && x < k; x++) keep[idx[x]][j] = 1;
    }
  }
  StepMatrix out;
  for (size_t i = 0; i < in.series.size(); i++) {
    StepSeries& s = in.series[i];
    bool any = false;
    for (size_t j = 0; j < steps; j++) {
      s.present[j] = s.present[j] && keep[i][j];
      any = any || s.present[j];
    }
    if (any) out.series.push_back(std::move(s));
  }
  return out;
}

// Go regexp.Expand for `$1`, `${1}`, `$name`, `${name}`.
std::string Expand(const std::string& tmpl, const re2::RE2& re, const std::vector<re2::StringPiece>& m) {
  std::string out;
  const auto& names = re.NamedCapturingGroups();
  for (size_t i = 0; i < tmpl.size(); i++) {
    if (tmpl[i] != '$' || i + 1 >= tmpl.size()) { out.push_back(tmpl[i]); continue; }
    if (tmpl[i + 1] == '$') { out.push_back('$'); i++; continue; }
    bool brace = tmpl[i + 1] == '{';
    size_t s = i + (brace ? 2 : 1), e = s;
    while (e < tmpl.size() && (std::isalnum(static_cast<unsigned char>(tmpl[e])) || tmpl[e] == '_')) e++;
    if (e == s || (brace && (e >= tmpl.size() || tmpl[e] != '}'))) { out.push_back('$'); continue; }
    std::string name = tmpl.substr(s, e - s);
    int idx = -1;
    if (std::all_of(name.begin(), name.end(), ::isdigit)) idx = name.size() < 6 ? std::stoi(name) : -1;
    else if (auto it = names.find(name); it != names.end()) idx = it->second;
    if (idx >= 0 && static_cast<size_t>(idx) < m.size() && m[idx].data()) out.append(m[idx].data(), m[idx].size());
    i = brace ? e : e - 1;
  }
  return out;
}

}  // namespace

LabelSet GroupLabels(const LabelSet& ls, const std::optional<Grouping>& g) {
  if (!g) return LabelSet();
  std::vector<Label> out;
  for (const auto& l : ls) {
    bool listed = std::find(g->labels.begin(), g->labels.end(), l.name) != g->labels.end();
    if (listed != g->without) out.push_back(l);
  }
  return LabelSet(std::move(out));
}

Result<StepMatrix> EvalVectorAggregation(const MetricNode& n, StepMatrix in, size_t steps) {
  switch (n.vec_op) {
    case VecOp::kSort: case VecOp::kSortDesc: return in;
    case VecOp::kTopk: case VecOp::kBottomk: return TopK(n, std::move(in), steps);
    default: break;
  }
  StepMatrix out;
  for (const auto& g : MakeGroups(in, n.grouping)) {
    StepSeries s = StepMatrix::Empty(g.labels, steps);
    bool any = false;
    for (size_t j = 0; j < steps; j++) {
      if (Reduce(n.vec_op, in, g, j, &s.v[j])) s.present[j] = 1, any = true;
    }
    if (any) out.series.push_back(std::move(s));
  }
  return out;
}

Result<StepMatrix> EvalLabelReplace(const MetricNode& n, StepMatrix in) {
  re2::RE2 re("^(?:" + n.regex + ")$");
  if (!re.ok()) return Status::Invalid("invalid regular expression in label_replace(): " + n.regex);
  if (!IsValidLabelName(n.dst)) return Status::Invalid("invalid destination label name in label_replace(): " + n.dst);
  const int groups = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> m(groups);
  for (auto& s : in.series) {
    std::string src(s.labels.Get(n.src).value_or(""));
    if (!re.Match(src, 0, src.size(), re2::RE2::UNANCHORED, m.data(), groups)) continue;
    s.labels.Set(n.dst, Expand(n.replacement, re, m));
  }
  return in;
}

}  // namespace skald::query
