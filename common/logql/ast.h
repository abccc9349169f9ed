// The LogQL syntax tree (Loki 2.9 + the 3.x additions Grafana sends): what a query *is*, built by
// parser.h, printed by printer.h, evaluated by common/logql/log (per-line pipeline) and store/query.
#pragma once

// How to walk it
// - Expressions (`Expr`) form a class hierarchy tagged by `Expr::kind`; switch on the kind and use
//   `e.As<LogSelectorExpr>()` (a checked static_cast). Children are owned by unique_ptr.
// - A log query is a `LogSelectorExpr`: stream matchers + an ordered list of pipeline `Stage`s.
// - A metric query is any other kind. A `RangeAggregationExpr` holds a `LogRange` (selector,
//   range, offset, optional unwrap) — the leaf where metric evaluation touches logs.
// - Pipeline stages are plain copyable structs in the `Stage` variant (std::visit or
//   std::get_if). Each `| ...` is one stage, in query order; consecutive line filters stay separate
//   stages. Label-filter trees are shared_ptr<const LabelFilter> so stages stay copyable.
// - Everything is immutable after parsing and safe to share between threads.
// - Durations are int64 nanoseconds; literal numbers are double.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/matcher.h"

namespace skald::logql {

// ---------------------------------------------------------------------------------------------
// Pipeline stages
// ---------------------------------------------------------------------------------------------

// `|= "a"`, `!= "a"`, `|~ "re"`, `!~ "re"`, `|> "<_> pat"`, `!> "<_> pat"`.
enum class LineFilterOp { kContains, kNotContains, kRegex, kNotRegex, kPattern, kNotPattern };

// One line-filter stage, e.g. `|= "a" or "b"` or `!= ip("10.0.0.0/8")`.
// Semantics (as Loki): for the positive ops a line passes if ANY term matches; for the negative
// ops (`!=`, `!~`, `!>`) a line passes only if NO term matches.
struct LineFilterStage {
  struct Term {
    std::string value;  // literal / regex / pattern / ip-pattern text (unquoted)
    bool ip = false;    // `ip("...")`: value is an IP, range or CIDR; only with |= and !=
  };
  LineFilterOp op = LineFilterOp::kContains;
  std::vector<Term> terms;  // >= 1; terms[1..] came from `or "..."`
};

// `| json`, `| logfmt`, `| regexp "re"`, `| pattern "p"`, `| unpack`.
enum class ParserKind { kJson, kLogfmt, kRegexp, kPattern, kUnpack };

// `a="b.c"` in `| json a="b.c"` / `| logfmt a="b"`; `| json a` gives {a, a}.
struct LabelExtraction {
  std::string label;       // label to create
  std::string expression;  // json path (`b.c`, `e[0]`, `["x"]`) or logfmt key
};

struct ParserStage {
  ParserKind kind = ParserKind::kJson;
  std::string param;                   // kRegexp: the regex; kPattern: the pattern
  std::vector<LabelExtraction> exprs;  // kJson/kLogfmt with params; empty = extract all
  bool strict = false;                 // kLogfmt `--strict`
  bool keep_empty = false;             // kLogfmt `--keep-empty`
};

// Comparison operators of label filters. kEq is `=` (string/ip filters); numeric, duration and
// bytes filters written with `=` are stored as kEqEq (`==`), as Loki prints them.
enum class CmpOp { kEq, kNeq, kRe, kNre, kGt, kGte, kLt, kLte, kEqEq };

// A label-filter expression tree: `status >= 500 and (level="error" or dur > 1s)`.
struct LabelFilter {
  enum class Kind {
    kAnd,       // left and right (`and`, `,` and juxtaposition); `comma` says how it was written
    kOr,        // left or right
    kString,    // name = != =~ !~ "value": `matcher` is ready to use (missing label = "")
    kNumber,    // name op number: label value parsed as float; `number` holds the literal
    kDuration,  // name op 1.5s: label value parsed as Go duration; `number` in seconds
    kBytes,     // name op 20MB: label value parsed as bytes (humanize); `number` in bytes
    kIp,        // name = ip("..") / name != ip(".."): `text` is the ip pattern
  };
  Kind kind = Kind::kString;
  std::shared_ptr<const LabelFilter> left, right;  // kAnd / kOr
  bool comma = false;                               // kAnd written as `,`
  std::string name;                                 // leaves: label name
  CmpOp op = CmpOp::kEq;                            // leaves
  std::optional<Matcher> matcher;                   // kString
  std::string text;    // leaves: the literal as written (`500`, `1.5s`, `20MB`, ip pattern, string)
  double number = 0;   // kNumber value; kDuration seconds; kBytes bytes
};

struct LabelFilterStage {
  std::shared_ptr<const LabelFilter> filter;  // never null
};

// `| line_format "{{.a}}"` (Go text/template).
struct LineFormatStage {
  std::string tmpl;
};

// `| label_format a="{{.b}}", c=d`: template (rename=false) or rename from label `value`.
struct LabelFormatStage {
  struct Item {
    std::string dst;
    std::string value;  // template text, or source label name when rename
    bool rename = false;
  };
  std::vector<Item> items;
};

// `| drop a, b="v"` / `| keep a, b=~"x"`: a bare name, or a matcher on that label.
struct LabelSelectItem {
  std::string name;
  std::optional<Matcher> matcher;  // set for `b="v"` forms; drop/keep only if it matches
};
struct DropStage {
  std::vector<LabelSelectItem> items;
};
struct KeepStage {
  std::vector<LabelSelectItem> items;
};
struct DecolorizeStage {};
// `| distinct a, b`: keep only the first line for each value combination.
struct DistinctStage {
  std::vector<std::string> labels;
};

using Stage = std::variant<LineFilterStage, ParserStage, LabelFilterStage, LineFormatStage,
                           LabelFormatStage, DropStage, KeepStage, DecolorizeStage, DistinctStage>;

// `| unwrap x`, `| unwrap duration(x)` etc., then optional post-unwrap label filters.
struct Unwrap {
  enum class Conv { kNone, kDuration, kDurationSeconds, kBytes };
  std::string label;
  Conv conv = Conv::kNone;
  std::vector<std::shared_ptr<const LabelFilter>> post_filters;  // `| unwrap x | x > 1`
};

// ---------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------

enum class ExprKind {
  kLogSelector,        // LogSelectorExpr: `{a="b"} |= "x" | json` (a log query)
  kRangeAggregation,   // RangeAggregationExpr: `rate({..}[5m])`
  kVectorAggregation,  // VectorAggregationExpr: `sum by (a) (...)`
  kBinary,             // BinOpExpr: `a + b`, `a > bool 1`, `a and on(x) b`
  kLiteral,            // LiteralExpr: `1`, `-2.5e3`
  kVector,             // VectorExpr: `vector(1)`
  kLabelReplace,       // LabelReplaceExpr: `label_replace(expr, "dst", "repl", "src", "re")`
};

struct Expr {
  explicit Expr(ExprKind k) : kind(k) {}
  virtual ~Expr() = default;
  Expr(const Expr&) = default;
  Expr& operator=(const Expr&) = delete;  // `kind` is fixed; copy-construct instead

