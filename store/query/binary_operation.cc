// Binary operations (see binary_operation.h).
#include "store/query/binary_operation.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

namespace skald::query {
namespace {

// Returns false when a comparison filters the pair out.
bool Apply(BinOp op, double a, double b, bool return_bool, double* out) {
  bool cmp = false;
  switch (op) {
    case BinOp::kAdd: *out = a + b; return true;
    case BinOp::kSub: *out = a - b; return true;
    case BinOp::kMul: *out = a * b; return true;
    case BinOp::kDiv: *out = a / b; return true;
    case BinOp::kMod: *out = std::fmod(a, b); return true;
    case BinOp::kPow: *out = std::pow(a, b); return true;
    case BinOp::kEq: cmp = a == b; break;
    case BinOp::kNeq: cmp = a != b; break;
    case BinOp::kGt: cmp = a > b; break;
    case BinOp::kGte: cmp = a >= b; break;
    case BinOp::kLt: cmp = a < b; break;
    case BinOp::kLte: cmp = a <= b; break;
    default: return false;
  }
  if (return_bool) {
    *out = cmp ? 1 : 0;
    return true;
  }
  *out = a;
  return cmp;
}

std::string Signature(const LabelSet& ls, const std::optional<VectorMatching>& m) {
  if (!m) return ls.ToString();
  std::vector<Label> out;
  for (const auto& l : ls) {
    bool listed = std::find(m->labels.begin(), m->labels.end(), l.name) != m->labels.end();
    if (listed == m->on) out.push_back(l);
  }
  return LabelSet(std::move(out)).ToString();
}

// Collects output series by label string.
struct Output {
  size_t steps;
  std::map<std::string, StepSeries> by_key;
  void Set(const LabelSet& ls, size_t j, double v) {
    auto [it, fresh] = by_key.try_emplace(ls.ToString());
    if (fresh) it->second = StepMatrix::Empty(ls, steps);
    it->second.v[j] = v;
    it->second.present[j] = 1;
  }
  StepMatrix Take() {
    StepMatrix m;
    for (auto& [k, s] : by_key) m.series.push_back(std::move(s));
    return m;
  }
};

StepMatrix ScalarVector(const MetricNode& n, StepMatrix lhs, StepMatrix rhs, size_t steps) {
  const bool scalar_left = lhs.scalar;
  StepMatrix& vec = scalar_left ? rhs : lhs;
  const StepSeries& sc = (scalar_left ? lhs : rhs).series.front();
  StepMatrix out;
  for (auto& s : vec.series) {
    bool any = false;
    for (size_t j = 0; j < steps; j++) {
      if (!s.present[j] || !sc.present[j]) { s.present[j] = 0; continue; }
      double a = scalar_left ? sc.v[j] : s.v[j], b = scalar_left ? s.v[j] : sc.v[j], r = 0;
      bool keep = Apply(n.bin_op, a, b, n.return_bool, &r);
      if (keep && IsComparison(n.bin_op) && !n.return_bool) r = s.v[j];
      s.present[j] = keep;
      s.v[j] = r;
      any = any || keep;
    }
    if (any) out.series.push_back(std::move(s));
  }
  return out;
}

StepMatrix SetOp(const MetricNode& n, const StepMatrix& lhs, const StepMatrix& rhs, size_t steps) {
  std::vector<std::string> ls, rs;
  for (const auto& s : lhs.series) ls.push_back(Signature(s.labels, n.matching));
  for (const auto& s : rhs.series) rs.push_back(Signature(s.labels, n.matching));
  Output out{steps, {}};
  for (size_t j = 0; j < steps; j++) {
    std::unordered_map<std::string, bool> right, left;
    for (size_t r = 0; r < rs.size(); r++) if (rhs.series[r].present[j]) right[rs[r]] = true;
    for (size_t l = 0; l < ls.size(); l++) {
      if (!lhs.series[l].present[j]) continue;
      left[ls[l]] = true;
      bool in_right = right.count(ls[l]) > 0;
      if (n.bin_op == BinOp::kOr || (n.bin_op == BinOp::kAnd) == in_right) {
        out.Set(lhs.series[l].labels, j, lhs.series[l].v[j]);
      }
    }
    if (n.bin_op != BinOp::kOr) continue;
    for (size_t r = 0; r < rs.size(); r++) {
      if (rhs.series[r].present[j] && !left.count(rs[r])) out.Set(rhs.series[r].labels, j, rhs.series[r].v[j]);
    }
  }
  return out.Take();
}

LabelSet ResultLabels(const MetricNode& n, const LabelSet& many, const LabelSet& one) {
  const auto& m = n.matching;
  if (!m || m->card == Cardinality::kOneToOne) {
    if (!m) return many;
    std::vector<Label> out;
    for (const auto& l : many) {
      bool listed = std::find(m->labels.begin(), m->labels.end(), l.name) != m->labels.end();
      if (listed == m->on) out.push_back(l);
    }
    return LabelSet(std::move(out));
  }
  LabelSet out = many;
  for (const auto& name : m->include) out.Set(name, one.Get(name).value_or(""));
  return out;
}

Result<StepMatrix> VectorVector(const MetricNode& n, const StepMatrix& lhs, const StepMatrix& rhs,
                                size_t steps) {
  const bool right_many = n.matching && n.matching->card == Cardinality::kOneToMany;
  const StepMatrix& many = right_many ? rhs : lhs;
  const StepMatrix& one = right_many ? lhs : rhs;
  std::vector<std::string> msig, osig;
  for (const auto& s : many.series) msig.push_back(Signature(s.labels, n.matching));
  for (const auto& s : one.series) osig.push_back(Signature(s.labels, n.matching));
  const bool one_to_one = !n.matching || n.matching->card == Cardinality::kOneToOne;
  Output out{steps, {}};
  for (size_t j = 0; j < steps; j++) {
    std::unordered_map<std::string, size_t> index;
    for (size_t o = 0; o < osig.size(); o++) {
      if (!one.series[o].present[j]) continue;
      if (!index.emplace(osig[o], o).second) {
        return Status::Invalid("found duplicate series for the match group " + osig[o] +
                               " on the " + (right_many ? "left" : "right") +
                               " hand-side of the operation; many-to-many matching not allowed: "
                               "matching labels must be unique on one side");
      }
    }
    std::unordered_map<std::string, bool> matched;
    for (size_t i = 0; i < msig.size(); i++) {
      if (!many.series[i].present[j]) continue;
      auto it = index.find(msig[i]);
      if (it == index.end()) continue;
      if (one_to_one && !matched.emplace(msig[i], true).second) {
        return Status::Invalid("multiple matches for labels: many-to-one matching must be explicit "
                               "(group_left/group_right)");
      }
      double a = many.series[i].v[j], b = one.series[it->second].v[j], r = 0;
      if (right_many) std::swap(a, b);
      if (!Apply(n.bin_op, a, b, n.return_bool, &r)) continue;
      out.Set(ResultLabels(n, many.series[i].labels, one.series[it->second].labels), j, r);
    }
  }
  return out.Take();
}

}  // namespace

bool IsComparison(BinOp op) { return op >= BinOp::kEq && op <= BinOp::kLte; }
bool IsSetOp(BinOp op) { return op >= BinOp::kAnd; }

Result<StepMatrix> EvalBinary(const MetricNode& n, StepMatrix lhs, StepMatrix rhs, size_t steps) {
  if (lhs.scalar && rhs.scalar) {
    StepMatrix out;
    out.scalar = true;
    StepSeries s = StepMatrix::Empty(LabelSet(), steps);
    for (size_t j = 0; j < steps; j++) {
      double r = 0;
      bool keep = Apply(n.bin_op, lhs.series[0].v[j], rhs.series[0].v[j], true, &r);
      s.v[j] = r;
      s.present[j] = keep && lhs.series[0].present[j] && rhs.series[0].present[j];
    }
    out.series.push_back(std::move(s));
    return out;
  }
  if (lhs.scalar || rhs.scalar) {
    if (IsSetOp(n.bin_op)) return Status::Invalid("set operator not allowed in binary scalar expression");
    return ScalarVector(n, std::move(lhs), std::move(rhs), steps);
  }
  if (IsSetOp(n.bin_op)) return SetOp(n, lhs, rhs, steps);
  return VectorVector(n, lhs, rhs, steps);
}

}  // namespace skald::query
