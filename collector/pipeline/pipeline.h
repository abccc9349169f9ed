// A scrape config's pipeline_stages, built once (validated with file:line errors) and run per entry;
// plus the drop accounting Promtail exposes as logentry_dropped_lines_total{reason}.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "collector/pipeline/stages/custom_metrics.h"
#include "collector/pipeline/stages/stage.h"
#include "collector/pipeline/stages/stage_chain.h"
#include "common/metrics.h"

namespace skald::pipeline {

struct PipelineOptions {
  std::string job_name;
  // Registry for `metrics` stages (shared across pipelines so /metrics shows them all); null = private.
  std::shared_ptr<CustomMetrics> metrics;
  // logentry_dropped_lines_total{reason}, shared by every pipeline; null = only dropped().
  metrics::CounterVec* dropped_lines = nullptr;
};

// Promtail's counter of entries dropped by drop/limit/match/sampling stages, by `reason`.
inline constexpr const char* kDroppedLinesMetric = "logentry_dropped_lines_total";
metrics::CounterVec& DroppedLinesCounter(metrics::Registry& registry);

// Not thread-safe: one Pipeline per target/stream source (as Promtail runs one per target).
class Pipeline {
 public:
  static Result<Pipeline> Build(const YAML::Node& stages, const std::string& file,
                                const PipelineOptions& opts = {});

  // Starts an entry the way Promtail does: the labels also seed the extracted map.
  static Entry MakeEntry(LabelSet labels, int64_t ts_ns, std::string line);
  // Same, sharing one stream's label set between its entries (no per-entry extracted copy).
  static Entry MakeEntry(std::shared_ptr<const LabelSet> labels, int64_t ts_ns, std::string line);

  // Runs one entry; appends what comes out (0, 1, or held multiline blocks) to `out`.
  void Process(Entry&& e, std::vector<Entry>& out);
  // In-place form for pipelines without buffering stages (see buffers()); false = dropped.
  bool Process(Entry& e) {
    if (chain_.ProcessInPlace(e)) return true;
    if (!e.drop_reason.empty()) CountDrop(e.drop_reason);
    return false;
  }
  // Releases multiline blocks idle past max_wait_time; call every ~100ms with a steady-clock now.
  void Tick(int64_t steady_now_ns, std::vector<Entry>& out);
  // Releases everything held (shutdown, end of dry-run input).
  void FlushAll(std::vector<Entry>& out);

  bool buffers() const { return chain_.buffers(); }
  size_t size() const { return chain_.size(); }
  // Entries dropped so far, by reason (Promtail's logentry_dropped_lines_total{reason}).
  const std::map<std::string, uint64_t>& dropped() const { return dropped_; }
  const std::shared_ptr<CustomMetrics>& metrics() const { return metrics_; }

 private:
  StageChain chain_;
  void CountDrop(const std::string& reason);
  std::shared_ptr<CustomMetrics> metrics_;
  metrics::CounterVec* dropped_lines_ = nullptr;
  std::map<std::string, uint64_t> dropped_;
};

}  // namespace skald::pipeline
