// Canonical LogQL text (Loki's String() forms): stages, label filters, ranges, aggregations,
// binary operations (always parenthesised so precedence survives a re-parse).
#include "common/logql/printer.h"

// GCC 12 reports false -Wrestrict on `"literal" + std::string&&` (GCC bug 105329).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <cstdio>

#include "common/labels.h"
#include "common/logql/units.h"

namespace skald::logql {
namespace {

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

std::string Extractions(const std::vector<LabelExtraction>& ex) {
  std::string out;
  for (size_t i = 0; i < ex.size(); ++i) {
    if (i) out += ",";
    out += ex[i].label + "=" + GoQuote(ex[i].expression);
  }
  return out;
}

std::string SelectItems(const char* op, const std::vector<LabelSelectItem>& items) {
  std::string out = std::string("| ") + op + " ";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ",";
    out += items[i].matcher ? items[i].matcher->ToString() : items[i].name;
  }
  return out;
}

struct StagePrinter {
  std::string operator()(const LineFilterStage& f) const {
    // Loki prints a negative `!= "a" or "b"` as the equivalent chain `!= "a" != "b"`.
    bool negative = f.op == LineFilterOp::kNotContains || f.op == LineFilterOp::kNotRegex ||
                    f.op == LineFilterOp::kNotPattern;
    std::string sep = negative ? std::string(" ") + LineFilterOpName(f.op) + " " : " or ";
    std::string out = LineFilterOpName(f.op);
    for (size_t i = 0; i < f.terms.size(); ++i) {
      out += i ? sep : " ";
      const auto& t = f.terms[i];
      out += t.ip ? "ip(" + GoQuote(t.value) + ")" : GoQuote(t.value);
    }
    return out;
  }
  std::string operator()(const ParserStage& p) const {
    std::string out = std::string("| ") + ParserKindName(p.kind);
    if (p.kind == ParserKind::kRegexp || p.kind == ParserKind::kPattern) return out + " " + GoQuote(p.param);
    if (p.strict) out += " --strict";
    if (p.keep_empty) out += " --keep-empty";
    if (!p.exprs.empty()) out += " " + Extractions(p.exprs);
    return out;
  }
  std::string operator()(const LabelFilterStage& f) const { return "| " + PrintLabelFilter(*f.filter); }
  std::string operator()(const LineFormatStage& f) const { return "| line_format " + GoQuote(f.tmpl); }
  std::string operator()(const LabelFormatStage& f) const {
    std::string out = "| label_format ";
    for (size_t i = 0; i < f.items.size(); ++i) {
      if (i) out += ",";
      out += f.items[i].dst + "=" + (f.items[i].rename ? f.items[i].value : GoQuote(f.items[i].value));
    }
    return out;
  }
  std::string operator()(const DropStage& d) const { return SelectItems("drop", d.items); }
  std::string operator()(const KeepStage& k) const { return SelectItems("keep", k.items); }
  std::string operator()(const DecolorizeStage&) const { return "| decolorize"; }
  std::string operator()(const DistinctStage& d) const { return "| distinct " + Join(d.labels, ","); }
};

std::string PrintSelector(const LogSelectorExpr& e) {
  std::string out = "{";
  for (size_t i = 0; i < e.matchers.size(); ++i) {
    if (i) out += ", ";
    out += e.matchers[i].ToString();
  }
  out += "}";
  for (const Stage& s : e.stages) out += " " + PrintStage(s);
  return out;
}

const char* ConvName(Unwrap::Conv c) {
  switch (c) {
    case Unwrap::Conv::kDuration: return "duration";
    case Unwrap::Conv::kDurationSeconds: return "duration_seconds";
    case Unwrap::Conv::kBytes: return "bytes";
    default: return "";
  }
}

// Loki's form: `<op> on (a,b) group_left (c)`; with no group clause Loki leaves a trailing space,
// which (joined with the right operand) gives two spaces — kept for byte-identical output.
std::string VectorMatchingString(const VectorMatching& m) {
  if (!m.on && !m.explicit_matching) return "";
  std::string group;
  if (m.card == VectorMatching::Card::kManyToOne) group = "group_left";
  if (m.card == VectorMatching::Card::kOneToMany) group = "group_right";
  if (!m.include.empty()) group += " (" + Join(m.include, ",") + ")";
  return std::string(m.on ? " on (" : " ignoring (") + Join(m.labels, ",") + ") " + group;
}

}  // namespace

