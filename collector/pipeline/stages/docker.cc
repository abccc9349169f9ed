// `docker` stage: Promtail defines it as a fixed pipeline (json output=log, stream=stream,
// timestamp=time; labels stream; timestamp RFC3339Nano, fudge on failure; output), run here as one.
#include "collector/pipeline/stages/config.h"
#include "collector/pipeline/stages/factories.h"
#include "collector/pipeline/stages/stage_chain.h"

namespace skald::pipeline {
namespace {

// Promtail's NewDocker pipeline, stage for stage. On a docker_sd target the line is the
// application's own (the json-file wrapper is decoded before the pipeline, as Promtail reads the
// Docker API): a JSON line with log/stream/time keys gives them, any other line is kept as it is,
// but its timestamp is fudged (last parsed time of the stream + 1ns) once one line had a "time".
constexpr const char* kDockerPipeline = R"(
- json: {expressions: {output: log, stream: stream, timestamp: time}}
- labels: {stream: }
- timestamp: {source: timestamp, format: RFC3339Nano}
- output: {source: output}
)";

class DockerStage : public Stage {
 public:
  explicit DockerStage(StageChain chain) : chain_(std::move(chain)) {}
  std::string_view Name() const override { return "docker"; }
  void Process(Entry& e) override { chain_.ProcessInPlace(e); }

 private:
  StageChain chain_;
};

}  // namespace

Result<StagePtr> NewDockerStage(const YAML::Node& cfg, const StageContext& ctx) {
  ConfigReader r(cfg, "docker", ctx);
  r.Only({});
  SKALD_RETURN_IF_ERROR(r.Done());
  auto chain = StageChain::Build(YAML::Load(kDockerPipeline), ctx);
  if (!chain.ok()) return chain.status().Annotate("docker stage");
  return StagePtr(std::make_unique<DockerStage>(std::move(*chain)));
}

}  // namespace skald::pipeline
