// `tenant` stage: picks the tenant the client pushes this entry to, from a label, an extracted
// value or a constant; carried in the reserved `__tenant_id__` label (the client strips it).
#include "collector/pipeline/stages/config.h"
#include "collector/pipeline/stages/factories.h"

namespace skald::pipeline {
namespace {

class TenantStage : public Stage {
 public:
  std::string_view Name() const override { return "tenant"; }
  void Process(Entry& e) override {
    std::string t;
    if (!value_.empty()) {
      t = value_;
    } else if (!source_.empty()) {
      if (const std::string* v = e.extracted.Get(source_)) t = *v;
    } else if (auto v = e.labels.Get(label_)) {
      t = std::string(*v);
    }
    if (!t.empty()) e.labels.Set(kTenantLabel, t);
  }
  std::string label_, source_, value_;
};

}  // namespace

Result<StagePtr> NewTenantStage(const YAML::Node& cfg, const StageContext& ctx) {
  ConfigReader r(cfg, "tenant", ctx);
  r.Only({"label", "source", "value"});
  auto st = std::make_unique<TenantStage>();
  st->label_ = r.String("label", "");
  st->source_ = r.String("source", "");
  st->value_ = r.String("value", "");
  int n = !st->label_.empty() + !st->source_.empty() + !st->value_.empty();
  if (r.ok() && n == 0) r.Fail(nullptr, "either label, source or value config option is required");
  if (r.ok() && n > 1) r.Fail(nullptr, "label, source and value are mutually exclusive: set only one");
  SKALD_RETURN_IF_ERROR(r.Done());
  return StagePtr(std::move(st));
}

}  // namespace skald::pipeline
