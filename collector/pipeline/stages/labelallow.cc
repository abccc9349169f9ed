// `labelallow` stage: keeps only the listed labels (filter in labeldrop.cc).
#include "collector/pipeline/stages/factories.h"
#include "collector/pipeline/stages/label_filter.h"

namespace skald::pipeline {

Result<StagePtr> NewLabelAllowStage(const YAML::Node& cfg, const StageContext& ctx) {
  return NewLabelFilter(cfg, ctx, true);
}

}  // namespace skald::pipeline
