// AST → engine plans (see query_planner.h).
#include "store/query/query_planner.h"

#include <algorithm>

#include "store/query/pipeline_adapter.h"

namespace skald::query {
namespace {

RangeOp MapRangeOp(logql::RangeOp op) {
  using L = logql::RangeOp;
  switch (op) {
    case L::kCountOverTime: return RangeOp::kCount;
    case L::kRate: return RangeOp::kRate;
    case L::kRateCounter: return RangeOp::kRateCounter;
    case L::kBytesOverTime: return RangeOp::kBytes;
    case L::kBytesRate: return RangeOp::kBytesRate;
    case L::kAvgOverTime: return RangeOp::kAvg;
    case L::kSumOverTime: return RangeOp::kSum;
    case L::kMinOverTime: return RangeOp::kMin;
    case L::kMaxOverTime: return RangeOp::kMax;
    case L::kStdvarOverTime: return RangeOp::kStdvar;
    case L::kStddevOverTime: return RangeOp::kStddev;
    case L::kQuantileOverTime: return RangeOp::kQuantile;
    case L::kFirstOverTime: return RangeOp::kFirst;
    case L::kLastOverTime: return RangeOp::kLast;
    case L::kAbsentOverTime: return RangeOp::kAbsent;
  }
  return RangeOp::kCount;
}

VecOp MapVecOp(logql::VectorOp op) {
  using L = logql::VectorOp;
  switch (op) {
    case L::kSum: return VecOp::kSum;
    case L::kAvg: return VecOp::kAvg;
    case L::kMin: return VecOp::kMin;
    case L::kMax: return VecOp::kMax;
    case L::kCount: return VecOp::kCount;
    case L::kStddev: return VecOp::kStddev;
    case L::kStdvar: return VecOp::kStdvar;
    case L::kTopK: return VecOp::kTopk;
    case L::kBottomK: return VecOp::kBottomk;
    case L::kSort: return VecOp::kSort;
    case L::kSortDesc: return VecOp::kSortDesc;
  }
  return VecOp::kSum;
}

BinOp MapBinOp(logql::BinOp op) {
  using L = logql::BinOp;
  switch (op) {
    case L::kOr: return BinOp::kOr;
    case L::kAnd: return BinOp::kAnd;
    case L::kUnless: return BinOp::kUnless;
    case L::kEq: return BinOp::kEq;
    case L::kNeq: return BinOp::kNeq;
    case L::kGt: return BinOp::kGt;
    case L::kGte: return BinOp::kGte;
    case L::kLt: return BinOp::kLt;
    case L::kLte: return BinOp::kLte;
    case L::kAdd: return BinOp::kAdd;
    case L::kSub: return BinOp::kSub;
    case L::kMul: return BinOp::kMul;
    case L::kDiv: return BinOp::kDiv;
    case L::kMod: return BinOp::kMod;
    case L::kPow: return BinOp::kPow;
  }
  return BinOp::kAdd;
}

std::optional<Grouping> MapGrouping(const std::optional<logql::Grouping>& g) {
  if (!g) return std::nullopt;
  return Grouping{g->without, g->labels};
}

// `| drop __error__` (Grafana's logs-volume query) with no parser before it: nothing can have set
// __error__, so the stage changes nothing and the selector can be counted from block totals.
bool OnlyNoopDrops(const std::vector<logql::Stage>& stages) {
  for (const auto& st : stages) {
    const auto* d = std::get_if<logql::DropStage>(&st);
    if (d == nullptr) return false;
    for (const auto& it : d->items)
      if (it.matcher || (it.name != "__error__" && it.name != "__error_details__")) return false;
  }
  return true;
}

Result<std::unique_ptr<MetricNode>> PlanRange(const logql::RangeAggregationExpr& e) {
  auto n = std::make_unique<MetricNode>();
  n->kind = MetricNode::Kind::kRange;
  n->range_op = MapRangeOp(e.op);
  n->matchers = e.range.selector.matchers;
  n->range_ns = e.range.range_ns;
  n->offset_ns = e.range.offset_ns;
  n->range_grouping = MapGrouping(e.grouping);
  n->param = e.param.value_or(0);
  Result<std::shared_ptr<const ExtractorFactory>> ex = Status::Internal("unset");
  if (!e.range.selector.stages.empty() && !e.range.unwrap && OnlyNoopDrops(e.range.selector.stages)) {
    logql::RangeAggregationExpr bare = e;
    bare.range.selector.stages.clear();
    ex = MakeExtractor(bare);
  } else {
    ex = MakeExtractor(e);
  }
  if (!ex.ok()) return ex.status();
  n->extractor = std::move(*ex);
  return n;
}

// `sum by|without (L) (count_over_time|rate|bytes_*|sum_over_time(...))`: the range aggregation
// already groups by L, so it holds one series per group instead of one per input series (a parser
// can make a series per line). The sum of the per-series values equals the value of the merged
// partials for these linear ops; __error__ and __error_details__ stay in the grouping so a
// pipeline error still fails the query, and the outer sum then changes nothing.
void PushSumIntoRange(MetricNode& agg) {
  MetricNode* in = agg.lhs.get();
  if (agg.vec_op != VecOp::kSum || in == nullptr || in->kind != MetricNode::Kind::kRange ||
      in->range_grouping) {
    return;
  }
  const RangeOp op = in->range_op;
  if (op != RangeOp::kCount && op != RangeOp::kRate && op != RangeOp::kBytes &&
      op != RangeOp::kBytesRate && op != RangeOp::kSum) {
    return;
  }
  Grouping g = agg.grouping.value_or(Grouping{});
  auto is_error = [](const std::string& l) { return l == "__error__" || l == "__error_details__"; };
  if (g.without) {
    std::erase_if(g.labels, is_error);
  } else {
    if (std::find_if(g.labels.begin(), g.labels.end(), is_error) != g.labels.end()) return;
    g.labels.push_back("__error__");
    g.labels.push_back("__error_details__");
  }
  in->range_grouping = std::move(g);
}

}  // namespace

Result<LogPlan> PlanLogQuery(const logql::LogSelectorExpr& e) {
  auto p = MakePipeline(e);
  if (!p.ok()) return p.status();
  return LogPlan{e.matchers, std::move(*p)};
}

Result<std::unique_ptr<MetricNode>> PlanMetricQuery(const logql::Expr& e) {
  using K = logql::ExprKind;
  auto n = std::make_unique<MetricNode>();
  switch (e.kind) {
    case K::kRangeAggregation:
      return PlanRange(e.As<logql::RangeAggregationExpr>());
    case K::kVectorAggregation: {
      const auto& v = e.As<logql::VectorAggregationExpr>();
      n->kind = MetricNode::Kind::kVectorAgg;
      n->vec_op = MapVecOp(v.op);
      n->param = static_cast<double>(v.param);
      n->grouping = MapGrouping(v.grouping);
      auto in = PlanMetricQuery(*v.inner);
      if (!in.ok()) return in.status();
      n->lhs = std::move(*in);
      PushSumIntoRange(*n);
      return n;
    }
    case K::kBinary: {
      const auto& b = e.As<logql::BinOpExpr>();
      n->kind = MetricNode::Kind::kBinary;
      n->bin_op = MapBinOp(b.op);
      n->return_bool = b.return_bool;
      if (b.matching) {
        const auto& m = *b.matching;
        Cardinality card = m.card == logql::VectorMatching::Card::kManyToOne ? Cardinality::kManyToOne
                         : m.card == logql::VectorMatching::Card::kOneToMany ? Cardinality::kOneToMany
                                                                             : Cardinality::kOneToOne;
        n->matching = VectorMatching{m.on, m.labels, card, m.include};
        if (!m.explicit_matching && card == Cardinality::kOneToOne) n->matching.reset();
      }
      auto l = PlanMetricQuery(*b.lhs);
      if (!l.ok()) return l.status();
      auto r = PlanMetricQuery(*b.rhs);
      if (!r.ok()) return r.status();
      n->lhs = std::move(*l);
      n->rhs = std::move(*r);
      return n;
    }
    case K::kLiteral:
    case K::kVector:
      n->kind = e.kind == K::kLiteral ? MetricNode::Kind::kLiteral : MetricNode::Kind::kVector;
      n->value = e.kind == K::kLiteral ? e.As<logql::LiteralExpr>().value : e.As<logql::VectorExpr>().value;
      return n;
    case K::kLabelReplace: {
      const auto& lr = e.As<logql::LabelReplaceExpr>();
      n->kind = MetricNode::Kind::kLabelReplace;
      n->dst = lr.dst, n->replacement = lr.replacement, n->src = lr.src, n->regex = lr.regex;
      auto in = PlanMetricQuery(*lr.inner);
      if (!in.ok()) return in.status();
      n->lhs = std::move(*in);
      return n;
    }
    case K::kLogSelector:
      break;
  }
  return Status::Invalid("parse error : queries require a metric expression");
}

int64_t MaxLookback(const logql::Expr& e) {
  using K = logql::ExprKind;
  switch (e.kind) {
    case K::kRangeAggregation: {
      const auto& r = e.As<logql::RangeAggregationExpr>().range;
      return r.range_ns + r.offset_ns;
    }
    case K::kVectorAggregation: return MaxLookback(*e.As<logql::VectorAggregationExpr>().inner);
    case K::kLabelReplace: return MaxLookback(*e.As<logql::LabelReplaceExpr>().inner);
    case K::kBinary: {
      const auto& b = e.As<logql::BinOpExpr>();
      return std::max(MaxLookback(*b.lhs), MaxLookback(*b.rhs));
    }
    default: return 0;
  }
}

}  // namespace skald::query
