// `sampling` stage: keeps each entry with probability `rate`, dropping the rest with reason
// `drop_counter_reason` (default "sampling_stage").
#include <random>

#include "collector/pipeline/stages/config.h"
#include "collector/pipeline/stages/factories.h"

namespace skald::pipeline {
namespace {

class SamplingStage : public Stage {
 public:
  std::string_view Name() const override { return "sampling"; }
  void Process(Entry& e) override {
    if (rate_ >= 1.0) return;
    if (dist_(rng_) >= rate_) {
      e.dropped = true;
      e.drop_reason = reason_;
    }
  }
  double rate_ = 1.0;
  std::string reason_;
  std::mt19937_64 rng_{std::random_device{}()};
  std::uniform_real_distribution<double> dist_{0.0, 1.0};
};

}  // namespace

Result<StagePtr> NewSamplingStage(const YAML::Node& cfg, const StageContext& ctx) {
  ConfigReader r(cfg, "sampling", ctx);
  r.Only({"rate", "drop_counter_reason"});
  auto st = std::make_unique<SamplingStage>();
  st->rate_ = r.Double("rate").value_or(1.0);
  st->reason_ = r.String("drop_counter_reason", "sampling_stage");
  if (r.ok() && (st->rate_ < 0 || st->rate_ > 1)) r.Fail("rate", "sampling rate must be between 0.0 and 1.0");
  SKALD_RETURN_IF_ERROR(r.Done());
  return StagePtr(std::move(st));
}

}  // namespace skald::pipeline
