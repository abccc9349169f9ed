// The metric-query plan: a tree of range aggregations, vector aggregations, binary operations and
// literals, built from the LogQL AST by the planner and evaluated step by step by the metric engine.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/matcher.h"
#include "store/query/stream_pipeline.h"

namespace skald::query {

enum class RangeOp {
  kCount, kRate, kBytes, kBytesRate, kAbsent,                       // log ranges
  kRateCounter, kSum, kAvg, kMax, kMin, kFirst, kLast, kStdvar, kStddev, kQuantile,  // unwrapped
};

enum class VecOp { kSum, kAvg, kMin, kMax, kCount, kStddev, kStdvar, kTopk, kBottomk, kSort, kSortDesc };

enum class BinOp { kAdd, kSub, kMul, kDiv, kMod, kPow, kEq, kNeq, kGt, kGte, kLt, kLte, kAnd, kOr, kUnless };

bool IsComparison(BinOp op);
bool IsSetOp(BinOp op);

struct Grouping {
  bool without = false;
  std::vector<std::string> labels;
};

enum class Cardinality { kOneToOne, kManyToOne, kOneToMany };  // group_left = many-to-one

struct VectorMatching {
  bool on = false;                       // on(...) vs ignoring(...)
  std::vector<std::string> labels;
  Cardinality card = Cardinality::kOneToOne;
  std::vector<std::string> include;      // group_left(...)/group_right(...) labels
};

struct MetricNode {
  enum class Kind { kRange, kVectorAgg, kBinary, kLiteral, kVector, kLabelReplace };
  Kind kind = Kind::kLiteral;

  // kRange
  RangeOp range_op = RangeOp::kCount;
  Matchers matchers;
  std::shared_ptr<const ExtractorFactory> extractor;
  int64_t range_ns = 0, offset_ns = 0;
  std::optional<Grouping> range_grouping;
  double param = 0;                      // quantile φ; topk/bottomk k

  // kVectorAgg
  VecOp vec_op = VecOp::kSum;
  std::optional<Grouping> grouping;

  // kBinary
  BinOp bin_op = BinOp::kAdd;
  bool return_bool = false;
  std::optional<VectorMatching> matching;

  // kLiteral, kVector
  double value = 0;

  // kLabelReplace
  std::string dst, replacement, src, regex;

  std::unique_ptr<MetricNode> lhs, rhs;  // kVectorAgg/kLabelReplace use lhs
};

}  // namespace skald::query
