// Metric-side grammar: binary operators by precedence climbing, range and vector aggregations,
// log ranges, label_replace, vector(), literals; with Loki's semantic checks.
#include <cmath>
#include <cstdio>

#include "common/logql/parser_impl.h"
#include "common/logql/units.h"

namespace skald::logql {
namespace {

struct BinOpInfo {
  BinOp op;
  int prec;
};

// Loki/PromQL precedence: or < and,unless < comparisons < + - < * / % < ^ (right-assoc).
std::optional<BinOpInfo> BinOpAt(const Token& t) {
  switch (t.type) {
    case Tok::kEqEq: return BinOpInfo{BinOp::kEq, 3};
    case Tok::kNeq: return BinOpInfo{BinOp::kNeq, 3};
    case Tok::kGt: return BinOpInfo{BinOp::kGt, 3};
    case Tok::kGte: return BinOpInfo{BinOp::kGte, 3};
    case Tok::kLt: return BinOpInfo{BinOp::kLt, 3};
    case Tok::kLte: return BinOpInfo{BinOp::kLte, 3};
    case Tok::kAdd: return BinOpInfo{BinOp::kAdd, 4};
    case Tok::kSub: return BinOpInfo{BinOp::kSub, 4};
    case Tok::kMul: return BinOpInfo{BinOp::kMul, 5};
    case Tok::kDiv: return BinOpInfo{BinOp::kDiv, 5};
    case Tok::kMod: return BinOpInfo{BinOp::kMod, 5};
    case Tok::kPow: return BinOpInfo{BinOp::kPow, 6};
    case Tok::kIdent:
      if (t.text == "or") return BinOpInfo{BinOp::kOr, 1};
      if (t.text == "and") return BinOpInfo{BinOp::kAnd, 2};
      if (t.text == "unless") return BinOpInfo{BinOp::kUnless, 2};
      return std::nullopt;
    default: return std::nullopt;
  }
}

std::optional<RangeOp> RangeOpByName(std::string_view s) {
  for (int i = 0; i <= static_cast<int>(RangeOp::kAbsentOverTime); ++i)
    if (s == RangeOpName(static_cast<RangeOp>(i))) return static_cast<RangeOp>(i);
  return std::nullopt;
}

std::optional<VectorOp> VectorOpByName(std::string_view s) {
  for (int i = 0; i <= static_cast<int>(VectorOp::kSortDesc); ++i)
    if (s == VectorOpName(static_cast<VectorOp>(i))) return static_cast<VectorOp>(i);
  return std::nullopt;
}

// Loki folds binary operations between two literals at parse time.
double FoldLiterals(BinOp op, double l, double r) {
  switch (op) {
    case BinOp::kAdd: return l + r;
    case BinOp::kSub: return l - r;
    case BinOp::kMul: return l * r;
    case BinOp::kDiv: return r == 0 ? std::nan("") : l / r;  // Loki guards division by zero
    case BinOp::kMod: return r == 0 ? std::nan("") : std::fmod(l, r);
    case BinOp::kPow: return std::pow(l, r);
    case BinOp::kEq: return l == r;
    case BinOp::kNeq: return l != r;
    case BinOp::kGt: return l > r;
    case BinOp::kGte: return l >= r;
    case BinOp::kLt: return l < r;
    case BinOp::kLte: return l <= r;
    default: return 0;
  }
}

// Go's fmt `%f`: six decimals.
std::string GoPercentF(double v) {
  char buf[512];
  std::snprintf(buf, sizeof(buf), "%f", v);
  return buf;
}

const char* GoTypeName(const Expr& e) {
  if (e.kind != ExprKind::kLogSelector) return "*syntax.LiteralExpr";
  return e.As<LogSelectorExpr>().stages.empty() ? "*syntax.MatchersExpr" : "*syntax.PipelineExpr";
}

}  // namespace

ExprPtr Parser::ParseBinary(int min_prec) {
  ExprPtr lhs = ParseUnary();
  while (auto info = BinOpAt(Cur())) {
    if (info->prec < min_prec) break;
    Take();
    BinOpExpr mods;
    ParseBinOpModifiers(&mods);
    int next = info->op == BinOp::kPow ? info->prec : info->prec + 1;
    ExprPtr rhs = ParseBinary(next);
    lhs = MakeBinOp(info->op, std::move(lhs), std::move(rhs), std::move(mods));
  }
  return lhs;
}

void Parser::ParseBinOpModifiers(BinOpExpr* b) {
  if (IsIdent("bool")) {
    Take();
    b->return_bool = true;
  }
  if (IsIdent("on") || IsIdent("ignoring")) {
    VectorMatching m;
    m.on = Take().text == "on";
    m.explicit_matching = true;
    m.labels = ParseLabelList();
    if (IsIdent("group_left") || IsIdent("group_right")) {
      m.card = Take().text == "group_left" ? VectorMatching::Card::kManyToOne
                                           : VectorMatching::Card::kOneToMany;
      if (Is(Tok::kLParen)) m.include = ParseLabelList();
    }
    b->matching = std::move(m);
  }
}

ExprPtr Parser::MakeBinOp(BinOp op, ExprPtr lhs, ExprPtr rhs, BinOpExpr&& mods) {
  std::string name = BinOpName(op);
  if (lhs->IsLog())
    Fail("unexpected type for left leg of binary operation (" + name + "): " + GoTypeName(*lhs));
  if (rhs->IsLog())
    Fail("unexpected type for right leg of binary operation (" + name + "): " + GoTypeName(*rhs));
  if (mods.return_bool && !IsComparison(op)) Fail("bool modifier can only be used on comparison operators");
  bool l_lit = lhs->kind == ExprKind::kLiteral, r_lit = rhs->kind == ExprKind::kLiteral;
  if (IsSetOp(op)) {
    if (l_lit)
      Fail("unexpected literal for left leg of logical/set binary operation (" + name +
           "): " + GoPercentF(lhs->As<LiteralExpr>().value));
    if (r_lit)
      Fail("unexpected literal for right leg of logical/set binary operation (" + name +
           "): " + GoPercentF(rhs->As<LiteralExpr>().value));
  }
  if (l_lit && r_lit) {
    double v = FoldLiterals(op, lhs->As<LiteralExpr>().value, rhs->As<LiteralExpr>().value);
    if (std::isfinite(v)) {  // NaN/Inf have no literal syntax: keep `1/0` unfolded to print it
      auto lit = std::make_unique<LiteralExpr>();
      lit->value = v;
      return lit;
    }
  }
  auto b = std::make_unique<BinOpExpr>();
  b->op = op;
  b->return_bool = mods.return_bool;
  b->matching = std::move(mods.matching);
  b->lhs = std::move(lhs);
  b->rhs = std::move(rhs);
  return b;
}

ExprPtr Parser::ParseUnary() {
  if ((Is(Tok::kSub) || Is(Tok::kAdd)) && PeekTok().type == Tok::kNumber) {
    bool neg = Take().type == Tok::kSub;
    auto lit = std::make_unique<LiteralExpr>();
    lit->value = neg ? -Take().number : Take().number;
    return lit;
  }
  return ParsePrimary();
}

ExprPtr Parser::ParsePrimary() {
  switch (Cur().type) {
    case Tok::kLParen: {
      Take();
      ExprPtr e = ParseBinary(0);
      Expect(Tok::kRParen, ")");
      return e;
    }
    case Tok::kNumber: {
      auto lit = std::make_unique<LiteralExpr>();
      lit->value = Take().number;
      return lit;
    }
    case Tok::kLBrace: return ParseLogSelectorExpr();
    case Tok::kIdent: break;
    default: Unexpected();
  }
  const std::string& name = Cur().text;
  if (auto r = RangeOpByName(name); r && PeekTok().type == Tok::kLParen) return ParseRangeAggregation(*r);
  if (auto v = VectorOpByName(name)) {
    Tok next = PeekTok().type;
    const Token& nt = PeekTok();
    if (next == Tok::kLParen || (nt.type == Tok::kIdent && (nt.text == "by" || nt.text == "without")))
      return ParseVectorAggregation(*v);
  }
  if (name == "label_replace" && PeekTok().type == Tok::kLParen) return ParseLabelReplace();
  if (name == "vector" && PeekTok().type == Tok::kLParen) return ParseVector();
  Unexpected();
}

ExprPtr Parser::ParseLogSelectorExpr() {
  auto e = std::make_unique<LogSelectorExpr>();
  e->matchers = ParseSelector();
  ParseStages(&e->stages, nullptr);
  return e;
}

std::vector<std::string> Parser::ParseLabelList() {
  Expect(Tok::kLParen, "(");
  std::vector<std::string> out;
  while (!Is(Tok::kRParen)) {
    out.push_back(ExpectIdent());
    if (!Is(Tok::kComma)) break;
    Take();
  }
  Expect(Tok::kRParen, ")");
  return out;
}

std::optional<Grouping> Parser::ParseGroupingOpt() {
  if (!IsIdent("by") && !IsIdent("without")) return std::nullopt;
  Grouping g;
  g.without = Take().text == "without";
  g.labels = ParseLabelList();
  return g;
}

ExprPtr Parser::ParseRangeAggregation(RangeOp op) {
  auto e = std::make_unique<RangeAggregationExpr>();
  e->op = op;
  Take();
  Take();  // name (
  if (Is(Tok::kNumber) || ((Is(Tok::kSub) || Is(Tok::kAdd)) && PeekTok().type == Tok::kNumber)) {
    bool neg = Is(Tok::kSub);
    if (!Is(Tok::kNumber)) Take();
    double v = Take().number;
    e->param = neg ? -v : v;
    Expect(Tok::kComma, ",");
    if (op != RangeOp::kQuantileOverTime)
      Fail("parameter " + FormatGoFloatF(*e->param) + " not supported for operation " +
           RangeOpName(op));
  } else if (op == RangeOp::kQuantileOverTime) {
    Fail(std::string("parameter required for operation ") + RangeOpName(op));
  }
  ParseLogRange(&e->range);
  Expect(Tok::kRParen, ")");
  e->grouping = ParseGroupingOpt();
  ValidateRangeAggregation(*e);
  return e;
}

void Parser::ParseLogRange(LogRange* r) {
  bool paren = Is(Tok::kLParen);
  if (paren) Take();
  r->selector.matchers = ParseSelector();
  bool have_range = false;
  auto range_and_offset = [&] {
    r->range_ns = static_cast<int64_t>(Take().number);
    have_range = true;
    if (IsIdent("offset")) {
      Take();
      r->offset_ns = static_cast<int64_t>(Expect(Tok::kDuration, "DURATION").number);
    }
  };
  if (!paren && Is(Tok::kRange)) range_and_offset();
  ParseStages(&r->selector.stages, &r->unwrap);
  if (paren) Expect(Tok::kRParen, ")");
  if (!have_range) {
    if (!Is(Tok::kRange)) Unexpected(r->unwrap ? "RANGE" : "RANGE or |");
    range_and_offset();
    if (!paren && !r->unwrap) ParseStages(&r->selector.stages, &r->unwrap);
  }
  if (r->range_ns <= 0) Fail("invalid range: must be positive");
}

void Parser::ValidateRangeAggregation(const RangeAggregationExpr& e) const {
  const std::string name = RangeOpName(e.op);
  if (e.grouping) {
    switch (e.op) {
      case RangeOp::kAvgOverTime: case RangeOp::kStddevOverTime: case RangeOp::kStdvarOverTime:
      case RangeOp::kQuantileOverTime: case RangeOp::kMaxOverTime: case RangeOp::kMinOverTime:
      case RangeOp::kFirstOverTime: case RangeOp::kLastOverTime:
        break;
      default: Fail("grouping not allowed for " + name + " aggregation");
    }
  }
  if (e.range.unwrap && RangeOpForbidsUnwrap(e.op)) Fail("invalid aggregation " + name + " with unwrap");
  if (!e.range.unwrap && RangeOpRequiresUnwrap(e.op))
    Fail("invalid aggregation " + name + " without unwrap");
}

ExprPtr Parser::ParseVectorAggregation(VectorOp op) {
  auto e = std::make_unique<VectorAggregationExpr>();
  e->op = op;
  Take();
  e->grouping = ParseGroupingOpt();
  Expect(Tok::kLParen, "(");
  bool takes_param = op == VectorOp::kTopK || op == VectorOp::kBottomK;
  if (Is(Tok::kNumber) && PeekTok().type == Tok::kComma) {
    std::string text = Take().text;
    Take();
    if (!takes_param) Fail("unsupported parameter for operation " + std::string(VectorOpName(op)) + "(" + text + ",");
    char* end = nullptr;
    long long k = std::strtoll(text.c_str(), &end, 10);
    std::string call = std::string(VectorOpName(op)) + "(" + text;
    if (*end != '\0') Fail("invalid parameter " + call + ",");
    if (k <= 0) Fail("invalid parameter (must be greater than 0) " + call);
    e->param = k;
  } else if (takes_param) {
    Fail(std::string("parameter required for operation ") + VectorOpName(op));
  }
  e->inner = ParseBinary(0);
  if (e->inner->IsLog()) Unexpected();  // a log query where a metric one belongs
  Expect(Tok::kRParen, ")");
  if (!e->grouping) e->grouping = ParseGroupingOpt();
  else if (IsIdent("by") || IsIdent("without")) Unexpected();
  return e;
}

ExprPtr Parser::ParseLabelReplace() {
  auto e = std::make_unique<LabelReplaceExpr>();
  Take();
  Take();
  e->inner = ParseBinary(0);
  if (e->inner->IsLog()) Unexpected();
  std::string* fields[] = {&e->dst, &e->replacement, &e->src, &e->regex};
  for (std::string* f : fields) {
    Expect(Tok::kComma, ",");
    *f = ExpectString();
  }
  Expect(Tok::kRParen, ")");
  if (!IsValidLabelName(e->dst)) Fail("invalid destination label name in label_replace: " + e->dst);
  auto m = Matcher::Make(MatchType::kRe, "x", e->regex);
  if (!m.ok()) Fail("invalid regex in label_replace: " + m.status().message());
  return e;
}

ExprPtr Parser::ParseVector() {
  auto e = std::make_unique<VectorExpr>();
  Take();
  Take();
  bool neg = false;
  if (Is(Tok::kSub) || Is(Tok::kAdd)) neg = Take().type == Tok::kSub;
  double v = Expect(Tok::kNumber, "NUMBER").number;
  e->value = neg ? -v : v;
  Expect(Tok::kRParen, ")");
  return e;
}

}  // namespace skald::logql
