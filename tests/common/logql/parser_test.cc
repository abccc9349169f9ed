// LogQL parser unit tests: the tree shapes consumers rely on (stages, label filters, unwrap,
// aggregations, vector matching), precedence, stream selectors, and Loki-worded errors.
#include <catch.hpp>

#include <string>
#include <vector>

#include "common/logql/parser.h"
#include "common/logql/printer.h"

using namespace skald::logql;

namespace {

ExprPtr MustParse(const std::string& q) {
  auto e = ParseExpr(q);
  INFO(q);
  if (!e.ok()) FAIL(e.status().message());
  return std::move(e).value();
}

}  // namespace

TEST_CASE("stream selector") {
  auto ms = ParseStreamSelector(R"({a="b", c=~"d.*", e!="f", g!~"h"})");
  REQUIRE(ms.ok());
  REQUIRE(ms->size() == 4);
  CHECK((*ms)[0].type() == skald::MatchType::kEq);
  CHECK((*ms)[1].type() == skald::MatchType::kRe);
  CHECK((*ms)[1].Matches("dx"));
  CHECK((*ms)[2].type() == skald::MatchType::kNeq);
  CHECK((*ms)[3].type() == skald::MatchType::kNre);
  CHECK((*ms)[3].name() == "g");

  auto bt = ParseStreamSelector("{a=`x\\y`}");
  REQUIRE(bt.ok());
  CHECK((*bt)[0].value() == "x\\y");
  auto esc = ParseStreamSelector(R"({a="x\"\n\u00e9"})");
  REQUIRE(esc.ok());
  CHECK((*esc)[0].value() == "x\"\n\xC3\xA9");

  struct Bad {
    const char* in;
    const char* err;
  };
  const Bad bad[] = {
      {R"({a=~".*"})",
       "parse error : queries require at least one regexp or equality matcher that does not have "
       "an empty-compatible value. For instance, app=~\".*\" does not meet this requirement, but "
       "app=~\".+\" will"},
      {"{}", "parse error at line 1, col 2: syntax error: unexpected }, expecting IDENTIFIER"},
      {R"({a="b")", "parse error at line 1, col 7: syntax error: unexpected $end, expecting } or ,"},
      {R"({a="b"} |= "x")", "parse error at line 1, col 9: syntax error: unexpected |="},
      {R"({a="b)", "parse error at line 1, col 4: literal not terminated"},
  };
  auto re = ParseStreamSelector(R"({a=~"("})");
  REQUIRE_FALSE(re.ok());
  CHECK(re.status().message().rfind("parse error : error parsing regexp: missing )", 0) == 0);
  for (const Bad& b : bad) {
    auto r = ParseStreamSelector(b.in);
    INFO(b.in);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message() == b.err);
    CHECK(r.status().code() == skald::Code::kInvalidArgument);
  }
}

TEST_CASE("log pipeline stages") {
  auto e = MustParse(
      R"({job="x"} |= "a" or "b" != ip("10.0.0.0/8") | logfmt --strict a="b", c | json x="y[0]")"
      R"( | status >= 500 | line_format "{{.a}}" | label_format d="{{.e}}", f=g | drop h, i="j")"
      R"q( | keep k | decolorize | distinct l, m | regexp "(?P<n>.)" | pattern "<o>" | unpack)q");
  REQUIRE(e->kind == ExprKind::kLogSelector);
  const auto& st = e->As<LogSelectorExpr>().stages;
  REQUIRE(st.size() == 14);
  const auto& lf = std::get<LineFilterStage>(st[0]);
  CHECK(lf.op == LineFilterOp::kContains);
  REQUIRE(lf.terms.size() == 2);
  CHECK(lf.terms[1].value == "b");
  const auto& ipf = std::get<LineFilterStage>(st[1]);
  CHECK(ipf.op == LineFilterOp::kNotContains);
  CHECK(ipf.terms[0].ip);
  const auto& logfmt = std::get<ParserStage>(st[2]);
  CHECK(logfmt.kind == ParserKind::kLogfmt);
  CHECK(logfmt.strict);
  CHECK_FALSE(logfmt.keep_empty);
  REQUIRE(logfmt.exprs.size() == 2);
  CHECK(logfmt.exprs[1].label == "c");
  CHECK(logfmt.exprs[1].expression == "c");
  CHECK(std::get<ParserStage>(st[3]).exprs[0].expression == "y[0]");
  const auto& filt = *std::get<LabelFilterStage>(st[4]).filter;
  CHECK(filt.kind == LabelFilter::Kind::kNumber);
  CHECK(filt.op == CmpOp::kGte);
  CHECK(filt.number == 500);
  CHECK(std::get<LineFormatStage>(st[5]).tmpl == "{{.a}}");
  const auto& lfmt = std::get<LabelFormatStage>(st[6]);
  REQUIRE(lfmt.items.size() == 2);
  CHECK_FALSE(lfmt.items[0].rename);
  CHECK(lfmt.items[1].rename);
  CHECK(lfmt.items[1].value == "g");
  const auto& drop = std::get<DropStage>(st[7]);
  CHECK_FALSE(drop.items[0].matcher.has_value());
  CHECK(drop.items[1].matcher->Matches("j"));
  CHECK(std::get<KeepStage>(st[8]).items[0].name == "k");
  CHECK(std::holds_alternative<DecolorizeStage>(st[9]));
  CHECK(std::get<DistinctStage>(st[10]).labels == std::vector<std::string>{"l", "m"});
  CHECK(std::get<ParserStage>(st[11]).param == "(?P<n>.)");
  CHECK(std::get<ParserStage>(st[12]).kind == ParserKind::kPattern);
  CHECK(std::get<ParserStage>(st[13]).kind == ParserKind::kUnpack);
}

