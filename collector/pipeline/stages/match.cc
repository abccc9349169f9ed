// `match` stage: a LogQL stream selector plus optional line filters (`{app="x"} |= "err"`); a
// matching entry runs the nested `stages` (action keep) or is dropped (action drop).
#include "collector/pipeline/stages/config.h"
#include "collector/pipeline/stages/factories.h"
#include "collector/pipeline/stages/go_regexp.h"
#include "collector/pipeline/stages/stage_chain.h"
#include "common/logql/parser.h"
#include "common/matcher.h"

namespace skald::pipeline {
namespace {

// One LogQL line filter (`|= != |~ !~`, with `or` alternatives) evaluated on the line.
struct LineFilter {
  bool negate = false;
  std::vector<std::string> literals;  // contains-any (when !regex)
  std::vector<RegexPtr> regexes;      // partial-match-any (when regex)
  bool Matches(std::string_view line) const {
    bool any = false;
    for (const auto& l : literals) any = any || line.find(l) != std::string::npos;
    for (const auto& r : regexes) any = any || RE2::PartialMatch(line, *r);
    return any != negate;
  }
};

// `{...} |= "x" != "y" |~ "z"` via the LogQL parser; only line filters may follow the selector.
Status ParseSelector(const std::string& text, Matchers* ms, std::vector<LineFilter>* filters) {
  auto expr = logql::ParseLogSelector(text);
  if (!expr.ok()) return expr.status();
  *ms = (*expr)->matchers;
  for (const auto& stage : (*expr)->stages) {
    const auto* lf = std::get_if<logql::LineFilterStage>(&stage);
    if (!lf) return Status::Invalid("only line filters (|= != |~ !~) may follow the selector");
    LineFilter f;
    bool regex = lf->op == logql::LineFilterOp::kRegex || lf->op == logql::LineFilterOp::kNotRegex;
    f.negate = lf->op == logql::LineFilterOp::kNotContains || lf->op == logql::LineFilterOp::kNotRegex;
    if (!regex && lf->op != logql::LineFilterOp::kContains && lf->op != logql::LineFilterOp::kNotContains)
      return Status::Invalid("pattern line filters are not supported in a match selector");
    for (const auto& t : lf->terms) {
      if (t.ip) return Status::Invalid("ip() line filters are not supported in a match selector");
      if (!regex) {
        f.literals.push_back(t.value);
        continue;
      }
      auto re = CompileRegexp(t.value);
      if (!re.ok()) return Status::Invalid("invalid regex " + GoQuote(t.value) + ": " + re.status().message());
      f.regexes.push_back(*re);
    }
    filters->push_back(std::move(f));
  }
  return Status::Ok();
}

class MatchStage : public Stage {
 public:
  std::string_view Name() const override { return "match"; }
  void Process(Entry& e) override {
    if (!MatchesAll(matchers_, e.labels)) return;
    for (const auto& f : filters_)
      if (!f.Matches(e.line)) return;
    if (drop_) {
      e.dropped = true;
      e.drop_reason = reason_;
      return;
    }
    nested_.ProcessInPlace(e);
  }
  Matchers matchers_;
  std::vector<LineFilter> filters_;
  bool drop_ = false;
  std::string reason_, pipeline_name_;
  StageChain nested_;
};

}  // namespace

Result<StagePtr> NewMatchStage(const YAML::Node& cfg, const StageContext& ctx) {
  ConfigReader r(cfg, "match", ctx);
  r.Only({"selector", "stages", "action", "drop_counter_reason", "pipeline_name"});
  auto st = std::make_unique<MatchStage>();
  std::string sel = r.String("selector", "");
  std::string action = r.String("action", "keep");
  st->reason_ = r.String("drop_counter_reason", "match_stage");
  st->pipeline_name_ = r.String("pipeline_name", "");
  if (r.ok() && sel.empty()) r.Fail("selector", "selector statement required for match stage");
  if (r.ok() && action != "keep" && action != "drop") r.Fail("action", "match stage action should be 'keep' or 'drop'");
  st->drop_ = action == "drop";
  bool has_stages = r.Has("stages");
  if (r.ok() && !st->drop_ && !has_stages) r.Fail("stages", "match stage configuration must contain at least one stage when action is keep");
  if (r.ok() && st->drop_ && has_stages) r.Fail("stages", "match stage configuration cannot contain stages when action is drop");
  if (r.ok()) {
    Status s = ParseSelector(sel, &st->matchers_, &st->filters_);
    if (!s.ok()) r.Fail("selector", "invalid selector syntax for match stage: " + s.message());
  }
  SKALD_RETURN_IF_ERROR(r.Done());
  if (has_stages) {
    auto chain = StageChain::Build(r.Node("stages"), ctx);
    if (!chain.ok()) return chain.status();
    if (chain->buffers()) return r.Error("stages", "multiline inside match is not supported");
    st->nested_ = std::move(*chain);
  }
  return StagePtr(std::move(st));
}

}  // namespace skald::pipeline
