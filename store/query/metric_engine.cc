// Metric-query engine (see metric_engine.h).
#include "store/query/metric_engine.h"

#include <algorithm>

#include "store/query/binary_operation.h"
#include "store/query/range_aggregation.h"
#include "store/query/vector_aggregation.h"

namespace skald::query {
namespace {

Result<StepMatrix> Eval(const MetricNode& n, const StepGrid& grid, EvalContext& ctx) {
  using K = MetricNode::Kind;
  switch (n.kind) {
    case K::kRange:
      return EvalRangeAggregation(n, grid, ctx);
    case K::kLiteral:
    case K::kVector: {
      StepMatrix m;
      m.scalar = n.kind == K::kLiteral;
      StepSeries s = StepMatrix::Empty(LabelSet(), grid.size());
      std::fill(s.v.begin(), s.v.end(), n.value);
      std::fill(s.present.begin(), s.present.end(), 1);
      m.series.push_back(std::move(s));
      return m;
    }
    case K::kVectorAgg: {
      auto in = Eval(*n.lhs, grid, ctx);
      if (!in.ok()) return in;
      return EvalVectorAggregation(n, std::move(*in), grid.size());
    }
    case K::kLabelReplace: {
      auto in = Eval(*n.lhs, grid, ctx);
      if (!in.ok()) return in;
      return EvalLabelReplace(n, std::move(*in));
    }
    case K::kBinary: {
      auto l = Eval(*n.lhs, grid, ctx);
      if (!l.ok()) return l;
      auto r = Eval(*n.rhs, grid, ctx);
      if (!r.ok()) return r;
      return EvalBinary(n, std::move(*l), std::move(*r), grid.size());
    }
  }
  return Status::Internal("unknown metric node");
}

// sort/sort_desc/topk/bottomk at the root order an instant vector by value.
void OrderVector(const MetricNode& root, std::vector<Sample>& v) {
  // Prometheus labels.Compare order: pair by pair (name, then value), shorter first on a tie.
  std::sort(v.begin(), v.end(), [](const Sample& a, const Sample& b) { return a.metric < b.metric; });
  if (root.kind != MetricNode::Kind::kVectorAgg) return;
  bool desc = root.vec_op == VecOp::kSortDesc || root.vec_op == VecOp::kTopk;
  bool asc = root.vec_op == VecOp::kSort || root.vec_op == VecOp::kBottomk;
  if (desc || asc) {
    std::stable_sort(v.begin(), v.end(), [&](const Sample& a, const Sample& b) {
      return desc ? a.v > b.v : a.v < b.v;
    });
  }
}

}  // namespace

Result<QueryResult> RunMetricQuery(StoreReader& reader, const MetricNode& root,
                                   const MetricQuerySpec& spec) {
  QueryResult r;
  StepGrid grid;
  if (spec.instant || spec.step_ns <= 0) {
    grid.ts_ns.push_back(spec.start_ns);
  } else {
    for (int64_t t = spec.start_ns; t <= spec.end_ns; t += spec.step_ns) grid.ts_ns.push_back(t);
  }
  // A range aggregation at the root makes the result's series: max_series is checked as they appear.
  const int cap = root.kind == MetricNode::Kind::kRange ? spec.max_series : 0;
  EvalContext ctx{&reader, spec.tenant, spec.parallelism, spec.max_series, cap, &r.stats, spec.guard};
  auto m = Eval(root, grid, ctx);
  if (!m.ok()) return m.status();
  std::vector<StepSeries>& series = m->series;
  series.erase(std::remove_if(series.begin(), series.end(),
                              [](const StepSeries& s) {
                                return std::find(s.present.begin(), s.present.end(), 1) ==
                                       s.present.end();
                              }),
               series.end());
  if (spec.max_series > 0 && !m->scalar && series.size() > static_cast<size_t>(spec.max_series)) {
    return Status::Invalid("maximum of series (" + std::to_string(spec.max_series) +
                           ") reached for a single query");
  }
  if (spec.instant && m->scalar) {
    r.type = ResultType::kScalar;
    r.scalar = {spec.start_ns / 1000000, series.empty() ? 0 : series[0].v[0]};
    return r;
  }
  if (spec.instant) {
    r.type = ResultType::kVector;
    for (auto& s : series) r.vector.push_back({std::move(s.labels), spec.start_ns / 1000000, s.v[0]});
    OrderVector(root, r.vector);
    return r;
  }
  r.type = ResultType::kMatrix;
  for (auto& s : series) {
    Series out{std::move(s.labels), {}};
    for (size_t j = 0; j < grid.size(); j++) {
      if (s.present[j]) out.points.push_back({grid.ts_ns[j] / 1000000, s.v[j]});
    }
    r.matrix.push_back(std::move(out));
  }
  std::sort(r.matrix.begin(), r.matrix.end(),
            [](const Series& a, const Series& b) { return a.metric < b.metric; });
  return r;
}

}  // namespace skald::query
