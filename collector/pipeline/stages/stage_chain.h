// A list of stages run in order: the body of a pipeline and of a `match` stage. Entries held by a
// buffering stage (multiline) continue through the rest of the chain when they are released.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "collector/pipeline/stages/stage.h"

namespace skald::pipeline {

// Not thread-safe: one chain serves one sequence of entries (Promtail runs a pipeline per target).
class StageChain {
 public:
  // Told the drop_reason of every entry a stage drops on the buffered path (may be empty).
  using DropFn = std::function<void(const std::string& reason)>;

  // `stages` is a pipeline_stages sequence; every item a one-key map `- <stage>: <config>`.
  static Result<StageChain> Build(const YAML::Node& stages, const StageContext& ctx);

  // Runs `e` through the chain; appends what comes out (0..n entries) to `out`.
  void Push(Entry&& e, std::vector<Entry>& out, const DropFn& on_drop = {});
  // Fast path when !buffers(): in place; false when the entry was dropped. Inline: once per line.
  bool ProcessInPlace(Entry& e) {
    for (auto& s : stages_) {
      s->Process(e);
      if (e.dropped) return false;
    }
    return true;
  }
  // Releases held entries that are due (all of them when `force`) and runs them on.
  void Flush(int64_t now_ns, bool force, std::vector<Entry>& out, const DropFn& on_drop = {});

  // Tells every stage which extracted keys later stages may read; `live_at_end` is what may be read
  // after the chain (nullopt: anything, as after a `match` body). Called once by Pipeline::Build.
  void PropagateLiveness(std::optional<KeySet> live_at_end);

  bool buffers() const { return buffers_; }
  size_t size() const { return stages_.size(); }
  const Stage& stage(size_t i) const { return *stages_[i]; }

 private:
  void Run(size_t from, Entry&& e, std::vector<Entry>& out, const DropFn& on_drop);
  std::vector<StagePtr> stages_;
  bool buffers_ = false;
};

}  // namespace skald::pipeline
