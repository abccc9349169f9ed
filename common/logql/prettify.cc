// Prettify: multi-line LogQL for /loki/api/v1/format_query, after Loki's syntax.Prettify layout:
// a node whose one-line form is longer than 100 characters is split — pipeline stages one per line,
// aggregation arguments indented inside `op(` ... `)`, binary operands around the operator line.
#include "common/logql/printer.h"

#include "common/labels.h"
#include "common/logql/units.h"

// GCC 12 reports false -Wrestrict on `"literal" + std::string&&` (GCC bug 105329).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

namespace skald::logql {
namespace {

constexpr size_t kMaxCharsPerLine = 100;

std::string Indent(int level) { return std::string(static_cast<size_t>(level) * 2, ' '); }
bool NeedSplit(const std::string& flat) { return flat.size() > kMaxCharsPerLine; }

std::string Pretty(const Expr& e, int level);

std::string PrettySelector(const LogSelectorExpr& e, int level) {
  std::string flat = Print(e);
  if (!NeedSplit(flat) || e.stages.empty()) return Indent(level) + flat;
  LogSelectorExpr bare;
  bare.matchers = e.matchers;
  std::string out = Indent(level) + Print(bare);
  for (const Stage& s : e.stages) out += "\n" + Indent(level + 1) + PrintStage(s);
  return out;
}

// `{..} | json [5m] offset 1h`, or split with the range appended to the last line.
std::string PrettyRange(const LogRange& r, int level) {
  std::string range = " [" + FormatPromDuration(r.range_ns) + "]";
  if (r.offset_ns != 0) range += " offset " + FormatPromDuration(r.offset_ns);
  std::string flat = PrintLogRange(r);
  if (!NeedSplit(flat)) {
    // The unwrap part lies between the selector and the range suffix; its filters may hold `[`.
    std::string sel = Print(r.selector);
    std::string suffix = "[" + FormatPromDuration(r.range_ns) + "]";
    if (r.offset_ns != 0) suffix += " offset " + FormatGoDuration(r.offset_ns);
    std::string unwrap = flat.substr(sel.size(), flat.size() - sel.size() - suffix.size());
    return Indent(level) + sel + unwrap + range;
  }
  std::string out = PrettySelector(r.selector, level);
  if (r.unwrap) {
    const Unwrap& u = *r.unwrap;
    static const char* kConv[] = {"", "duration", "duration_seconds", "bytes"};
    std::string uw = u.conv == Unwrap::Conv::kNone
                         ? "| unwrap " + u.label
                         : std::string("| unwrap ") + kConv[static_cast<int>(u.conv)] + "(" + u.label + ")";
    out += "\n" + Indent(level + 1) + uw;
    for (const auto& f : u.post_filters) out += "\n" + Indent(level + 1) + "| " + PrintLabelFilter(*f);
  }
  return out + range;
}

std::string PrettyRangeAgg(const RangeAggregationExpr& r, int level) {
  std::string out = Indent(level) + RangeOpName(r.op) + "(\n";
  if (r.param) out += Indent(level + 1) + FormatGoFloatF(*r.param) + ",\n";
  out += PrettyRange(r.range, level + 1) + "\n" + Indent(level) + ")";
  if (r.grouping) out += PrintGrouping(*r.grouping);
  return out;
}

std::string PrettyVectorAgg(const VectorAggregationExpr& v, int level) {
  std::string out = Indent(level) + VectorOpName(v.op);
  if (v.grouping) out += PrintGrouping(*v.grouping) + " ";
  out += "(\n";
  if (v.op == VectorOp::kTopK || v.op == VectorOp::kBottomK)
    out += Indent(level + 1) + std::to_string(v.param) + ",\n";
  return out + Pretty(*v.inner, level + 1) + "\n" + Indent(level) + ")";
}

// A split binary operand keeps its grouping with explicit parentheses, so the text re-parses
// to the same tree (Loki drops them; we keep them to stay round-trippable).
std::string PrettyOperand(const Expr& e, int level) {
  std::string flat = Print(e);
  if (e.kind != ExprKind::kBinary || !NeedSplit(flat)) return Pretty(e, level);
  return Indent(level) + "(\n" + Pretty(e, level + 1) + "\n" + Indent(level) + ")";
}

std::string PrettyBinary(const BinOpExpr& b, int level) {
  // The operator line is everything Print puts between the operands: `/ on(a) group_left(b)`.
  std::string flat = Print(b);
  std::string lhs = Print(*b.lhs), rhs = Print(*b.rhs);
  std::string op = flat.substr(1 + lhs.size() + 1, flat.size() - lhs.size() - rhs.size() - 4);
  return PrettyOperand(*b.lhs, level + 1) + "\n" + Indent(level) + op + "\n" +
         PrettyOperand(*b.rhs, level + 1);
}

std::string PrettyLabelReplace(const LabelReplaceExpr& l, int level) {
  std::string out = Indent(level) + "label_replace(\n" + Pretty(*l.inner, level + 1);
  for (const std::string* s : {&l.dst, &l.replacement, &l.src, &l.regex})
    out += ",\n" + Indent(level + 1) + GoQuote(*s);
  return out + "\n" + Indent(level) + ")";
}

std::string Pretty(const Expr& e, int level) {
  std::string flat = Print(e);
  if (!NeedSplit(flat)) return Indent(level) + flat;
  switch (e.kind) {
    case ExprKind::kLogSelector: return PrettySelector(e.As<LogSelectorExpr>(), level);
    case ExprKind::kRangeAggregation: return PrettyRangeAgg(e.As<RangeAggregationExpr>(), level);
    case ExprKind::kVectorAggregation: return PrettyVectorAgg(e.As<VectorAggregationExpr>(), level);
    case ExprKind::kBinary: return PrettyBinary(e.As<BinOpExpr>(), level);
    case ExprKind::kLabelReplace: return PrettyLabelReplace(e.As<LabelReplaceExpr>(), level);
    default: return Indent(level) + flat;
  }
}

}  // namespace

std::string Prettify(const Expr& e) { return Pretty(e, 0); }

}  // namespace skald::logql
