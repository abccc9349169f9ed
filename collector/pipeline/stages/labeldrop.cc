// `labeldrop` stage: removes the listed labels; the filter itself (shared with `labelallow`).
#include <algorithm>

#include "collector/pipeline/stages/label_filter.h"
#include "collector/pipeline/stages/config.h"
#include "collector/pipeline/stages/factories.h"

namespace skald::pipeline {
namespace {

class LabelFilterStage : public Stage {
 public:
  LabelFilterStage(bool allow, std::vector<std::string> names) : allow_(allow), names_(std::move(names)) {}
  std::string_view Name() const override { return allow_ ? "labelallow" : "labeldrop"; }
  void Process(Entry& e) override {
    if (!allow_) {
      for (const auto& n : names_) e.labels.Erase(n);
      return;
    }
    std::vector<std::string> drop;
    for (const auto& l : e.labels)
      if (std::find(names_.begin(), names_.end(), l.name) == names_.end()) drop.push_back(l.name);
    for (const auto& n : drop) e.labels.Erase(n);
  }
  std::optional<KeySet> ReadsExtracted() const override { return KeySet{}; }

 private:
  bool allow_;
  std::vector<std::string> names_;
};

}  // namespace

Result<StagePtr> NewLabelFilter(const YAML::Node& cfg, const StageContext& ctx, bool allow) {
  const char* name = allow ? "labelallow" : "labeldrop";
  ConfigReader r(cfg, name, ctx);
  std::vector<std::string> names;
  if (!cfg.IsSequence() || cfg.size() == 0) r.Fail(nullptr, "expected a non-empty list of label names");
  else
    for (const auto& n : cfg) names.push_back(n.Scalar());
  SKALD_RETURN_IF_ERROR(r.Done());
  return StagePtr(std::make_unique<LabelFilterStage>(allow, std::move(names)));
}


Result<StagePtr> NewLabelDropStage(const YAML::Node& cfg, const StageContext& ctx) {
  return NewLabelFilter(cfg, ctx, false);
}

}  // namespace skald::pipeline