TEST_CASE("label filter values and boolean structure") {
  struct Case {
    const char* filter;
    LabelFilter::Kind kind;
    double number;
  };
  const Case cases[] = {
      {"a > 1.5", LabelFilter::Kind::kNumber, 1.5},
      {"a > -2", LabelFilter::Kind::kNumber, -2},
      {"a == 1e3", LabelFilter::Kind::kNumber, 1000},
      {"a > 1s", LabelFilter::Kind::kDuration, 1},
      {"a > 1.5m", LabelFilter::Kind::kDuration, 90},
      {"a <= 250ms", LabelFilter::Kind::kDuration, 0.25},
      {"a > 20MB", LabelFilter::Kind::kBytes, 20e6},
      {"a < 1KiB", LabelFilter::Kind::kBytes, 1024},
      {"a = \"x\"", LabelFilter::Kind::kString, 0},
      {"a =~ \"x.*\"", LabelFilter::Kind::kString, 0},
      {"a = ip(\"1.2.3.4\")", LabelFilter::Kind::kIp, 0},
  };
  for (const Case& c : cases) {
    auto e = MustParse(std::string("{x=\"y\"} | ") + c.filter);
    const auto& f = *std::get<LabelFilterStage>(e->As<LogSelectorExpr>().stages[0]).filter;
    INFO(c.filter);
    CHECK(f.kind == c.kind);
    CHECK(f.number == Approx(c.number));
    CHECK(f.name == "a");
  }
  // `and` binds tighter than `or`; `,` and juxtaposition mean `and`.
  auto e = MustParse(R"({x="y"} | a="1" or b="2", c="3" d="4")");
  const auto& root = *std::get<LabelFilterStage>(e->As<LogSelectorExpr>().stages[0]).filter;
  REQUIRE(root.kind == LabelFilter::Kind::kOr);
  CHECK(root.left->kind == LabelFilter::Kind::kString);
  REQUIRE(root.right->kind == LabelFilter::Kind::kAnd);
  CHECK(root.right->left->kind == LabelFilter::Kind::kAnd);
  CHECK(root.right->left->comma);
  auto p = MustParse(R"({x="y"} | (a="1" or b="2") and c="3")");
  const auto& proot = *std::get<LabelFilterStage>(p->As<LogSelectorExpr>().stages[0]).filter;
  CHECK(proot.kind == LabelFilter::Kind::kAnd);
  CHECK(proot.left->kind == LabelFilter::Kind::kOr);
}

