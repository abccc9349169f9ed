// `template` stage: renders a Go template over the extracted map (+ `.Value` = the source value)
// and stores the result under `source`; an empty result removes the key (as Promtail does).
#include "collector/pipeline/stages/config.h"
#include "collector/pipeline/stages/factories.h"
#include "collector/pipeline/stages/template_data.h"

namespace skald::pipeline {
namespace {

class TemplateStage : public Stage {
 public:
  explicit TemplateStage(gotemplate::Template t) : tmpl_(std::move(t)) {}
  std::string_view Name() const override { return "template"; }
  void Process(Entry& e) override {
    ExtractedTemplateData data(e.extracted, e);
    const std::string* v = e.extracted.Get(source_);
    std::string value = v ? *v : std::string();
    if (v) data.SetValue(value);
    std::string out;
    if (!tmpl_.Execute(data, &out).ok()) return;  // Promtail: logged at debug, entry unchanged
    if (out.empty()) e.extracted.Erase(source_);
    else e.extracted.Set(source_, std::move(out));
  }
  std::string source_;

 private:
  gotemplate::Template tmpl_;
};

}  // namespace

Result<StagePtr> NewTemplateStage(const YAML::Node& cfg, const StageContext& ctx) {
  ConfigReader r(cfg, "template", ctx);
  r.Only({"source", "template"});
  std::string source = r.String("source", "");
  auto text = r.String("template");
  if (r.ok() && source.empty()) r.Fail("source", "template source value is required");
  if (r.ok() && !text) r.Fail("template", "template value is required");
  SKALD_RETURN_IF_ERROR(r.Done());
  auto t = gotemplate::Template::Parse(*text);
  if (!t.ok()) return r.Error("template", "could not compile template: " + t.status().message());
  auto st = std::make_unique<TemplateStage>(std::move(*t));
  st->source_ = source;
  return StagePtr(std::move(st));
}

}  // namespace skald::pipeline
