// Pipeline throughput measurement (CPU time via clock_gettime(CLOCK_PROCESS_CPUTIME_ID)).
#include "collector/pipeline/throughput.h"

#include <ctime>
#include <map>
#include <memory>

#include "collector/pipeline/pipeline.h"
#include "collector/pipeline/relabel.h"
#include "collector/pipeline/stages/simdjson_include.h"
#include "common/gotime/gotime.h"

namespace skald::pipeline {
namespace {

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct Decoded {
  std::string line, stream;
  int64_t ts_ns = 0;
};

}  // namespace

Result<ThroughputResult> MeasurePipeline(const ScrapeConfig& sc, const std::string& file,
                                         const std::vector<Label>& target_labels,
                                         const std::vector<std::string>& records, uint64_t total_lines,
                                         bool relabel_per_line) {
  auto relabel = Relabeler::Parse(sc.relabel_configs, file);
  if (!relabel.ok()) return relabel.status();
  auto pipeline = Pipeline::Build(sc.pipeline_stages, file);
  if (!pipeline.ok()) return pipeline.status();
  if (records.empty()) return Status::Invalid("no records");
  // Decode the json-file records first: that is the tailer's work, not the pipeline's.
  simdjson::dom::parser parser;
  std::vector<Decoded> decoded;
  for (const auto& rec : records) {
    simdjson::dom::element root;
    std::string_view log, stream, time;
    if (parser.parse(rec).get(root) || root["log"].get(log) || root["stream"].get(stream) || root["time"].get(time))
      continue;
    while (!log.empty() && (log.back() == '\n' || log.back() == '\r')) log.remove_suffix(1);
    auto t = gotime::Parse(gotime::kRFC3339Nano, time);
    decoded.push_back({std::string(log), std::string(stream), t.ok() ? t->unix_ns() : 0});
  }
  if (decoded.empty()) return Status::Invalid("no valid json-file records");
  const LabelSet base(target_labels);
  std::map<std::string, std::shared_ptr<const LabelSet>> per_stream;  // when !relabel_per_line
  ThroughputResult r;
  std::vector<Entry> out;
  Entry e;
  double start = CpuSeconds();
  for (uint64_t i = 0; i < total_lines; ++i) {
    const Decoded& d = decoded[i % decoded.size()];
    std::shared_ptr<const LabelSet> ls;
    if (!relabel_per_line) {
      auto it = per_stream.find(d.stream);
      if (it != per_stream.end()) ls = it->second;
    }
    if (!ls) {
      LabelSet x = base;
      x.Set("__meta_docker_container_log_stream", d.stream);
      if (!relabel->Process(x)) continue;
      ls = std::make_shared<const LabelSet>(DropReservedLabels(x));
      if (!relabel_per_line) per_stream[d.stream] = ls;
    }
    if (pipeline->buffers()) {
      out.clear();
      pipeline->Process(Pipeline::MakeEntry(ls, d.ts_ns, d.line), out);
      r.kept += out.size();
    } else {  // as the collector runs it: one reused entry per target (see scrape_hooks.cc)
      e.Reset(ls, d.ts_ns, d.line);
      r.kept += pipeline->Process(e) ? 1 : 0;
    }
    ++r.lines;
  }
  r.cpu_seconds = CpuSeconds() - start;
  r.ns_per_line = r.lines ? r.cpu_seconds * 1e9 / r.lines : 0;
  r.lines_per_cpu_second = r.cpu_seconds > 0 ? r.lines / r.cpu_seconds : 0;
  return r;
}

}  // namespace skald::pipeline
