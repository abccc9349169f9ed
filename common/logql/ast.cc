// Operator names and classification helpers for the LogQL syntax tree (ast.h).
// Names are exactly as written in queries, so the parser and printer share one table.
#include "common/logql/ast.h"

namespace skald::logql {

const char* RangeOpName(RangeOp op) {
  switch (op) {
    case RangeOp::kCountOverTime: return "count_over_time";
    case RangeOp::kRate: return "rate";
    case RangeOp::kRateCounter: return "rate_counter";
    case RangeOp::kBytesOverTime: return "bytes_over_time";
    case RangeOp::kBytesRate: return "bytes_rate";
    case RangeOp::kAvgOverTime: return "avg_over_time";
    case RangeOp::kSumOverTime: return "sum_over_time";
    case RangeOp::kMinOverTime: return "min_over_time";
    case RangeOp::kMaxOverTime: return "max_over_time";
    case RangeOp::kStdvarOverTime: return "stdvar_over_time";
    case RangeOp::kStddevOverTime: return "stddev_over_time";
    case RangeOp::kQuantileOverTime: return "quantile_over_time";
    case RangeOp::kFirstOverTime: return "first_over_time";
    case RangeOp::kLastOverTime: return "last_over_time";
    case RangeOp::kAbsentOverTime: return "absent_over_time";
  }
  return "";
}

const char* VectorOpName(VectorOp op) {
  switch (op) {
    case VectorOp::kSum: return "sum";
    case VectorOp::kAvg: return "avg";
    case VectorOp::kMin: return "min";
    case VectorOp::kMax: return "max";
    case VectorOp::kCount: return "count";
    case VectorOp::kStddev: return "stddev";
    case VectorOp::kStdvar: return "stdvar";
    case VectorOp::kTopK: return "topk";
    case VectorOp::kBottomK: return "bottomk";
    case VectorOp::kSort: return "sort";
    case VectorOp::kSortDesc: return "sort_desc";
  }
  return "";
}

const char* BinOpName(BinOp op) {
  switch (op) {
    case BinOp::kOr: return "or";
    case BinOp::kAnd: return "and";
    case BinOp::kUnless: return "unless";
    case BinOp::kEq: return "==";
    case BinOp::kNeq: return "!=";
    case BinOp::kGt: return ">";
    case BinOp::kGte: return ">=";
    case BinOp::kLt: return "<";
    case BinOp::kLte: return "<=";
    case BinOp::kAdd: return "+";
    case BinOp::kSub: return "-";
    case BinOp::kMul: return "*";
    case BinOp::kDiv: return "/";
    case BinOp::kMod: return "%";
    case BinOp::kPow: return "^";
  }
  return "";
}

const char* CmpOpName(CmpOp op) {
  switch (op) {
    case CmpOp::kEq: return "=";
    case CmpOp::kNeq: return "!=";
    case CmpOp::kRe: return "=~";
    case CmpOp::kNre: return "!~";
    case CmpOp::kGt: return ">";
    case CmpOp::kGte: return ">=";
    case CmpOp::kLt: return "<";
    case CmpOp::kLte: return "<=";
    case CmpOp::kEqEq: return "==";
  }
  return "";
}

const char* LineFilterOpName(LineFilterOp op) {
  switch (op) {
    case LineFilterOp::kContains: return "|=";
    case LineFilterOp::kNotContains: return "!=";
    case LineFilterOp::kRegex: return "|~";
    case LineFilterOp::kNotRegex: return "!~";
    case LineFilterOp::kPattern: return "|>";
    case LineFilterOp::kNotPattern: return "!>";
  }
  return "";
}

const char* ParserKindName(ParserKind k) {
  switch (k) {
    case ParserKind::kJson: return "json";
    case ParserKind::kLogfmt: return "logfmt";
    case ParserKind::kRegexp: return "regexp";
    case ParserKind::kPattern: return "pattern";
    case ParserKind::kUnpack: return "unpack";
  }
  return "";
}

bool IsComparison(BinOp op) {
  return op == BinOp::kEq || op == BinOp::kNeq || op == BinOp::kGt || op == BinOp::kGte ||
         op == BinOp::kLt || op == BinOp::kLte;
}

bool IsSetOp(BinOp op) { return op == BinOp::kOr || op == BinOp::kAnd || op == BinOp::kUnless; }

bool RangeOpRequiresUnwrap(RangeOp op) {
  switch (op) {
    case RangeOp::kCountOverTime: case RangeOp::kRate: case RangeOp::kBytesOverTime:
    case RangeOp::kBytesRate: case RangeOp::kAbsentOverTime:
      return false;
    default:
      return true;
  }
}

bool RangeOpForbidsUnwrap(RangeOp op) {
  return op == RangeOp::kCountOverTime || op == RangeOp::kBytesOverTime ||
         op == RangeOp::kBytesRate;
}

}  // namespace skald::logql
