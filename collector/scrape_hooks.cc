// Relabel + pipeline hooks for the Shipper. The pipeline runs on the Shipper's single tail thread,
// so one Pipeline per scrape config is used without locking.
#include "collector/scrape_hooks.h"

#include <utility>
#include <vector>

#include "collector/pipeline/pipeline.h"
#include "collector/pipeline/relabel.h"

namespace skald {

Result<ScrapeHooks> MakeScrapeHooks(const ScrapeConfig& sc, const std::string& file,
                                    std::shared_ptr<pipeline::CustomMetrics> metrics) {
  auto relabeler = pipeline::Relabeler::Parse(sc.relabel_configs, file);
  if (!relabeler.ok()) return relabeler.status();
  pipeline::PipelineOptions popts;
  popts.job_name = sc.job_name;
  popts.metrics = std::move(metrics);
  auto built = pipeline::Pipeline::Build(sc.pipeline_stages, file, popts);
  if (!built.ok()) return built.status();

  ScrapeHooks hooks;
  auto rl = std::make_shared<pipeline::Relabeler>(std::move(*relabeler));
  hooks.relabel = [rl](LabelSet& labels) {
    if (!rl->Process(labels)) return false;
    labels = pipeline::DropReservedLabels(labels);
    return true;
  };
  if (built->size() == 0) return hooks;  // no stages: the Shipper passes entries through
  auto pl = std::make_shared<pipeline::Pipeline>(std::move(*built));
  hooks.process = [pl](LabelSet& labels, LogEntry& e, const EmitFn& emit) {
    thread_local std::vector<pipeline::Entry> out;
    out.clear();
    pl->Process(pipeline::Pipeline::MakeEntry(labels, e.ts_ns, std::move(e.line)), out);
    for (pipeline::Entry& pe : out) {
      if (pe.dropped) continue;
      LogEntry le{pe.ts_ns, std::move(pe.line), std::move(pe.metadata)};
      emit(pipeline::DropReservedLabels(pe.labels), le);
    }
  };
  return hooks;
}

Status ValidateScrapeConfigs(const CollectorConfig& cfg) {
  for (const ScrapeConfig& sc : cfg.scrape_configs) {
    auto h = MakeScrapeHooks(sc, cfg.config_file, nullptr);
    if (!h.ok()) return h.status().Annotate("scrape config \"" + sc.job_name + "\"");
  }
  return Status::Ok();
}

}  // namespace skald
