// `docker` stage: Promtail defines it as a fixed pipeline over the json-file line
// `{"log","stream","time"}`: output=log, label stream, timestamp=time (RFC3339Nano).
#include "collector/pipeline/stages/config.h"
#include "collector/pipeline/stages/factories.h"
#include "common/gotime/gotime.h"

#include "collector/pipeline/stages/simdjson_include.h"

namespace skald::pipeline {
namespace {

class DockerStage : public Stage {
 public:
  std::string_view Name() const override { return "docker"; }
  void Process(Entry& e) override {
    simdjson::dom::element root;
    if (ThreadJsonParser().parse(e.line.data(), e.line.size()).get(root) != simdjson::SUCCESS || root.type() != simdjson::dom::element_type::OBJECT)
      return;
    std::string_view log, stream, time;
    bool has_log = root["log"].get(log) == simdjson::SUCCESS;
    bool has_stream = root["stream"].get(stream) == simdjson::SUCCESS;
    bool has_time = root["time"].get(time) == simdjson::SUCCESS;
    if (has_stream) {
      e.extracted.Set("stream", std::string(stream));
      e.labels.Set("stream", stream);
    }
    if (has_time) {
      e.extracted.Set("timestamp", std::string(time));
      auto t = gotime::Parse(gotime::kRFC3339Nano, time);
      if (t.ok()) e.ts_ns = t->unix_ns();
    }
    if (has_log) {
      std::string l(log);
      e.extracted.Set("output", l);
      e.line = std::move(l);
    }
  }
};

}  // namespace

Result<StagePtr> NewDockerStage(const YAML::Node& cfg, const StageContext& ctx) {
  ConfigReader r(cfg, "docker", ctx);
  r.Only({});
  SKALD_RETURN_IF_ERROR(r.Done());
  return StagePtr(std::make_unique<DockerStage>());
}

}  // namespace skald::pipeline
