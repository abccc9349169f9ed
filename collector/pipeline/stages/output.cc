// `output` stage: replaces the log line with an extracted value.
#include "collector/pipeline/stages/config.h"
#include "collector/pipeline/stages/factories.h"

namespace skald::pipeline {
namespace {

class OutputStage : public Stage {
 public:
  std::string_view Name() const override { return "output"; }
  void Process(Entry& e) override {
    if (const std::string* v = e.extracted.Get(source_)) e.line = *v;
  }
  std::optional<KeySet> ReadsExtracted() const override { return KeySet{source_}; }
  std::string source_;
};

}  // namespace

Result<StagePtr> NewOutputStage(const YAML::Node& cfg, const StageContext& ctx) {
  ConfigReader r(cfg, "output", ctx);
  r.Only({"source"});
  auto st = std::make_unique<OutputStage>();
  st->source_ = r.String("source", "");
  if (r.ok() && st->source_.empty()) r.Fail("source", "output source value is required");
  SKALD_RETURN_IF_ERROR(r.Done());
  return StagePtr(std::move(st));
}

}  // namespace skald::pipeline