TEST_CASE("range aggregations, unwrap and offset") {
  auto e = MustParse(
      R"(quantile_over_time(0.99, {a="b"} | json | unwrap duration(lat) | __error__="" [5m] offset 1h) by (pod))");
  REQUIRE(e->kind == ExprKind::kRangeAggregation);
  const auto& r = e->As<RangeAggregationExpr>();
  CHECK(r.op == RangeOp::kQuantileOverTime);
  CHECK(*r.param == 0.99);
  CHECK(r.range.range_ns == 300'000'000'000LL);
  CHECK(r.range.offset_ns == 3'600'000'000'000LL);
  REQUIRE(r.range.unwrap);
  CHECK(r.range.unwrap->label == "lat");
  CHECK(r.range.unwrap->conv == Unwrap::Conv::kDuration);
  CHECK(r.range.unwrap->post_filters.size() == 1);
  CHECK(r.range.selector.stages.size() == 1);
  REQUIRE(r.grouping);
  CHECK(r.grouping->labels == std::vector<std::string>{"pod"});

  // The range may come before the pipeline, or the selector may be parenthesised.
  for (const char* q : {R"(count_over_time({a="b"}[5m] |= "x"))", R"(count_over_time(({a="b"} |= "x")[5m]))",
                        R"(count_over_time({a="b"} |= "x" [5m]))"}) {
    auto c = MustParse(q);
    INFO(q);
    CHECK(Print(*c) == R"(count_over_time({a="b"} |= "x"[5m]))");
  }
  auto rate = MustParse(R"(rate({a="b"} | unwrap x [1m]))");
  CHECK(rate->As<RangeAggregationExpr>().range.unwrap.has_value());
  auto plain = MustParse(R"(rate({a="b"}[1m]))");
  CHECK_FALSE(plain->As<RangeAggregationExpr>().range.unwrap.has_value());
}

TEST_CASE("vector aggregations and functions") {
  auto e = MustParse(R"(topk(10, sum by (container) (count_over_time({job="docker"}[1h]))))");
  const auto& t = e->As<VectorAggregationExpr>();
  CHECK(t.op == VectorOp::kTopK);
  CHECK(t.param == 10);
  CHECK_FALSE(t.grouping);
  const auto& s = t.inner->As<VectorAggregationExpr>();
  CHECK(s.op == VectorOp::kSum);
  CHECK(s.grouping->labels == std::vector<std::string>{"container"});
  CHECK(s.inner->kind == ExprKind::kRangeAggregation);

  auto after = MustParse(R"(sum(rate({a="b"}[1m])) without (x, y))");
  CHECK(after->As<VectorAggregationExpr>().grouping->without);
  auto lr = MustParse(R"q(label_replace(rate({a="b"}[1m]), "dst", "$1", "src", "(.*)"))q");
  const auto& l = lr->As<LabelReplaceExpr>();
  CHECK(l.dst == "dst");
  CHECK(l.replacement == "$1");
  CHECK(l.src == "src");
  CHECK(l.regex == "(.*)");
  CHECK(MustParse("vector(1.5)")->As<VectorExpr>().value == 1.5);
  CHECK(MustParse("-2.5e3")->As<LiteralExpr>().value == -2500);
}

TEST_CASE("binary operator precedence and associativity") {
  struct Case {
    const char* in;
    const char* printed;
  };
  const char* A = R"(rate({a="1"}[1m]))";
  (void)A;
  const Case cases[] = {
      {"vector(1) + vector(2) * vector(3)", "(vector(1.000000) + (vector(2.000000) * vector(3.000000)))"},
      {"vector(1) * vector(2) + vector(3)", "((vector(1.000000) * vector(2.000000)) + vector(3.000000))"},
      {"vector(1) - vector(2) - vector(3)", "((vector(1.000000) - vector(2.000000)) - vector(3.000000))"},
      {"vector(1) ^ vector(2) ^ vector(3)", "(vector(1.000000) ^ (vector(2.000000) ^ vector(3.000000)))"},
      {"vector(1) * vector(2) ^ vector(3)", "(vector(1.000000) * (vector(2.000000) ^ vector(3.000000)))"},
      {"vector(1) > vector(2) + vector(3)", "(vector(1.000000) > (vector(2.000000) + vector(3.000000)))"},
      {"vector(1) and vector(2) > vector(3)", "(vector(1.000000) and (vector(2.000000) > vector(3.000000)))"},
      {"vector(1) or vector(2) and vector(3)", "(vector(1.000000) or (vector(2.000000) and vector(3.000000)))"},
      {"vector(1) or vector(2) unless vector(3)", "(vector(1.000000) or (vector(2.000000) unless vector(3.000000)))"},
      {"vector(1) % vector(2) / vector(3)", "((vector(1.000000) % vector(2.000000)) / vector(3.000000))"},
      {"(vector(1) + vector(2)) * vector(3)", "((vector(1.000000) + vector(2.000000)) * vector(3.000000))"},
      {"1 + 2 * 3", "7"},
      {"2 ^ 3 ^ 2", "512"},
      {"(1 + 2) * 3", "9"},
      {"-1 - -2", "1"},
      {"2 > bool 1", "1"},
      {"1 > 2", "0"},
      {"1 / 0", "(1 / 0)"},
      {"1000000 * 1", "1e+06"},
      {"vector(1) > bool 2", "(vector(1.000000) > bool 2)"},
      {"vector(1) + on(a) group_left(b) vector(2)", "(vector(1.000000) + on (a) group_left (b) vector(2.000000))"},
      {"vector(1) + ignoring(a, b) group_right vector(2)", "(vector(1.000000) + ignoring (a,b) group_right vector(2.000000))"},
      {"vector(1) == bool on() vector(2)", "(vector(1.000000) == bool on ()  vector(2.000000))"},
  };
  for (const Case& c : cases) {
    INFO(c.in);
    CHECK(Print(*MustParse(c.in)) == c.printed);
  }
  auto b = MustParse("vector(1) / on(x) group_left(y, z) vector(2)");
  const auto& bo = b->As<BinOpExpr>();
  CHECK(bo.op == BinOp::kDiv);
  REQUIRE(bo.matching);
  CHECK(bo.matching->on);
  CHECK(bo.matching->card == VectorMatching::Card::kManyToOne);
  CHECK(bo.matching->include == std::vector<std::string>{"y", "z"});
}

TEST_CASE("errors carry Loki wording and positions") {
  struct Case {
    const char* in;
    const char* err;
  };
  const Case cases[] = {
      {"", "parse error at line 1, col 1: syntax error: unexpected $end"},
      {R"(unk({ foo = "bar" }[5m]))", "parse error at line 1, col 1: syntax error: unexpected IDENTIFIER"},
      {R"(absent_over_time({ foo = "bar" }[5h]) by (foo))",
       "parse error : grouping not allowed for absent_over_time aggregation"},
      {R"(sum_over_time({a="b"}[5m]))", "parse error : invalid aggregation sum_over_time without unwrap"},
      {R"(count_over_time({a="b"} | unwrap x [5m]))",
       "parse error : invalid aggregation count_over_time with unwrap"},
      {R"(quantile_over_time({a="b"} | unwrap x [5m]))",
       "parse error : parameter required for operation quantile_over_time"},
      {R"(rate({a="b"}))", "parse error at line 1, col 13: syntax error: unexpected ), expecting RANGE or |"},
      {"{a=\"b\"}\n  | json\n  | x >", "parse error at line 3, col 8: syntax error: unexpected $end, expecting BYTES or NUMBER or DURATION"},
      {R"({a="b"} | unwrap x)", "parse error at line 1, col 11: syntax error: unexpected unwrap"},
      {R"({a="b"} + 1)",
       "parse error : unexpected type for left leg of binary operation (+): *syntax.MatchersExpr"},
      {R"(rate({a="b"}[5m]) and 1)",
       "parse error : unexpected literal for right leg of logical/set binary operation (and): 1.000000"},
      {R"(sum(rate({a="b"}[5m])) by (x) by (y))", "parse error at line 1, col 31: syntax error: unexpected by"},
      {R"(topk(rate({a="b"}[5m])))", "parse error : parameter required for operation topk"},
      {R"({a="b"} | label_format x="a", x="b")",
       "parse error : multiple label name 'x' not allowed in a single format operation"},
      {R"(rate({a="b"}[5x]))", "parse error at line 0, col 13: time: invalid duration \"5x\""},
      {"{a=\"b\"} |= \"x\" # comment\n |", "parse error at line 2, col 3: syntax error: unexpected $end, expecting IDENTIFIER"},
  };
  for (const Case& c : cases) {
    auto r = ParseExpr(c.in);
    INFO(c.in);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message() == c.err);
  }
}

TEST_CASE("log and sample entry points, clone") {
  CHECK(ParseLogSelector(R"({a="b"} |= "x")").ok());
  CHECK_FALSE(ParseLogSelector(R"(rate({a="b"}[1m]))").ok());
  CHECK(ParseSampleExpr(R"(rate({a="b"}[1m]))").ok());
  CHECK_FALSE(ParseSampleExpr(R"({a="b"})").ok());
  auto e = MustParse(R"(sum by (a)(rate({a="b"} | json | x > 1 [1m])) > 2)");
  ExprPtr c = CloneExpr(*e);
  REQUIRE(c);
  CHECK(Print(*c) == Print(*e));
}