std::string PrintStage(const Stage& s) { return std::visit(StagePrinter{}, s); }

std::string PrintLabelFilter(const LabelFilter& f) {
  using K = LabelFilter::Kind;
  switch (f.kind) {
    case K::kAnd:
    case K::kOr:
      return "( " + PrintLabelFilter(*f.left) + (f.kind == K::kAnd ? " , " : " or ") +
             PrintLabelFilter(*f.right) + " )";
    case K::kString: return f.name + CmpOpName(f.op) + GoQuote(f.text);
    case K::kIp: return f.name + CmpOpName(f.op) + "ip(" + GoQuote(f.text) + ")";
    case K::kNumber: return f.name + CmpOpName(f.op) + FormatGoFloatF(f.number);
    case K::kDuration:
      return f.name + CmpOpName(f.op) + FormatGoDuration(static_cast<int64_t>(f.number * 1e9 + (f.number < 0 ? -0.5 : 0.5)));
    case K::kBytes: return f.name + CmpOpName(f.op) + f.text;
  }
  return "";
}

std::string PrintGrouping(const Grouping& g) {
  return std::string(g.without ? " without (" : " by (") + Join(g.labels, ",") + ")";
}

std::string PrintLogRange(const LogRange& r) {
  std::string out = PrintSelector(r.selector);
  if (r.unwrap) {
    const Unwrap& u = *r.unwrap;
    out += u.conv == Unwrap::Conv::kNone ? " | unwrap " + u.label
                                         : std::string(" | unwrap ") + ConvName(u.conv) + "(" + u.label + ")";
    for (const auto& f : u.post_filters) out += " | " + PrintLabelFilter(*f);
  }
  out += "[" + FormatPromDuration(r.range_ns) + "]";
  if (r.offset_ns != 0) out += " offset " + FormatGoDuration(r.offset_ns);
  return out;
}

std::string Print(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kLogSelector: return PrintSelector(e.As<LogSelectorExpr>());
    case ExprKind::kRangeAggregation: {
      const auto& r = e.As<RangeAggregationExpr>();
      std::string out = std::string(RangeOpName(r.op)) + "(";
      if (r.param) out += FormatGoFloatF(*r.param) + ",";
      out += PrintLogRange(r.range) + ")";
      if (r.grouping) out += PrintGrouping(*r.grouping);
      return out;
    }
    case ExprKind::kVectorAggregation: {
      const auto& v = e.As<VectorAggregationExpr>();
      std::string out = VectorOpName(v.op);
      if (v.grouping) out += PrintGrouping(*v.grouping);
      out += "(";
      if (v.op == VectorOp::kTopK || v.op == VectorOp::kBottomK) out += std::to_string(v.param) + ",";
      return out + Print(*v.inner) + ")";
    }
    case ExprKind::kBinary: {
      const auto& b = e.As<BinOpExpr>();
      std::string op = BinOpName(b.op);
      if (b.return_bool) op += " bool";
      if (b.matching) op += VectorMatchingString(*b.matching);
      return "(" + Print(*b.lhs) + " " + op + " " + Print(*b.rhs) + ")";
    }
    case ExprKind::kLiteral: return FormatGoFloat(e.As<LiteralExpr>().value);
    case ExprKind::kVector: {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%f", e.As<VectorExpr>().value);
      return std::string("vector(") + buf + ")";
    }
    case ExprKind::kLabelReplace: {
      const auto& l = e.As<LabelReplaceExpr>();
      return "label_replace(" + Print(*l.inner) + "," + GoQuote(l.dst) + "," + GoQuote(l.replacement) +
             "," + GoQuote(l.src) + "," + GoQuote(l.regex) + ")";
    }
  }
  return "";
}

}  // namespace skald::logql
