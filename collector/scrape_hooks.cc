// Relabel + pipeline hooks for the Shipper: each tailed target gets its own Pipeline (run on the
// Shipper's tail thread, no locking); the Shipper drops reserved labels other than __tenant_id__.
#include "collector/scrape_hooks.h"

#include <utility>
#include <vector>

#include "collector/pipeline/pipeline.h"
#include "collector/pipeline/relabel.h"
#include "common/logger.h"

namespace skald {
namespace {

class PipelineProcessor : public TargetProcessor {
 public:
  explicit PipelineProcessor(pipeline::Pipeline p) : p_(std::move(p)) {}

  void Process(const std::shared_ptr<const LabelSet>& labels, int64_t ts_ns, std::string_view line,
               const EmitFn& emit) override {
    if (p_.buffers()) {
      out_.clear();
      p_.Process(pipeline::Pipeline::MakeEntry(labels, ts_ns, std::string(line)), out_);
      EmitAll(emit);
      return;
    }
    // No buffering stage: a reused entry per stream (a target's stdout and stderr alternate), so its
    // strings and vectors keep their capacity and its labels keep their base.
    // The entry borrows `line` (no copy unless a stage changes it).
    pipeline::Entry& e = ScratchFor(labels);
    e.Reset(labels, ts_ns, line);
    if (!p_.Process(e)) return;
    emit(e.labels, Emitted(e));
  }
  void Tick(int64_t now_ns, bool force, const EmitFn& emit) override {
    if (!p_.buffers()) return;
    out_.clear();
    if (force) p_.FlushAll(out_);
    else p_.Tick(now_ns, out_);
    EmitAll(emit);
  }

 private:
  static EmittedEntry Emitted(const pipeline::Entry& e) {  // views, valid during the emit call
    return EmittedEntry(e.ts_ns, e.line, e.metadata.empty() ? nullptr : &e.metadata);
  }
  void EmitAll(const EmitFn& emit) {
    for (pipeline::Entry& pe : out_) {
      if (pe.dropped) continue;
      emit(pe.labels, Emitted(pe));
    }
  }
  pipeline::Entry& ScratchFor(const std::shared_ptr<const LabelSet>& labels) {
    if (scratch_[last_].labels.base() != labels) last_ ^= 1;  // the other one, or the least recent
    return scratch_[last_];
  }
  pipeline::Pipeline p_;
  std::vector<pipeline::Entry> out_;
  pipeline::Entry scratch_[2];
  int last_ = 0;
};

}  // namespace

Result<ScrapeHooks> MakeScrapeHooks(const ScrapeConfig& sc, const std::string& file, PipelineShared shared) {
  auto relabeler = pipeline::Relabeler::Parse(sc.relabel_configs, file);
  if (!relabeler.ok()) return relabeler.status();
  pipeline::PipelineOptions popts;
  popts.job_name = sc.job_name;
  popts.metrics = shared.metrics ? shared.metrics : std::make_shared<pipeline::CustomMetrics>();
  popts.dropped_lines = shared.dropped_lines;
  auto built = pipeline::Pipeline::Build(sc.pipeline_stages, file, popts);  // validates
  if (!built.ok()) return built.status();

  ScrapeHooks hooks;
  auto rl = std::make_shared<pipeline::Relabeler>(std::move(*relabeler));
  hooks.relabel = [rl](LabelSet& labels) {
    if (!rl->Process(labels)) return false;
    labels = pipeline::DropReservedLabels(labels);
    return true;
  };
  if (built->size() == 0) return hooks;  // no stages: the Shipper passes entries through
  YAML::Node stages = sc.pipeline_stages;
  hooks.new_processor = [stages, file, popts]() -> std::unique_ptr<TargetProcessor> {
    auto p = pipeline::Pipeline::Build(stages, file, popts);
    if (!p.ok()) {  // validated above; cannot happen unless the YAML changed
      SKALD_LOG(error, "building a target's pipeline failed", {{"error", p.status().message()}});
      return nullptr;
    }
    return std::make_unique<PipelineProcessor>(std::move(*p));
  };
  return hooks;
}

Status ValidateScrapeConfigs(const CollectorConfig& cfg) {
  for (const ScrapeConfig& sc : cfg.scrape_configs) {
    auto h = MakeScrapeHooks(sc, cfg.config_file, {});
    if (!h.ok()) return h.status().Annotate("scrape config \"" + sc.job_name + "\"");
  }
  return Status::Ok();
}

}  // namespace skald
