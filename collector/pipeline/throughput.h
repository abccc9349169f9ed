// Benchmark hook: runs one scrape config's relabeling + pipeline over a set of docker json-file
// records (decoded as the docker target does) and reports CPU cost per line, for the collector bench.
#pragma once

#include <string>
#include <vector>

#include "collector/collector_config.h"
#include "common/labels.h"
#include "common/status.h"

namespace skald::pipeline {

struct ThroughputResult {
  uint64_t lines = 0;
  uint64_t kept = 0;
  double cpu_seconds = 0;     // process CPU time spent in the loop
  double ns_per_line = 0;
  double lines_per_cpu_second = 0;
};

// Runs `records` (json-file lines) round-robin until `total_lines` went through `sc`, with
// `target_labels` as the container's discovered labels. `relabel_per_line` mirrors Promtail's docker
// target, which relabels every entry (true) — set false to measure the pipeline stages alone.
Result<ThroughputResult> MeasurePipeline(const ScrapeConfig& sc, const std::string& file,
                                         const std::vector<Label>& target_labels,
                                         const std::vector<std::string>& records, uint64_t total_lines,
                                         bool relabel_per_line = true);

}  // namespace skald::pipeline
