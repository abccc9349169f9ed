// AST → runtime stages, one builder function per stage kind.
#include "common/logql/log/pipeline_builder.h"

#include "common/logql/log/formatters.h"
#include "common/logql/log/json_parser.h"
#include "common/logql/log/label_filter.h"
#include "common/logql/log/line_filter.h"
#include "common/logql/log/logfmt_parser.h"
#include "common/logql/log/text_parsers.h"

namespace skald::logql::log {
namespace {

using StagePtr = std::shared_ptr<const log::Stage>;

template <typename T>
Result<StagePtr> Wrap(Result<T> r) {
  if (!r.ok()) return r.status();
  return StagePtr(std::make_shared<T>(std::move(*r)));
}

Result<StagePtr> Build(const LineFilterStage& f) {
  LineFilterConfig cfg;
  cfg.negate = f.op == LineFilterOp::kNotContains || f.op == LineFilterOp::kNotRegex ||
               f.op == LineFilterOp::kNotPattern;
  for (const auto& t : f.terms) {
    LineMatcher::Kind k = LineMatcher::Kind::kLiteral;
    if (t.ip) k = LineMatcher::Kind::kIp;
    else if (f.op == LineFilterOp::kRegex || f.op == LineFilterOp::kNotRegex) k = LineMatcher::Kind::kRegex;
    else if (f.op == LineFilterOp::kPattern || f.op == LineFilterOp::kNotPattern) k = LineMatcher::Kind::kPattern;
    auto m = LineMatcher::Make(k, t.value);
    if (!m.ok()) return m.status();
    cfg.matchers.push_back(std::move(*m));
  }
  return StagePtr(std::make_shared<LineFilter>(std::move(cfg)));
}

Result<StagePtr> Build(const ParserStage& p) {
  std::vector<std::pair<std::string, std::string>> exprs;
  for (const auto& e : p.exprs) exprs.emplace_back(e.label, e.expression);
  switch (p.kind) {
    case ParserKind::kJson:
      if (exprs.empty()) return StagePtr(std::make_shared<JsonParser>());
      return Wrap(JsonExpressionParser::Make(exprs));
    case ParserKind::kLogfmt:
      return StagePtr(std::make_shared<LogfmtParser>(LogfmtConfig{p.strict, p.keep_empty, exprs}));
    case ParserKind::kRegexp:
      return Wrap(RegexpParser::Make(p.param));
    case ParserKind::kPattern:
      return Wrap(PatternParser::Make(p.param));
    case ParserKind::kUnpack:
      return StagePtr(std::make_shared<UnpackParser>());
  }
  return Status::Invalid("unknown parser");
}

Result<StagePtr> Build(const logql::LabelFilterStage& f) {
  auto e = LabelFilterExpr::Compile(*f.filter);
  if (!e.ok()) return e.status();
  return StagePtr(std::make_shared<log::LabelFilterStage>(std::move(*e)));
}

Result<StagePtr> Build(const LineFormatStage& f) { return Wrap(LineFormat::Make(f.tmpl)); }

Result<StagePtr> Build(const LabelFormatStage& f) {
  std::vector<LabelFormatItem> items;
  for (const auto& it : f.items) items.push_back(LabelFormatItem{it.dst, it.value, it.rename});
  return Wrap(LabelFormat::Make(items));
}

std::vector<LabelSelector> Selectors(const std::vector<LabelSelectItem>& items) {
  std::vector<LabelSelector> out;
  for (const auto& it : items) out.push_back(LabelSelector{it.name, it.matcher});
  return out;
}

Result<StagePtr> Build(const DropStage& d) { return StagePtr(std::make_shared<DropLabels>(Selectors(d.items))); }
Result<StagePtr> Build(const KeepStage& k) { return StagePtr(std::make_shared<KeepLabels>(Selectors(k.items))); }
Result<StagePtr> Build(const DecolorizeStage&) { return StagePtr(std::make_shared<Decolorize>()); }
Result<StagePtr> Build(const DistinctStage& d) { return StagePtr(std::make_shared<Distinct>(d.labels)); }

}  // namespace

Result<Pipeline> BuildPipeline(const std::vector<logql::Stage>& stages) {
  std::vector<StagePtr> out;
  for (const auto& s : stages) {
    auto r = std::visit([](const auto& st) { return Build(st); }, s);
    if (!r.ok()) return r.status();
    out.push_back(std::move(*r));
  }
  return Pipeline(std::move(out));
}

Result<Pipeline> BuildPipeline(const LogSelectorExpr& expr) { return BuildPipeline(expr.stages); }

Result<SampleExtractor> BuildSampleExtractor(const RangeAggregationExpr& expr) {
  auto p = BuildPipeline(expr.range.selector);
  if (!p.ok()) return p.status();
  SampleExtractorConfig cfg;
  if (expr.range.unwrap) {
    const Unwrap& u = *expr.range.unwrap;
    cfg.kind = SampleExtractorConfig::Kind::kUnwrap;
    cfg.label = u.label;
    cfg.conv = u.conv;
    for (const auto& f : u.post_filters) {
      auto e = LabelFilterExpr::Compile(*f);
      if (!e.ok()) return e.status();
      cfg.post_filters.push_back(std::shared_ptr<const LabelFilterExpr>(std::move(*e)));
    }
    cfg.grouping = expr.grouping;
  } else if (expr.op == RangeOp::kBytesOverTime || expr.op == RangeOp::kBytesRate) {
    cfg.kind = SampleExtractorConfig::Kind::kBytes;
  }
  return SampleExtractor(std::move(*p), std::move(cfg));
}

}  // namespace skald::logql::log
