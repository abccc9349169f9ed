// `replace` stage: every capture group of every match of `expression` in the line (or `source`)
// is replaced by the `replace` template (`.Value` = the captured text, plus the extracted map);
// named groups also store their replaced value in the extracted map.
#include <map>

#include "collector/pipeline/stages/config.h"
#include "collector/pipeline/stages/factories.h"
#include "collector/pipeline/stages/go_regexp.h"
#include "collector/pipeline/stages/template_data.h"

namespace skald::pipeline {
namespace {

class ReplaceStage : public Stage {
 public:
  explicit ReplaceStage(gotemplate::Template t) : tmpl_(std::move(t)) {}
  std::string_view Name() const override { return "replace"; }
  void Process(Entry& e) override {
    const auto in = SourceText(e, source_);
    if (!in) return;
    const std::string input(*in);
    std::string result;
    std::map<std::string, std::string> captured;
    std::vector<re2::StringPiece> first;
    if (!Replace(e, input, &result, &captured, &first)) return;
    if (source_) e.extracted.Set(*source_, result);
    else e.line = result;
    for (const auto& [idx, name] : names_) {
      if (first[idx].data() == nullptr) continue;
      auto it = captured.find(std::string(first[idx]));
      if (it != captured.end()) e.extracted.Set(name, it->second);
    }
  }

  std::optional<std::string> source_;
  RegexPtr re_;
  std::vector<std::pair<int, std::string>> names_;

 private:
  // Go's FindAllStringSubmatchIndex walk; false when nothing matched or the template failed.
  bool Replace(const Entry& e, const std::string& input, std::string* result,
               std::map<std::string, std::string>* captured, std::vector<re2::StringPiece>* first) {
    const re2::RE2& re = *re_;
    std::vector<re2::StringPiece> g(re.NumberOfCapturingGroups() + 1);
    ExtractedTemplateData data(e.extracted, e);
    size_t pos = 0, prev_end = 0;
    bool any = false;
    while (pos <= input.size() &&
           re.Match(input, pos, input.size(), RE2::UNANCHORED, g.data(), static_cast<int>(g.size()))) {
      if (!any) *first = g;
      any = true;
      for (size_t i = 1; i < g.size(); ++i) {
        if (g[i].data() == nullptr) continue;
        size_t s = g[i].data() - input.data(), end = s + g[i].size();
        std::string cap(g[i]);
        data.SetValue(cap);
        std::string st;
        if (!tmpl_.Execute(data, &st).ok()) return false;
        if (prev_end <= s) {
          result->append(input, prev_end, s - prev_end);
          *result += st;
          prev_end = end;
        }
        (*captured)[cap] = st;
      }
      size_t mend = g[0].data() - input.data() + g[0].size();
      pos = g[0].empty() ? mend + 1 : mend;
    }
    if (!any) return false;
    result->append(input, std::min(prev_end, input.size()), std::string::npos);
    return true;
  }
  gotemplate::Template tmpl_;
};

}  // namespace

Result<StagePtr> NewReplaceStage(const YAML::Node& cfg, const StageContext& ctx) {
  ConfigReader r(cfg, "replace", ctx);
  r.Only({"expression", "source", "replace"});
  auto expr = r.String("expression");
  std::string repl = r.String("replace", "");
  std::optional<std::string> source;
  if (cfg.IsMap() && cfg["source"].IsDefined()) {
    source = r.String("source").value_or("");
    if (source->empty()) r.Fail("source", "empty source");
  }
  if (r.ok() && (!expr || expr->empty())) r.Fail("expression", "expression is required");
  RegexPtr re;
  if (r.ok()) {
    auto c = CompileRegexp(*expr);
    if (!c.ok()) r.Fail("expression", "could not compile regular expression \"" + *expr + "\": " + c.status().message());
    else re = *c;
  }
  SKALD_RETURN_IF_ERROR(r.Done());
  auto t = gotemplate::Template::Parse(repl);
  if (!t.ok()) return r.Error("replace", "could not compile template: " + t.status().message());
  auto st = std::make_unique<ReplaceStage>(std::move(*t));
  st->source_ = source;
  st->re_ = re;
  for (const auto& [name, idx] : re->NamedCapturingGroups()) st->names_.emplace_back(idx, name);
  return StagePtr(std::move(st));
}

}  // namespace skald::pipeline
