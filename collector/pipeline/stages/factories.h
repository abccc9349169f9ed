// One constructor per stage file (named after the stage's YAML key): parse + validate the config
// and build the stage, or fail with `file:line: <stage> stage: ...`.
#pragma once

#include <string_view>

#include <yaml-cpp/yaml.h>

#include "collector/pipeline/stages/stage.h"

namespace skald::pipeline {

using StageFactory = Result<StagePtr> (*)(const YAML::Node& cfg, const StageContext& ctx);

Result<StagePtr> NewDockerStage(const YAML::Node& cfg, const StageContext& ctx);
Result<StagePtr> NewCriStage(const YAML::Node& cfg, const StageContext& ctx);
Result<StagePtr> NewJsonStage(const YAML::Node& cfg, const StageContext& ctx);
Result<StagePtr> NewLogfmtStage(const YAML::Node& cfg, const StageContext& ctx);
Result<StagePtr> NewRegexStage(const YAML::Node& cfg, const StageContext& ctx);
Result<StagePtr> NewReplaceStage(const YAML::Node& cfg, const StageContext& ctx);
Result<StagePtr> NewTemplateStage(const YAML::Node& cfg, const StageContext& ctx);
Result<StagePtr> NewTimestampStage(const YAML::Node& cfg, const StageContext& ctx);
Result<StagePtr> NewOutputStage(const YAML::Node& cfg, const StageContext& ctx);
Result<StagePtr> NewLabelsStage(const YAML::Node& cfg, const StageContext& ctx);
Result<StagePtr> NewStructuredMetadataStage(const YAML::Node& cfg, const StageContext& ctx);
Result<StagePtr> NewStaticLabelsStage(const YAML::Node& cfg, const StageContext& ctx);
Result<StagePtr> NewLabelDropStage(const YAML::Node& cfg, const StageContext& ctx);
Result<StagePtr> NewLabelAllowStage(const YAML::Node& cfg, const StageContext& ctx);
Result<StagePtr> NewMatchStage(const YAML::Node& cfg, const StageContext& ctx);
Result<StagePtr> NewDropStage(const YAML::Node& cfg, const StageContext& ctx);
Result<StagePtr> NewLimitStage(const YAML::Node& cfg, const StageContext& ctx);
Result<StagePtr> NewMultilineStage(const YAML::Node& cfg, const StageContext& ctx);
Result<StagePtr> NewPackStage(const YAML::Node& cfg, const StageContext& ctx);
Result<StagePtr> NewTenantStage(const YAML::Node& cfg, const StageContext& ctx);
Result<StagePtr> NewMetricsStage(const YAML::Node& cfg, const StageContext& ctx);
Result<StagePtr> NewDecolorizeStage(const YAML::Node& cfg, const StageContext& ctx);
Result<StagePtr> NewSamplingStage(const YAML::Node& cfg, const StageContext& ctx);

// Shared by `labels` (metadata=false) and `structured_metadata` (metadata=true).
Result<StagePtr> NewLabelsLikeStage(const YAML::Node& cfg, const StageContext& ctx, bool metadata);

// The stage constructor for a YAML key, or null for an unknown key.
StageFactory FindStageFactory(std::string_view key);

}  // namespace skald::pipeline
