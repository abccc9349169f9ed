// `structured_metadata` stage: extracted values → the entry's structured metadata (same config
// shape and rules as `labels`, which holds the shared implementation).
#include "collector/pipeline/stages/factories.h"

namespace skald::pipeline {

Result<StagePtr> NewStructuredMetadataStage(const YAML::Node& cfg, const StageContext& ctx) {
  return NewLabelsLikeStage(cfg, ctx, true);
}

}  // namespace skald::pipeline
