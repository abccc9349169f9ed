// Pipeline construction and the per-entry driver.
#include "collector/pipeline/pipeline.h"

namespace skald::pipeline {

Result<Pipeline> Pipeline::Build(const YAML::Node& stages, const std::string& file, const PipelineOptions& opts) {
  Pipeline p;
  p.metrics_ = opts.metrics ? opts.metrics : std::make_shared<CustomMetrics>();
  StageContext ctx{file, opts.job_name, p.metrics_};
  auto chain = StageChain::Build(stages, ctx);
  if (!chain.ok()) return chain.status();
  p.chain_ = std::move(*chain);
  p.chain_.PropagateLiveness(KeySet{});  // nothing reads the extracted map after the pipeline
  p.dropped_lines_ = opts.dropped_lines;
  return p;
}

metrics::CounterVec& DroppedLinesCounter(metrics::Registry& registry) {
  return registry.NewCounterVec(kDroppedLinesMetric,
                                "A count of all log lines dropped as a result of a pipeline stage",
                                {"reason"});
}

void Pipeline::CountDrop(const std::string& reason) {
  ++dropped_[reason];
  if (dropped_lines_) dropped_lines_->WithLabelValues({reason}).Inc();
}

Entry Pipeline::MakeEntry(LabelSet labels, int64_t ts_ns, std::string line) {
  return MakeEntry(std::make_shared<const LabelSet>(std::move(labels)), ts_ns, std::move(line));
}

Entry Pipeline::MakeEntry(std::shared_ptr<const LabelSet> labels, int64_t ts_ns, std::string line) {
  Entry e;
  e.Reset(labels, ts_ns, {});
  e.line = std::move(line);
  return e;
}

void Pipeline::Process(Entry&& e, std::vector<Entry>& out) {
  if (!chain_.buffers()) {
    if (Process(e)) out.push_back(std::move(e));
    return;
  }
  chain_.Push(std::move(e), out, [this](const std::string& r) { if (!r.empty()) CountDrop(r); });
}

void Pipeline::Tick(int64_t steady_now_ns, std::vector<Entry>& out) {
  chain_.Flush(steady_now_ns, false, out, [this](const std::string& r) { if (!r.empty()) CountDrop(r); });
}

void Pipeline::FlushAll(std::vector<Entry>& out) {
  chain_.Flush(0, true, out, [this](const std::string& r) { if (!r.empty()) CountDrop(r); });
}

}  // namespace skald::pipeline
