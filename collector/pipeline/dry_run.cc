// Dry-run driver: targets from the config, relabel, pipeline, Promtail's printing format.
#include "collector/pipeline/dry_run.h"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "collector/pipeline/pipeline.h"
#include "collector/pipeline/relabel.h"
#include "collector/pipeline/stages/simdjson_include.h"
#include "common/gotime/gotime.h"

namespace skald::pipeline {
namespace {

struct Target {
  LabelSet labels;          // discovered (pre-relabel) labels
  bool docker = false;
  const Relabeler* relabel;
  Pipeline* pipeline;
};

struct DockerRecord {
  std::string line, stream;
  int64_t ts_ns = 0;
};

bool DecodeDocker(simdjson::dom::parser& p, const std::string& rec, DockerRecord* out) {
  simdjson::dom::element root;
  if (p.parse(rec).get(root) != simdjson::SUCCESS) return false;
  std::string_view log, stream, time;
  if (root["log"].get(log) || root["stream"].get(stream) || root["time"].get(time)) return false;
  auto t = gotime::Parse(gotime::kRFC3339Nano, time);
  if (!t.ok()) return false;
  while (!log.empty() && (log.back() == '\n' || log.back() == '\r')) log.remove_suffix(1);
  out->line = std::string(log);
  out->stream = std::string(stream);
  out->ts_ns = t->unix_ns();
  return true;
}

void Emit(Pipeline& p, Entry&& e, std::ostream& out) {
  std::vector<Entry> done;
  p.Process(std::move(e), done);
  for (const auto& d : done) out << FormatDryRunEntry(d.ts_ns, d.labels, d.line) << "\n";
}

// Relabels and runs one line for one target.
void RunLine(const Target& t, const std::string& raw, int64_t now, simdjson::dom::parser& jp, std::ostream& out) {
  LabelSet ls = t.labels;
  int64_t ts = now;
  std::string line = raw;
  DockerRecord rec;
  if (t.docker && DecodeDocker(jp, raw, &rec)) {
    ls.Set("__meta_docker_container_log_stream", rec.stream);
    ts = rec.ts_ns;
    line = std::move(rec.line);
  }
  if (!t.relabel->Process(ls)) return;
  Emit(*t.pipeline, Pipeline::MakeEntry(DropReservedLabels(ls), ts, std::move(line)), out);
}

}  // namespace

std::string FormatDryRunEntry(int64_t ts_ns, const LabelSet& labels, std::string_view line) {
  std::string out = gotime::Format("2006-01-02T15:04:05.999999999-0700", ts_ns) + "\t" + labels.ToString() + "\t";
  out.append(line);
  return out;
}

int RunDryRun(const CollectorConfig& cfg, const DryRunOptions& opts, std::istream& in, std::ostream& out,
              std::ostream& err) {
  std::vector<std::unique_ptr<Relabeler>> relabelers;
  std::vector<std::unique_ptr<Pipeline>> pipelines;
  std::vector<Target> targets;
  auto metrics = std::make_shared<CustomMetrics>();
  for (const auto& sc : cfg.scrape_configs) {
    auto rl = Relabeler::Parse(sc.relabel_configs, cfg.config_file);
    if (!rl.ok()) return err << rl.status().message() << "\n", 1;
    auto pl = Pipeline::Build(sc.pipeline_stages, cfg.config_file, {sc.job_name, metrics});
    if (!pl.ok()) return err << pl.status().message() << "\n", 1;
    relabelers.push_back(std::make_unique<Relabeler>(std::move(*rl)));
    pipelines.push_back(std::make_unique<Pipeline>(std::move(*pl)));
    for (const auto& st : sc.static_configs) {
      std::vector<Label> ls(st.labels.size());
      for (size_t i = 0; i < ls.size(); ++i) ls[i] = {st.labels[i].first, st.labels[i].second};
      targets.push_back({LabelSet(ls), false, relabelers.back().get(), pipelines.back().get()});
    }
    if (!sc.docker_sd_configs.empty())
      targets.push_back({LabelSet(opts.target_labels), true, relabelers.back().get(), pipelines.back().get()});
  }
  simdjson::dom::parser jp;
  std::string line;
  while (std::getline(in, line)) {
    int64_t now = opts.now_ns ? opts.now_ns
                              : std::chrono::duration_cast<std::chrono::nanoseconds>(
                                    std::chrono::system_clock::now().time_since_epoch()).count();
    for (const auto& t : targets) RunLine(t, line, now, jp, out);
  }
  for (auto& p : pipelines) {
    std::vector<Entry> rest;
    p->FlushAll(rest);
    for (const auto& d : rest) out << FormatDryRunEntry(d.ts_ns, d.labels, d.line) << "\n";
  }
  return 0;
}

int RunDryRun(const CollectorConfig& cfg, std::istream& in, std::ostream& out) {
  DryRunOptions opts;
  if (const char* env = std::getenv("SKALD_DRY_RUN_LABELS")) {
    std::string s = env;
    size_t pos = 0;
    while (pos < s.size()) {
      size_t comma = s.find(',', pos);
      std::string kv = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
      size_t eq = kv.find('=');
      if (eq != std::string::npos) opts.target_labels.push_back({kv.substr(0, eq), kv.substr(eq + 1)});
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
  }
  return RunDryRun(cfg, opts, in, out, std::cerr);
}

}  // namespace skald::pipeline
