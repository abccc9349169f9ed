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
  return p;
}

Entry Pipeline::MakeEntry(LabelSet labels, int64_t ts_ns, std::string line) {
  return MakeEntry(std::make_shared<const LabelSet>(std::move(labels)), ts_ns, std::move(line));
}

Entry Pipeline::MakeEntry(std::shared_ptr<const LabelSet> labels, int64_t ts_ns, std::string line) {
  Entry e;
  e.labels = *labels;
  e.extracted.SetBase(std::move(labels));
  e.ts_ns = ts_ns;
  e.line = std::move(line);
  return e;
}

bool Pipeline::Process(Entry& e) {
  if (chain_.ProcessInPlace(e)) return true;
  if (!e.drop_reason.empty()) ++dropped_[e.drop_reason];
  return false;
}

void Pipeline::Process(Entry&& e, std::vector<Entry>& out) {
  if (!chain_.buffers()) {
    if (Process(e)) out.push_back(std::move(e));
    return;
  }
  chain_.Push(std::move(e), out);
}

}  // namespace skald::pipeline
