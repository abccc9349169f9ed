// `static_labels` stage: adds fixed labels to every entry.
#include "collector/pipeline/stages/config.h"
#include "collector/pipeline/stages/factories.h"

namespace skald::pipeline {
namespace {

class StaticLabelsStage : public Stage {
 public:
  std::string_view Name() const override { return "static_labels"; }
  void Process(Entry& e) override {
    for (const auto& [k, v] : labels_) e.labels.Set(k, v);
  }
  std::optional<KeySet> ReadsExtracted() const override { return KeySet{}; }
  std::vector<std::pair<std::string, std::string>> labels_;
};

}  // namespace

Result<StagePtr> NewStaticLabelsStage(const YAML::Node& cfg, const StageContext& ctx) {
  ConfigReader r(cfg, "static_labels", ctx);
  auto st = std::make_unique<StaticLabelsStage>();
  if (!cfg.IsMap() || cfg.size() == 0) r.Fail(nullptr, "empty static_labels stage configuration");
  if (r.ok()) {
    for (const auto& kv : cfg) {
      std::string k = kv.first.Scalar();
      if (!IsValidLabelName(k)) r.Fail(k.c_str(), "invalid label name: " + k);
      else if (!kv.second.IsScalar() && !kv.second.IsNull()) r.Fail(k.c_str(), "label value must be a string");
      else st->labels_.emplace_back(k, kv.second.IsNull() ? "" : kv.second.Scalar());
    }
  }
  SKALD_RETURN_IF_ERROR(r.Done());
  return StagePtr(std::move(st));
}

}  // namespace skald::pipeline
