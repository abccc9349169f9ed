// Stage chain construction from YAML (one-key maps, unknown stages rejected) and execution.
#include "collector/pipeline/stages/stage_chain.h"

#include "collector/pipeline/stages/config.h"
#include "collector/pipeline/stages/factories.h"

namespace skald::pipeline {

Result<StageChain> StageChain::Build(const YAML::Node& stages, const StageContext& ctx) {
  StageChain chain;
  if (!stages.IsDefined() || stages.IsNull()) return chain;
  if (!stages.IsSequence())
    return Status::Invalid(Where(ctx.file, stages) + ": pipeline_stages: expected a list of stages");
  for (const auto& item : stages) {
    if (!item.IsMap() || item.size() != 1)
      return Status::Invalid(Where(ctx.file, item) + ": pipeline stage must contain only one key");
    auto kv = *item.begin();
    std::string key = kv.first.Scalar();
    StageFactory f = FindStageFactory(key);
    if (!f) return Status::Invalid(Where(ctx.file, kv.first) + ": unknown pipeline stage \"" + key + "\"");
    auto st = f(kv.second, ctx);
    if (!st.ok()) return st.status();
    chain.buffers_ = chain.buffers_ || (*st)->Buffers();
    chain.stages_.push_back(std::move(*st));
  }
  // A stage that can run its predecessor as part of itself (a `labels` stage after a line-scanning
  // `regex`: the match goes straight to the label) replaces the two.
  for (size_t i = 1; i < chain.stages_.size(); ++i)
    if (chain.stages_[i]->Absorb(chain.stages_[i - 1])) chain.stages_.erase(chain.stages_.begin() + --i);
  return chain;
}

void StageChain::PropagateLiveness(std::optional<KeySet> live) {
  for (size_t i = stages_.size(); i-- > 0;) {
    stages_[i]->SetLiveAfter(live);
    if (!live) continue;  // once anything may be read, it stays so for the stages before
    auto reads = stages_[i]->ReadsExtracted();
    if (!reads) live.reset();
    else live->insert(reads->begin(), reads->end());
  }
}

void StageChain::Run(size_t from, Entry&& e, std::vector<Entry>& out, const DropFn& on_drop) {
  for (size_t i = from; i < stages_.size(); ++i) {
    Stage& s = *stages_[i];
    if (s.Buffers()) {
      std::vector<Entry> released;
      s.Push(std::move(e), released);
      for (auto& r : released) Run(i + 1, std::move(r), out, on_drop);
      return;
    }
    s.Process(e);
    if (e.dropped) {
      if (on_drop) on_drop(e.drop_reason);
      return;
    }
  }
  out.push_back(std::move(e));
}

void StageChain::Push(Entry&& e, std::vector<Entry>& out, const DropFn& on_drop) {
  Run(0, std::move(e), out, on_drop);
}

void StageChain::Flush(int64_t now_ns, bool force, std::vector<Entry>& out, const DropFn& on_drop) {
  for (size_t i = 0; i < stages_.size(); ++i) {
    if (!stages_[i]->Buffers()) continue;
    std::vector<Entry> released;
    stages_[i]->Flush(now_ns, force, released);
    for (auto& r : released) Run(i + 1, std::move(r), out, on_drop);
  }
}

}  // namespace skald::pipeline
