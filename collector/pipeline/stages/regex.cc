// `regex` stage: matches the line (or an extracted `source`) and stores named groups in the
// extracted map (Go's FindStringSubmatch: leftmost match, unmatched groups become "").
#include "collector/pipeline/stages/config.h"
#include "collector/pipeline/stages/factories.h"
#include "collector/pipeline/stages/go_regexp.h"

namespace skald::pipeline {
namespace {

class RegexStage : public Stage {
 public:
  std::string_view Name() const override { return "regex"; }
  void Process(Entry& e) override {
    const std::string* input = &e.line;
    if (source_) {
      input = e.extracted.Get(*source_);
      if (!input) return;
    }
    if (!re_->Match(*input, 0, input->size(), RE2::UNANCHORED, groups_.data(), static_cast<int>(groups_.size())))
      return;
    for (const auto& [idx, name] : names_) {
      const auto& g = groups_[idx];
      e.extracted.Set(name, g.data() ? std::string(g.data(), g.size()) : std::string());
    }
  }

  std::optional<std::string> source_;
  RegexPtr re_;
  std::vector<std::pair<int, std::string>> names_;
  std::vector<re2::StringPiece> groups_;
};

}  // namespace

Result<StagePtr> NewRegexStage(const YAML::Node& cfg, const StageContext& ctx) {
  ConfigReader r(cfg, "regex", ctx);
  r.Only({"expression", "source"});
  auto st = std::make_unique<RegexStage>();
  auto expr = r.String("expression");
  if (r.ok() && (!expr || expr->empty())) r.Fail("expression", "expression is required");
  if (cfg.IsMap() && cfg["source"].IsDefined()) {
    st->source_ = r.String("source").value_or("");
    if (st->source_->empty()) r.Fail("source", "empty source");
  }
  if (r.ok()) {
    auto re = CompileRegexp(*expr);
    if (!re.ok()) {
      r.Fail("expression", "could not compile regular expression \"" + *expr + "\": " + re.status().message());
    } else {
      st->re_ = *re;
      for (const auto& [name, idx] : st->re_->NamedCapturingGroups()) st->names_.emplace_back(idx, name);
      std::sort(st->names_.begin(), st->names_.end());
      st->groups_.resize(st->re_->NumberOfCapturingGroups() + 1);
    }
  }
  SKALD_RETURN_IF_ERROR(r.Done());
  return StagePtr(std::move(st));
}

}  // namespace skald::pipeline