  const ExprKind kind;
  bool IsLog() const { return kind == ExprKind::kLogSelector; }
  template <typename T>
  const T& As() const { return static_cast<const T&>(*this); }  // caller checked `kind`
  template <typename T>
  T& As() { return static_cast<T&>(*this); }
};
using ExprPtr = std::unique_ptr<Expr>;

struct LogSelectorExpr : Expr {
  LogSelectorExpr() : Expr(ExprKind::kLogSelector) {}
  Matchers matchers;          // >= 1, at least one not matching "" (validated)
  std::vector<Stage> stages;  // in order; empty for a bare selector
};

// The log side of a range aggregation: `{..} | json | unwrap x [5m] offset 1h`.
struct LogRange {
  LogSelectorExpr selector;
  int64_t range_ns = 0;   // > 0
  int64_t offset_ns = 0;  // `offset`; 0 when absent
  std::optional<Unwrap> unwrap;
};

enum class RangeOp {
  kCountOverTime, kRate, kRateCounter, kBytesOverTime, kBytesRate, kAvgOverTime, kSumOverTime,
  kMinOverTime, kMaxOverTime, kStdvarOverTime, kStddevOverTime, kQuantileOverTime,
  kFirstOverTime, kLastOverTime, kAbsentOverTime,
};

// `by (a, b)` / `without (a)`; an empty `labels` with !without is `by ()`.
struct Grouping {
  bool without = false;
  std::vector<std::string> labels;
};

struct RangeAggregationExpr : Expr {
  RangeAggregationExpr() : Expr(ExprKind::kRangeAggregation) {}
  RangeOp op = RangeOp::kCountOverTime;
  std::optional<double> param;  // quantile_over_time's φ
  LogRange range;
  std::optional<Grouping> grouping;  // only on unwrapped aggregations (validated)
};

enum class VectorOp { kSum, kAvg, kMin, kMax, kCount, kStddev, kStdvar, kTopK, kBottomK, kSort,
                      kSortDesc };

struct VectorAggregationExpr : Expr {
  VectorAggregationExpr() : Expr(ExprKind::kVectorAggregation) {}
  VectorOp op = VectorOp::kSum;
  int64_t param = 0;  // topk/bottomk k
  ExprPtr inner;      // a metric expression
  std::optional<Grouping> grouping;
};

enum class BinOp {
  kOr, kAnd, kUnless,                          // set operators
  kEq, kNeq, kGt, kGte, kLt, kLte,             // comparisons
  kAdd, kSub, kMul, kDiv, kMod, kPow,          // arithmetic
};

struct VectorMatching {
  enum class Card { kOneToOne, kManyToOne, kOneToMany, kManyToMany };
  bool on = false;                  // on(...) vs ignoring(...)
  std::vector<std::string> labels;  // the on/ignoring list
  Card card = Card::kOneToOne;      // group_left = kManyToOne, group_right = kOneToMany
  std::vector<std::string> include; // group_left(...)/group_right(...) extra labels
  bool explicit_matching = false;   // on/ignoring was written
};

struct BinOpExpr : Expr {
  BinOpExpr() : Expr(ExprKind::kBinary) {}
  BinOp op = BinOp::kAdd;
  bool return_bool = false;               // comparison with `bool`
  std::optional<VectorMatching> matching; // set when on/ignoring/group_* was written
  ExprPtr lhs, rhs;                       // metric expressions (never log selectors)
};

struct LiteralExpr : Expr {
  LiteralExpr() : Expr(ExprKind::kLiteral) {}
  double value = 0;
};

struct VectorExpr : Expr {
  VectorExpr() : Expr(ExprKind::kVector) {}
  double value = 0;
};

struct LabelReplaceExpr : Expr {
  LabelReplaceExpr() : Expr(ExprKind::kLabelReplace) {}
  ExprPtr inner;
  std::string dst, replacement, src, regex;
};

// Names as written in queries: "count_over_time", "sum", "+", "==", "json", "|=", ...
const char* RangeOpName(RangeOp op);
const char* VectorOpName(VectorOp op);
const char* BinOpName(BinOp op);
const char* CmpOpName(CmpOp op);
const char* LineFilterOpName(LineFilterOp op);
const char* ParserKindName(ParserKind k);
// Operator classes.
bool IsComparison(BinOp op);
bool IsSetOp(BinOp op);
// Range ops that need `| unwrap` (sum_over_time, ...), that forbid it (count_over_time, ...).
bool RangeOpRequiresUnwrap(RangeOp op);
bool RangeOpForbidsUnwrap(RangeOp op);

// Deep copy (AST nodes own their children).
ExprPtr CloneExpr(const Expr& e);

}  // namespace skald::logql
