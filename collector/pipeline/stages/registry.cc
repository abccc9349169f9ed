// The stage-name → constructor table (Promtail's stage keys).
#include <utility>

#include "collector/pipeline/stages/factories.h"

namespace skald::pipeline {

StageFactory FindStageFactory(std::string_view key) {
  static constexpr std::pair<std::string_view, StageFactory> kTable[] = {
      {"docker", NewDockerStage},       {"cri", NewCriStage},
      {"json", NewJsonStage},           {"logfmt", NewLogfmtStage},
      {"regex", NewRegexStage},         {"replace", NewReplaceStage},
      {"template", NewTemplateStage},   {"timestamp", NewTimestampStage},
      {"output", NewOutputStage},       {"labels", NewLabelsStage},
      {"structured_metadata", NewStructuredMetadataStage},
      {"static_labels", NewStaticLabelsStage},
      {"labeldrop", NewLabelDropStage}, {"labelallow", NewLabelAllowStage},
      {"match", NewMatchStage},         {"drop", NewDropStage},
      {"limit", NewLimitStage},         {"multiline", NewMultilineStage},
      {"pack", NewPackStage},           {"tenant", NewTenantStage},
      {"metrics", NewMetricsStage},     {"decolorize", NewDecolorizeStage},
      {"sampling", NewSamplingStage},
  };
  for (const auto& [k, f] : kTable)
    if (k == key) return f;
  return nullptr;
}

}  // namespace skald::pipeline
