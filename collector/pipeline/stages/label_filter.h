// Shared by the `labeldrop` and `labelallow` stages: removes the listed labels, or all but them.
#pragma once

#include "collector/pipeline/stages/stage.h"

namespace skald::pipeline {

Result<StagePtr> NewLabelFilter(const YAML::Node& cfg, const StageContext& ctx, bool allow);

}  // namespace skald::pipeline
