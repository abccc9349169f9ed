// Builds the Shipper's per-scrape-config hooks from Promtail YAML: relabel_configs (then the
// reserved `__` labels dropped) and a factory of per-target pipeline_stages chains.
#pragma once

#include <memory>
#include <string>

#include "collector/collector_config.h"
#include "collector/pipeline/stages/custom_metrics.h"
#include "collector/shipper.h"
#include "common/metrics.h"
#include "common/status.h"

namespace skald {

// What every pipeline of a collector shares: the `metrics` stages' registry (one per process, as
// Promtail's) and the logentry_dropped_lines_total counter. Both may be null.
struct PipelineShared {
  std::shared_ptr<pipeline::CustomMetrics> metrics;
  metrics::CounterVec* dropped_lines = nullptr;
};

// Validates the scrape config at once (errors name `file` and line); the hooks then build one
// pipeline per target (Promtail's model: stateful stages never mix targets' lines).
Result<ScrapeHooks> MakeScrapeHooks(const ScrapeConfig& sc, const std::string& file,
                                    PipelineShared shared);

// Validates every scrape config's relabel_configs and pipeline_stages (for -check-syntax).
Status ValidateScrapeConfigs(const CollectorConfig& cfg);

}  // namespace skald
