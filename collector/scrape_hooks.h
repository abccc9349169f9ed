// Builds the Shipper's per-scrape-config hooks from Promtail YAML: relabel_configs (then the
// reserved `__` labels dropped) and the pipeline_stages chain, validated at start-up with file:line.
#pragma once

#include <memory>
#include <string>

#include "collector/collector_config.h"
#include "collector/pipeline/stages/custom_metrics.h"
#include "collector/shipper.h"
#include "common/status.h"

namespace skald {

// `file` names the config file in errors. `metrics` is shared by every pipeline's `metrics` stages.
Result<ScrapeHooks> MakeScrapeHooks(const ScrapeConfig& sc, const std::string& file,
                                    std::shared_ptr<pipeline::CustomMetrics> metrics);

// Validates every scrape config's relabel_configs and pipeline_stages (for -check-syntax).
Status ValidateScrapeConfigs(const CollectorConfig& cfg);

}  // namespace skald
